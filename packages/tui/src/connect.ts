// Feeds the store from the daemon's `Watch` stream: snapshot, then live events, for as long as the stream lives.
// When it breaks (the daemon restarts, the socket goes away) the store shows "disconnected" and we try again
// with exponential backoff, reset by the next successful snapshot. No status polling anywhere.

import type { TopDataSource } from "./model.js";
import type { TopStore } from "./store.js";

export interface ReconnectOptions {
  /** First wait after a failure. @default 250 */
  initialDelayMs?: number;
  /** Longest wait between attempts. @default 5000 */
  maxDelayMs?: number;
  /** Clock, for the "retry at" shown in the header. @default Date.now */
  now?: () => number;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Runs until `signal` aborts. Never throws: every failure becomes a "disconnected" state and a retry. */
export async function runWatch(
  source: TopDataSource,
  store: TopStore,
  signal: AbortSignal,
  options: ReconnectOptions = {},
): Promise<void> {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 5000;
  const now = options.now ?? Date.now;
  let delay = initial;
  while (!signal.aborted) {
    store.dispatch({ type: "connecting" });
    let reason = "the daemon closed the event stream";
    try {
      for await (const event of source.watch(signal)) {
        if (event.kind === "snapshot") delay = initial;
        store.dispatch({ type: "watch", event, at: now() });
      }
    } catch (error) {
      reason = errorMessage(error);
    }
    if (signal.aborted) return;
    store.dispatch({ type: "disconnected", error: reason, retryAt: now() + delay });
    await sleep(delay, signal);
    delay = Math.min(max, delay * 2);
  }
}
