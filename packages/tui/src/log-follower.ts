// Follows the log of whatever the log pane shows. It watches the store for the pane's target (process, channel,
// generation) and the connection epoch, and (re)starts one `followLog` stream when they change.
//
// Memory stays bounded however fast the child prints and however slow the terminal is: chunks are read as they
// arrive (so the stream never backs up into the daemon), appended to one pending string that keeps only its
// newest `maxPendingChars`, and handed to the store at most every `flushIntervalMs`.

import { errorMessage } from "./connect.js";
import type { LogChannel, TopDataSource } from "./model.js";
import type { TopState } from "./reducer.js";
import type { TopStore } from "./store.js";

export interface LogFollowerOptions {
  /** @default 100 */
  flushIntervalMs?: number;
  /** @default the store's log limit (maxChars) */
  maxPendingChars?: number;
}

interface Target {
  key: string;
  channel: LogChannel;
  generation: number;
  epoch: number;
}

function targetOf(state: TopState): Target | null {
  const pane = state.logPane;
  if (!pane.open || pane.key === null || state.connection.status !== "connected") return null;
  return { key: pane.key, channel: pane.channel, generation: pane.generation, epoch: state.connection.epoch };
}

function sameTarget(a: Target | null, b: Target | null): boolean {
  if (a === null || b === null) return a === b;
  return a.key === b.key && a.channel === b.channel && a.generation === b.generation && a.epoch === b.epoch;
}

export class LogFollower {
  private current: Target | null = null;
  private abort: AbortController | null = null;
  private readonly unsubscribe: () => void;
  private readonly flushIntervalMs: number;
  private readonly maxPendingChars: number;
  /** Settles when the current follow loop has finished (for tests and orderly shutdown). */
  running: Promise<void> = Promise.resolve();

  constructor(
    private readonly source: TopDataSource,
    private readonly store: TopStore,
    options: LogFollowerOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxPendingChars = options.maxPendingChars ?? store.getState().logLimits.maxChars;
    this.unsubscribe = store.subscribe(() => this.sync());
    this.sync();
  }

  private sync(): void {
    const target = targetOf(this.store.getState());
    if (sameTarget(target, this.current)) return;
    this.abort?.abort();
    this.abort = null;
    this.current = target;
    if (target === null) return;
    const abort = new AbortController();
    this.abort = abort;
    this.running = this.follow(target, abort.signal);
  }

  private async follow(target: Target, signal: AbortSignal): Promise<void> {
    // Chunks since the last flush; whole chunks fall off the front once they exceed the budget, so a flood
    // costs O(1) per chunk and never more than ~maxPendingChars of memory.
    let pending: string[] = [];
    let pendingChars = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = (): void => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (pending.length === 0 || signal.aborted) return;
      const joined = pending.join("");
      const text = joined.length > this.maxPendingChars ? keepTail(joined, this.maxPendingChars) : joined;
      pending = [];
      pendingChars = 0;
      this.store.dispatch({ type: "log", key: target.key, channel: target.channel, generation: target.generation, text });
    };
    try {
      for await (const chunk of this.source.followLog(target.key, target.channel, signal)) {
        if (signal.aborted) break;
        pending.push(chunk);
        pendingChars += chunk.length;
        while (pending.length > 1 && pendingChars - (pending[0]?.length ?? 0) >= this.maxPendingChars) {
          pendingChars -= pending.shift()?.length ?? 0;
        }
        timer ??= setTimeout(flush, this.flushIntervalMs);
      }
    } catch (error) {
      if (!signal.aborted) {
        this.store.dispatch({ type: "status", text: `log ${target.key}: ${errorMessage(error)}`, level: "error" });
      }
    } finally {
      flush();
    }
  }

  dispose(): void {
    this.unsubscribe();
    this.abort?.abort();
    this.abort = null;
    this.current = null;
  }
}

/** The newest `max` characters, starting at a line boundary when there is one, so no half line leads. */
export function keepTail(text: string, max: number): string {
  const tail = text.slice(-max);
  const nl = tail.indexOf("\n");
  return nl >= 0 && nl < tail.length - 1 ? tail.slice(nl + 1) : tail;
}
