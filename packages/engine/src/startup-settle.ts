/**
 * issue 20 ("idle means idle"): when the burst of work that start-up is has ended. The autostart pass has started
 * every process it was going to (autostart-pacer.ts: the last batch ran) and none of them is STARTING any more:
 * each is RUNNING, BACKOFF, FATAL, EXITED or STOPPED. The daemon uses it to collect start-up's garbage while it is
 * still awake, instead of V8 waking an idle daemon ~8 s later to do it (apps/daemon/src/runtime/heap-idle.ts).
 *
 * Processes leave STARTING roughly in start order, so a cursor walks the start order once in all (not a scan of
 * every process on every state change: O(n) for the whole start-up, 2,000 programs included). When the cursor
 * reaches the end, one full pass checks that no process behind it went back to STARTING (a retry after BACKOFF)
 * and, if one did, waits for that one.
 */
import type { ProcessStateName } from "@tsupervisord/pycompat";

export interface StartupProcess {
  readonly state: ProcessStateName;
}

export class StartupSettleWatch {
  private cursor = 0;
  private passDone = false;
  private settled = false;
  private callbacks: (() => void)[] = [];

  constructor(private readonly order: readonly StartupProcess[]) {}

  get isSettled(): boolean {
    return this.settled;
  }

  /** `fn` runs once, when start-up settles (right away if it has). */
  onSettled(fn: () => void): void {
    if (this.settled) fn();
    else this.callbacks.push(fn);
  }

  /** The autostart pass has started its last batch. */
  passFinished(): void {
    this.passDone = true;
    this.check();
  }

  /** A process changed state (ManagedProcess's onSettled). */
  changed(): void {
    if (this.passDone && !this.settled) this.check();
  }

  private check(): void {
    const { order } = this;
    while (this.cursor < order.length && (order[this.cursor] as StartupProcess).state !== "STARTING") this.cursor++;
    if (this.cursor < order.length) return;
    const again = order.findIndex((p) => p.state === "STARTING");
    if (again !== -1) {
      this.cursor = again;
      return;
    }
    this.settled = true;
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const fn of callbacks) fn();
  }
}
