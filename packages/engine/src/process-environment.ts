/**
 * What a ManagedProcess is handed by its supervisor (the bus, the logger, the clock, the callbacks it reports
 * through) and what an event-listener pool hooks into it: the seams between one process and the rest of the engine.
 */
import type { EventBus } from "./event-bus.js";
import type { ResourceGovernor } from "./limits/governor.js";
import type { EngineLogger } from "./logger.js";
import type { ManagedProcess } from "./process.js";
import type { NotifyPort } from "./readiness/notify-port.js";
import type { ChildSpawnerPort } from "./spawner-port.js";

export interface ProcessEnvironment {
  bus: EventBus;
  logger: EngineLogger;
  now: () => number;
  daemonEnv: Record<string, string | undefined>;
  serverUrl: string | null;
  /** Called after every drained batch of events (the supervisor's waiters re-check their conditions). */
  onSettled: (process: ManagedProcess) => void;
  /** Issue 17: cgroups, descendant sweep, RSS watchdog (absent in unit tests of the runner alone). */
  governor?: ResourceGovernor;
  /** issue 20: posix_spawn (null: every child through node:child_process). */
  spawner?: ChildSpawnerPort | null;
  /** issue 14: the sd_notify port (null: notify checks report it unavailable). */
  notify?: NotifyPort | null;
  /** issue 14: readiness/liveness of a process changed (publish it, re-check dependency gates). */
  onChecksChanged?: (process: ManagedProcess) => void;
}

/** What an event-listener pool needs to follow one of its processes (spec §6.4). */
export interface ListenerHooks {
  /** A new child was spawned (listener state starts ACKNOWLEDGED). */
  onSpawn(): void;
  /** A chunk of the child's stdout (the protocol channel). */
  onStdout(chunk: Buffer): void;
  /** The child exited and its exit was processed (an unacknowledged event goes back to the pool, LSN-06). */
  onExit(): void;
}
