/**
 * D-SIG-01: signals are queued (a signal already pending is not queued twice) and handled one at a time, in
 * arrival order, each after the previous handler finished. D-SIG-02: SIGUSR1 is not handled, as in supervisord.
 */
// SIGCHLD is left to libuv, which reaps children itself (supervisord only logs it at DEBG).
export const HANDLED_SIGNALS = ["SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR2"] as const;
export type HandledSignal = (typeof HANDLED_SIGNALS)[number];

export class SignalQueue {
  private readonly pending: HandledSignal[] = [];
  private running: Promise<void> | null = null;
  private readonly listeners = new Map<HandledSignal, () => void>();

  constructor(private readonly handle: (signal: HandledSignal) => Promise<void>) {}

  install(): void {
    for (const signal of HANDLED_SIGNALS) {
      const listener = (): void => this.push(signal);
      this.listeners.set(signal, listener);
      process.on(signal, listener);
    }
  }

  uninstall(): void {
    for (const [signal, listener] of this.listeners) process.off(signal, listener);
    this.listeners.clear();
  }

  push(signal: HandledSignal): void {
    if (this.pending.includes(signal)) return;
    this.pending.push(signal);
    void this.drain();
  }

  /** Resolves once every queued signal has been handled (at once when nothing is pending). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private drain(): Promise<void> {
    if (this.running !== null) return this.running;
    const run = async (): Promise<void> => {
      try {
        for (let signal = this.pending.shift(); signal !== undefined; signal = this.pending.shift()) {
          await this.handle(signal);
        }
      } finally {
        this.running = null;
      }
    };
    this.running = run();
    return this.running;
  }
}
