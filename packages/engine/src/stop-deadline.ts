/**
 * A whole-shutdown deadline (`[supervisord] stop_deadline`, container mode): an orchestrator sends SIGTERM and
 * SIGKILLs everything after its grace period (Kubernetes `terminationGracePeriodSeconds`, systemd
 * `TimeoutStopSec`). To end on our own terms inside it, the shutdown gets:
 * - a kill point a little before the deadline (the reserve leaves time to reap, sweep and exit);
 * - per group, in the shutdown's own order (highest priority number first), a share of the time left until the
 *   kill point, proportional to the group's longest `stopwaitsecs`; time a group does not use passes on to the
 *   next. When a group's share is used up, what is left of it is SIGKILLed;
 * - at the kill point, SIGKILL for every process still alive, whatever group it is in.
 * Every forced kill is logged with the process name and pid. The budget arithmetic is pure (tested with numbers);
 * the timers live in {@link StopDeadline}.
 */
import type { EngineLogger } from "./logger.js";
import type { ManagedProcess } from "./process.js";
import { STOPPED_STATES } from "@tsupervisord/pycompat";

/** Time kept back from the deadline for the SIGKILLs to land, the leftover sweep, closing logs and exiting. */
export function reserveMs(deadlineMs: number): number {
  return Math.min(2000, Math.max(250, Math.round(deadlineMs * 0.1)));
}

/**
 * The share of `leftMs` for the first of `weights` (the group being stopped now, followed by the groups still
 * to stop): proportional to its weight (groupWeight). With nothing weighed, the whole time left.
 */
export function groupShareMs(leftMs: number, weights: readonly number[]): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (leftMs <= 0 || total <= 0) return Math.max(0, leftMs);
  return Math.floor((leftMs * (weights[0] as number)) / total);
}

/**
 * A group's weight: its longest stopwaitsecs (a Celery worker draining tasks asks for more than a web server),
 * at least 1; 0 when nothing of it is left to stop, so finished groups leave their time to the others.
 */
export function groupWeight(processes: readonly ManagedProcess[]): number {
  const live = processes.filter((p) => !STOPPED_STATES.has(p.state));
  if (live.length === 0) return 0;
  return Math.max(1, ...live.map((p) => p.config.stopwaitsecs));
}

/**
 * SIGKILL now, through the state machine's own escalation (T14), so states and events stay exact: a process
 * not yet asked to stop is asked first (its stop signal), then escalated at once. Returns the pid killed, or 0.
 */
export function forceKill(proc: ManagedProcess): number {
  if (proc.state === "RUNNING" || proc.state === "STARTING" || proc.state === "BACKOFF") {
    proc.dispatch({ type: "shutdown-stop" });
  }
  if (proc.state !== "STOPPING" || proc.pid === 0) return 0;
  const pid = proc.pid;
  proc.dispatch({ type: "stopwait-elapsed", generation: proc.machine.timerGeneration });
  return pid;
}

export class StopDeadline {
  /** Epoch ms at which everything still alive is SIGKILLed. */
  readonly killAt: number;
  private finalTimer: NodeJS.Timeout | null = null;
  /** Processes already SIGKILLed by this deadline (a share and the final kill may fall on the same moment). */
  private readonly sentKill = new Set<ManagedProcess>();

  constructor(
    /** When the whole shutdown must be over, on the clock `now` reads (the monotonic clock in the daemon). */
    readonly deadlineAt: number,
    private readonly now: () => number,
    private readonly logger: EngineLogger,
    private readonly allProcesses: () => readonly ManagedProcess[],
    /** Filled with `name (pid N)` of every process this deadline killed, in kill order. */
    readonly killed: string[] = [],
  ) {
    const startedAt = now();
    this.killAt = deadlineAt - reserveMs(Math.max(0, deadlineAt - startedAt));
  }

  /** Arms the final kill; call once when the shutdown starts. */
  start(): void {
    this.finalTimer = setTimeout(() => this.killRemaining("the stop deadline is near"), Math.max(0, this.killAt - this.now()));
  }

  /**
   * Arms the share of the group being stopped now (`weights`: its weight, then those of the groups after it).
   * Returns the function that disarms it once the group has stopped.
   */
  startGroup(processes: readonly ManagedProcess[], weights: readonly number[]): () => void {
    const share = groupShareMs(this.killAt - this.now(), weights);
    const timer = setTimeout(() => {
      for (const proc of processes) this.kill(proc, "its share of the stop deadline is used up");
    }, share);
    return () => clearTimeout(timer);
  }

  /** Time left until the deadline itself (for the leftover sweep's grace). */
  remainingMs(): number {
    return Math.max(0, this.deadlineAt - this.now());
  }

  stop(): void {
    if (this.finalTimer !== null) clearTimeout(this.finalTimer);
    this.finalTimer = null;
  }

  private killRemaining(why: string): void {
    this.finalTimer = null;
    for (const proc of this.allProcesses()) this.kill(proc, why);
  }

  private kill(proc: ManagedProcess, why: string): void {
    if (STOPPED_STATES.has(proc.state) || this.sentKill.has(proc)) return;
    const pid = forceKill(proc);
    if (pid === 0) return;
    this.sentKill.add(proc);
    this.killed.push(`${proc.name} (pid ${pid})`);
    this.logger.warn(`stop deadline: killed ${proc.name} (pid ${pid}) with SIGKILL: ${why}`);
  }
}
