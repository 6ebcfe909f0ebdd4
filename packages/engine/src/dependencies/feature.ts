/**
 * issue 14 wired into the Supervisor: the depends_on coordinator, the start/stop orders of the graph, the
 * readiness fields of ProcessInfo and the readiness event. The Supervisor calls it from a few marked lines.
 */
import { SupervisorError } from "@tsupervisord/errors";
import type { EventBus } from "../event-bus.js";
import type { ActiveGroup, GroupRegistry } from "../group-registry.js";
import type { EngineLogger } from "../logger.js";
import { forEachProcess, type ProcessOperations } from "../operations.js";
import type { ManagedProcess } from "../process.js";
import { RUNNING_STATES } from "@tsupervisord/pycompat";
import type { ProcessInfo, ProcessResult } from "../types.js";
import type { ProcessWaiters } from "../waiters.js";
import { DependencyCoordinator } from "./coordinator.js";
import { groupStartOrder, hasDependencies } from "./gate.js";

export type ReadinessFields = Pick<
  ProcessInfo,
  "readiness" | "readinessStatus" | "liveness" | "livenessStatus" | "waitingFor" | "dependsOn" | "program"
>;

export interface FeatureDeps {
  ops: ProcessOperations;
  registry: GroupRegistry;
  waiters: ProcessWaiters;
  bus: EventBus;
  logger: EngineLogger;
  daemonRunning: () => boolean;
}

export class ReadinessFeature {
  private readonly coordinator: DependencyCoordinator;

  constructor(private readonly deps: FeatureDeps) {
    this.coordinator = new DependencyCoordinator((program) => this.processesOfProgram(program), deps.logger);
  }

  static gated(proc: ManagedProcess): boolean {
    return DependencyCoordinator.gated(proc);
  }

  /** A gated start waits for its dependencies (which it starts first); others are supervisord's start. */
  startOne(proc: ManagedProcess, name: string, wait: boolean): Promise<void> {
    if (!ReadinessFeature.gated(proc)) return this.deps.ops.start(proc, name, wait);
    this.deps.ops.precheck(proc, name);
    return this.start(proc, name, wait);
  }

  /** A stop withdraws a start still waiting for its dependencies, and a liveness restart in progress. */
  stopOne(proc: ManagedProcess, name: string, wait: boolean): Promise<void> {
    this.forget(proc);
    return this.deps.ops.stop(proc, name, wait);
  }

  /** stopAll with depends_on: group by group from the end of the start order, each stopped before the next. */
  async stopAllInDependencyOrder(): Promise<ProcessResult[]> {
    const results: ProcessResult[] = [];
    for (const group of this.groupsInStartOrder().reverse()) {
      const running = (p: ManagedProcess): boolean => RUNNING_STATES.has(p.state);
      results.push(...(await forEachProcess(group.processes, running, (ns, p) => this.stopOne(p, ns, true))));
    }
    return results;
  }

  /** Groups in start order: depends_on first, then (priority, name); the reverse is the stop order. */
  groupsInStartOrder(): ActiveGroup[] {
    const sorted = this.deps.registry.sorted();
    if (!hasDependencies(sorted.flatMap((g) => g.processes))) return sorted;
    const order = groupStartOrder(sorted.map((g) => ({ name: g.config.name, priority: g.config.priority, processes: g.processes })));
    return order.map((name) => this.deps.registry.group(name));
  }

  hasDependencies(): boolean {
    return hasDependencies(this.deps.registry.processesByPriority());
  }

  /** The daemon's autostart (T1), held back until the dependencies are met. */
  autostart(proc: ManagedProcess): void {
    this.coordinator.autostart(proc);
  }

  /** A start, a stop or the process going away withdraws a pending start and a liveness restart in progress. */
  forget(proc: ManagedProcess): void {
    this.coordinator.cancel(proc);
    proc.cancelLivenessRestart();
  }

  clear(): void {
    this.coordinator.clear();
  }

  /**
   * issue 20: a start of `proc` waits for dependencies that can still be met, i.e. it will start on its own
   * (false when none waits, or when a dependency cannot be met any more: `blocked`).
   */
  startPending(proc: ManagedProcess): boolean {
    return this.coordinator.isPending(proc) && this.coordinator.status(proc).blocked === null;
  }

  /** Something settled: release the starts whose conditions are now met. */
  release(): void {
    this.coordinator.release();
  }

  /** An explicit start of a gated process: its dependencies first; FAILED once one cannot be met. */
  private async start(proc: ManagedProcess, name: string, wait: boolean): Promise<void> {
    this.coordinator.request(proc);
    if (!wait) return;
    let failure = null as SupervisorError | null;
    await this.deps.waiters.waitAll([proc, ...this.transitiveDependencies(proc)], () => {
      if (this.coordinator.isPending(proc)) {
        const blocked = this.coordinator.status(proc).blocked;
        if (blocked !== null) {
          this.coordinator.cancel(proc);
          failure = new SupervisorError("FAILED", `dependency not met: ${blocked}`);
        } else if (!this.deps.daemonRunning()) failure = new SupervisorError("SHUTDOWN_STATE");
        return failure !== null;
      }
      if (proc.machine.spawnerr !== null) failure = new SupervisorError("SPAWN_ERROR", name);
      else if (proc.state !== "STARTING" && proc.state !== "RUNNING") failure = new SupervisorError("ABNORMAL_TERMINATION", name);
      return failure !== null || proc.state === "RUNNING";
    });
    if (failure !== null) throw failure;
  }

  /** Readiness changed: publish it (Watch, TUI); the caller re-checks whatever waits on the process. */
  publish(proc: ManagedProcess): void {
    const view = proc.checks?.view();
    if (view === undefined || !this.deps.registry.has(proc.groupName)) return;
    this.deps.bus.publish({
      name: "PROCESS_READINESS_CHANGED",
      processName: proc.name,
      groupName: proc.groupName,
      readiness: view.readiness,
      readinessStatus: view.readinessStatus,
      liveness: view.liveness,
      livenessStatus: view.livenessStatus,
    });
  }

  info(proc: ManagedProcess): ReadinessFields {
    const view = proc.checks?.view();
    let waitingFor = "";
    if (this.coordinator.isPending(proc)) {
      const status = this.coordinator.status(proc);
      waitingFor = `waiting for ${status.unmet.join(", ")}` + (status.blocked !== null ? `; blocked: ${status.blocked}` : "");
    }
    return {
      readiness: view?.readiness ?? "none",
      readinessStatus: view?.readinessStatus ?? "",
      liveness: view?.liveness ?? "none",
      livenessStatus: view?.livenessStatus ?? "",
      waitingFor,
      dependsOn: (proc.config.readiness?.dependsOn ?? []).map((d) => `${d.program}:${d.condition}`),
      program: proc.config.programName,
    };
  }

  /** Every active process of `[program:NAME]` (depends_on names programs). */
  private processesOfProgram(program: string): ManagedProcess[] {
    return this.deps.registry
      .processesByPriority()
      .filter((p) => p.config.programName === program && p.config.section === `program:${program}`);
  }

  private transitiveDependencies(proc: ManagedProcess): ManagedProcess[] {
    const seen = new Set<ManagedProcess>();
    const stack = [proc];
    while (stack.length > 0) {
      const p = stack.pop() as ManagedProcess;
      for (const d of p.config.readiness?.dependsOn ?? []) {
        for (const q of this.processesOfProgram(d.program)) {
          if (q !== proc && !seen.has(q)) {
            seen.add(q);
            stack.push(q);
          }
        }
      }
    }
    return [...seen];
  }
}
