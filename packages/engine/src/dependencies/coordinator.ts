/**
 * Holds back the starts of processes whose depends_on conditions are not met yet (issue 14), and releases each
 * as soon as they are: re-checked whenever any process settles or its readiness changes (no polling). Starting
 * a process starts what it needs (as `systemctl start` does); the dependencies' own dependencies gate them.
 */
import type { EngineLogger } from "../logger.js";
import type { ManagedProcess } from "../process.js";
import { RUNNING_STATES } from "@tsupervisord/pycompat";
import { dependencyStatus, meets, type DependencyStatus, type ProgramLookup } from "./gate.js";

type StartKind = "autostart" | "start";

export class DependencyCoordinator {
  private readonly pending = new Map<ManagedProcess, StartKind>();
  private releasing = false;
  private again = false;

  constructor(
    private readonly lookup: ProgramLookup,
    private readonly logger: EngineLogger,
  ) {}

  static gated(proc: ManagedProcess): boolean {
    return (proc.config.readiness?.dependsOn.length ?? 0) > 0;
  }

  isPending(proc: ManagedProcess): boolean {
    return this.pending.has(proc);
  }

  status(proc: ManagedProcess): DependencyStatus {
    return dependencyStatus(proc, this.lookup);
  }

  /** The daemon's autostart of one process (T1), held back until its dependencies are met. */
  autostart(proc: ManagedProcess): void {
    if (!DependencyCoordinator.gated(proc)) {
      proc.dispatch({ type: "autostart" });
      return;
    }
    const m = proc.machine;
    if (proc.state !== "STOPPED" || m.laststart !== 0 || !proc.config.autostart || !m.daemonRunning) return;
    this.pull(proc, false);
    this.pending.set(proc, "autostart");
    this.release();
  }

  /** An explicit start of a gated process: its missing dependencies are started, then it follows. */
  request(proc: ManagedProcess): void {
    this.pull(proc, true);
    this.pending.set(proc, "start");
    this.release();
  }

  cancel(proc: ManagedProcess): void {
    this.pending.delete(proc);
  }

  clear(): void {
    this.pending.clear();
  }

  /** Start every pending process whose conditions are now met (re-entrant calls are folded into one pass). */
  release(): void {
    if (this.releasing) {
      this.again = true;
      return;
    }
    this.releasing = true;
    try {
      do {
        this.again = false;
        for (const [proc, kind] of [...this.pending]) {
          if (!this.pending.has(proc) || this.status(proc).unmet.length > 0) continue;
          this.pending.delete(proc);
          if (!proc.machine.daemonRunning) continue;
          this.logger.info(`dependencies met: starting ${proc.name}`);
          proc.dispatch({ type: kind });
        }
      } while (this.again);
    } finally {
      this.releasing = false;
    }
  }

  /**
   * Start the dependencies that nothing else will start: on an explicit start every stopped/exited/fatal one;
   * at autostart only those that never ran and have autostart=false (the others autostart on their own).
   */
  private pull(proc: ManagedProcess, explicit: boolean): void {
    for (const dep of proc.config.readiness?.dependsOn ?? []) {
      for (const p of this.lookup(dep.program)) {
        if (p === proc || this.pending.has(p) || meets(p, dep.condition) || RUNNING_STATES.has(p.state)) continue;
        if (p.state !== "STOPPED" && p.state !== "EXITED" && p.state !== "FATAL") continue;
        if (!explicit && (p.machine.laststart !== 0 || p.config.autostart)) continue;
        this.logger.info(`starting ${p.name} (needed by ${proc.name})`);
        if (DependencyCoordinator.gated(p)) this.request(p);
        else p.dispatch({ type: "start" });
      }
    }
  }
}
