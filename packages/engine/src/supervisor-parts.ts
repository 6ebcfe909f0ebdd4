/**
 * The Supervisor's parts and how they are wired to one another: the group registry (with the environment every
 * process is spawned in), the per-process operations, the readiness feature (issue 14) and the update planner
 * (issue 18). Kept apart from supervisor.ts so that file reads as the engine's public operations; `host` is the
 * Supervisor itself, seen through the few callbacks the parts need.
 */
import type { Config } from "@tsupervisord/config";
import type { EventBus } from "./event-bus.js";
import { GroupRegistry } from "./group-registry.js";
import type { ResourceGovernor } from "./limits/governor.js";
import type { EngineLogger } from "./logger.js";
import { ProcessOperations } from "./operations.js";
import { realFcgiSockets } from "./ports.js";
import type { ManagedProcess, ProcessEnvironment } from "./process.js";
import type { ProcessResult, SupervisorOptions } from "./types.js";
import type { ProcessWaiters } from "./waiters.js";
import { ReadinessFeature } from "./dependencies/feature.js";
import { PlanApplier } from "./update/apply-plan.js";

export interface PartsHost {
  readonly options: SupervisorOptions;
  readonly logger: EngineLogger;
  readonly now: () => number;
  readonly bus: EventBus;
  readonly waiters: ProcessWaiters;
  readonly governor: ResourceGovernor;
  /** `[supervisord] identifier` of the active config. */
  identifier(): string;
  /** False once shutdown began (no new starts, no autostart). */
  daemonRunning(): boolean;
  /** The config of the last reloadConfig() (what update applies). */
  pending(): Config;
  settled(proc: ManagedProcess): void;
  checksChanged(proc: ManagedProcess): void;
  stopOne(proc: ManagedProcess, name: string): Promise<void>;
  stopProcessGroup(name: string): Promise<ProcessResult[]>;
  removeProcessGroup(name: string): void;
  addProcessGroup(name: string): void;
}

export interface SupervisorParts {
  registry: GroupRegistry;
  ops: ProcessOperations;
  readiness: ReadinessFeature;
  planner: PlanApplier;
}

export function wireParts(host: PartsHost): SupervisorParts {
  const { options, logger, now, bus, waiters } = host;
  // issue 20: a plain copy taken once; enumerating process.env calls into C++ for every key, on every spawn.
  const daemonEnv = options.env ?? { ...process.env };
  const processEnv: ProcessEnvironment = {
    bus,
    logger,
    now,
    daemonEnv,
    serverUrl: options.serverUrl ?? null,
    onSettled: (proc) => host.settled(proc),
    governor: host.governor,
    notify: options.notify ?? null, // issue 14
    spawner: options.spawner ?? null, // issue 20
    onChecksChanged: (proc) => host.checksChanged(proc), // issue 14
  };
  const registry = new GroupRegistry({
    bus,
    logger,
    output: options.output,
    fcgiSockets: options.fcgiSockets ?? realFcgiSockets,
    processEnv,
    hooks: options.hooks ?? [],
    identifier: () => host.identifier(),
    daemonRunning: () => host.daemonRunning(),
  });
  const ops = new ProcessOperations({ waiters, logger, now, daemonEnv });
  const readiness = new ReadinessFeature({ ops, registry, waiters, bus, logger, daemonRunning: () => host.daemonRunning() });
  const planner = new PlanApplier({
    registry,
    pending: () => host.pending(),
    stopOne: (proc, name) => host.stopOne(proc, name),
    autostart: (proc) => readiness.autostart(proc),
    forget: (proc) => (waiters.forget(proc), readiness.forget(proc)),
    stopGroup: (name) => host.stopProcessGroup(name),
    removeGroup: (name) => host.removeProcessGroup(name),
    addGroup: (name) => host.addProcessGroup(name),
    // A group changed in place looks to event listeners and Watch clients as supervisord's re-add does.
    regrouped: (groupName) => {
      bus.publish({ name: "PROCESS_GROUP_REMOVED", groupName });
      bus.publish({ name: "PROCESS_GROUP_ADDED", groupName });
    },
  });
  return { registry, ops, readiness, planner };
}
