/**
 * issue 20 ("idle means idle"): when the burst of work that start-up is has ended. The autostart pass has run its
 * last batch (autostart-pacer.ts) and no process of it is busy any more: none is STARTING, and none is waiting in
 * the depends_on coordinator for a dependency that can still be met (it starts as soon as that one does). Each is
 * RUNNING, BACKOFF, FATAL, EXITED, STOPPED, or held back for good (a dependency that cannot be met). The daemon uses
 * it to collect start-up's garbage while it is still awake, instead of V8 waking an idle daemon ~8 s later to do it
 * (apps/daemon/src/runtime/heap-idle.ts). Processes an update adds while autostart runs are not part of it.
 *
 * Processes stop being busy roughly in start order, so a cursor walks the start order once in all (not a scan of
 * every process on every state change: O(n) for the whole start-up, 2,000 programs included). When the cursor
 * reaches the end, one full pass checks that no process behind it became busy again (a retry after BACKOFF, a
 * dependency's restart) and, if one did, waits for that one.
 */
export class StartupSettleWatch<P> {
  private cursor = 0;
  private passDone = false;
  private settled = false;
  private abandoned = false;
  private callbacks: (() => void)[] = [];

  /** `busy(p)`: is `p` still part of start-up's work (STARTING, or about to start). */
  constructor(
    private order: readonly P[],
    private readonly busy: (p: P) => boolean,
  ) {}

  get isSettled(): boolean {
    return this.settled;
  }

  /** `fn` runs once, when start-up settles (right away if it has); never once the watch was abandoned. */
  onSettled(fn: () => void): void {
    if (this.abandoned) return;
    if (this.settled) fn();
    else this.callbacks.push(fn);
  }

  /** The autostart pass has started its last batch. */
  passFinished(): void {
    this.passDone = true;
    if (!this.settled) this.check();
  }

  /** A process changed state, or a pending start was released (the supervisor's settled()). */
  changed(): void {
    if (this.passDone && !this.settled) this.check();
  }

  /**
   * Shutdown or restart: start-up did not end, it was cut short. Pending callbacks are dropped (the daemon must not
   * run a start-up GC in the middle of a shutdown) and the processes are let go.
   */
  abandon(): void {
    this.abandoned = true;
    this.settled = true;
    this.callbacks = [];
    this.order = [];
  }

  private check(): void {
    const { order, busy } = this;
    while (this.cursor < order.length && !busy(order[this.cursor] as P)) this.cursor++;
    if (this.cursor < order.length) return;
    const again = order.findIndex(busy);
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
