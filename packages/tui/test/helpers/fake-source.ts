// An in-memory TopDataSource: tests push watch events and log chunks into it and read back the calls made.
// Streams honour their AbortSignal, as the gRPC one must.

import { waitFor, waitForSignal } from "@tsupervisord/testkit";
import type { TopStore } from "../../src/store.js";
import type { TopState } from "../../src/reducer.js";
import type { DaemonInfo, LogChannel, ProcessInfo, TopDataSource, WatchEvent } from "../../src/model.js";

/** A push-driven async iterable. `push` never blocks; the test controls how much it pushes. */
export class Channel<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private waiting: ((r: IteratorResult<T>) => void) | null = null;
  private failWith: ((e: Error) => void) | null = null;
  private ended = false;
  private error: Error | null = null;
  /** Resolves when a consumer stops (abort or end). */
  readonly closed: Promise<void>;
  private markClosed!: () => void;

  constructor(private readonly signal?: AbortSignal) {
    this.closed = new Promise((r) => (this.markClosed = r));
    signal?.addEventListener("abort", () => this.end(), { once: true });
  }

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      this.failWith = null;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.markClosed();
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value: undefined, done: true });
    }
  }

  fail(error: Error): void {
    this.error = error;
    if (this.failWith) {
      const f = this.failWith;
      this.failWith = null;
      this.waiting = null;
      f(error);
    }
    this.end();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.head < this.items.length) {
          const value = this.items[this.head++] as T;
          if (this.head === this.items.length) {
            this.items = [];
            this.head = 0;
          }
          return Promise.resolve({ value, done: false });
        }
        if (this.error) return Promise.reject(this.error);
        if (this.ended || this.signal?.aborted) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = resolve;
          this.failWith = reject;
        });
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

export interface Call {
  verb: string;
  target: string;
  signal?: string;
}

export class FakeSource implements TopDataSource {
  readonly label = "fake://test";
  readonly watches: Array<Channel<WatchEvent>> = [];
  readonly follows: Array<{ key: string; channel: LogChannel; stream: Channel<string> }> = [];
  readonly calls: Call[] = [];
  /** Targets whose calls reject: with an Error of this message, or with this error itself. */
  readonly failures = new Map<string, string | Error>();
  private watchWaiters: Array<() => void> = [];
  private followWaiters: Array<() => void> = [];
  closed = false;

  watch(signal: AbortSignal): AsyncIterable<WatchEvent> {
    const ch = new Channel<WatchEvent>(signal);
    this.watches.push(ch);
    for (const w of this.watchWaiters.splice(0)) w();
    return ch;
  }

  followLog(key: string, channel: LogChannel, signal: AbortSignal): AsyncIterable<string> {
    const stream = new Channel<string>(signal);
    this.follows.push({ key, channel, stream });
    for (const w of this.followWaiters.splice(0)) w();
    return stream;
  }

  /** Resolves once the n-th watch (1-based) has been opened. */
  async nthWatch(n: number): Promise<Channel<WatchEvent>> {
    while (this.watches.length < n) await new Promise<void>((r) => this.watchWaiters.push(r));
    return this.watches[n - 1] as Channel<WatchEvent>;
  }

  async nthFollow(n: number): Promise<{ key: string; channel: LogChannel; stream: Channel<string> }> {
    while (this.follows.length < n) await new Promise<void>((r) => this.followWaiters.push(r));
    return this.follows[n - 1] as { key: string; channel: LogChannel; stream: Channel<string> };
  }

  private record(verb: string, target: string, signal?: string): Promise<void> {
    this.calls.push(signal === undefined ? { verb, target } : { verb, target, signal });
    const failure = this.failures.get(target);
    if (failure === undefined) return Promise.resolve();
    return Promise.reject(typeof failure === "string" ? new Error(failure) : failure);
  }

  start(target: string): Promise<void> {
    return this.record("start", target);
  }
  stop(target: string): Promise<void> {
    return this.record("stop", target);
  }
  restart(target: string): Promise<void> {
    return this.record("restart", target);
  }
  signal(target: string, signal: string): Promise<void> {
    return this.record("signal", target, signal);
  }
  clearLogs(target: string): Promise<void> {
    return this.record("clearLogs", target);
  }
  close(): void {
    this.closed = true;
  }
}

export function proc(group: string, name: string, extra: Partial<ProcessInfo> = {}): ProcessInfo {
  const state = extra.state ?? "RUNNING";
  const running = state === "RUNNING" || state === "STARTING" || state === "STOPPING";
  return {
    name,
    group,
    state,
    description: running ? "pid 100, uptime 0:00:10" : "Not started",
    start: running ? 1_000 : 0,
    stop: 0,
    now: 1_010,
    spawnerr: "",
    exitstatus: 0,
    pid: running ? 100 : 0,
    cpuPercent: null,
    rssBytes: null,
    restarts: null,
    ...extra,
  };
}

export const DAEMON: DaemonInfo = { identification: "supervisor", version: "4.2.5", pid: 42, startedAt: 1_000, now: 1_010, state: "RUNNING" };

export function snapshot(processes: ProcessInfo[], daemon: DaemonInfo = DAEMON): WatchEvent {
  return { kind: "snapshot", daemon, processes };
}

/** Wait until `check` passes (polled: for what has no signal, e.g. a tmux screen), failing after `timeoutMs`. */
export async function until(check: () => boolean, what = "condition", timeoutMs = 10_000): Promise<void> {
  await waitFor(what, check, timeoutMs, 5);
}

/** Wait until the store's latest state passes `check`, re-checking on each publish (no polling). */
export async function untilState(store: TopStore, check: (state: TopState) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await waitForSignal(what, store.subscribe, () => check(store.getState()), timeoutMs);
}
