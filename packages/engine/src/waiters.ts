/**
 * Waiting on processes without polling: an operation that waits (start/stop with wait, shutdown) registers a
 * check that re-runs each time one of its processes settles after an event (ManagedProcess's onSettled).
 */
import type { ManagedProcess } from "./process.js";

export class ProcessWaiters {
  private readonly waiters = new Map<ManagedProcess, Set<() => void>>();

  /** Run every check registered on the process (called after each drained batch of its events). */
  notify(proc: ManagedProcess): void {
    const set = this.waiters.get(proc);
    if (set === undefined) return;
    for (const waiter of [...set]) waiter();
  }

  /** Drop the checks of a process that is gone (its waits never resolve; the group was removed). */
  forget(proc: ManagedProcess): void {
    this.waiters.delete(proc);
  }

  /** Resolve with check()'s value once it is defined (reject when it throws), re-checking after every event. */
  waitFor<T>(proc: ManagedProcess, check: () => T | undefined, tick?: { everyMs: number; run: () => void }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let interval: NodeJS.Timeout | null = null;
      let remove = (): void => {};
      const done = (): void => {
        remove();
        if (interval !== null) clearInterval(interval);
      };
      const waiter = (): void => {
        try {
          const value = check();
          if (value !== undefined) {
            done();
            resolve(value);
          }
        } catch (err) {
          done();
          reject(err as Error);
        }
      };
      remove = this.add(proc, waiter);
      if (tick !== undefined) interval = setInterval(tick.run, tick.everyMs);
      waiter();
    });
  }

  /** Resolve once check() is true, re-checking after every event of any of the processes. */
  waitAll(procs: readonly ManagedProcess[], check: () => boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const removers: Array<() => void> = [];
      const waiter = (): void => {
        if (check()) {
          for (const r of removers) r();
          resolve();
        }
      };
      for (const proc of procs) removers.push(this.add(proc, waiter));
      waiter();
    });
  }

  private add(proc: ManagedProcess, waiter: () => void): () => void {
    let set = this.waiters.get(proc);
    if (set === undefined) this.waiters.set(proc, (set = new Set()));
    set.add(waiter);
    return () => {
      set.delete(waiter);
      if (set.size === 0 && this.waiters.get(proc) === set) this.waiters.delete(proc);
    };
  }
}
