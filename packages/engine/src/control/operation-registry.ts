/**
 * issue 18: long operations (rolling restart, start/stop/restart of many processes) run in the daemon, not in
 * the client's call. Each gets an id; a client may follow its progress (`tsctl wait op ID`), stop following
 * (Ctrl-C) while the operation carries on, or cancel it. Bounded: every running operation plus the last
 * `keepFinished` finished ones; each keeps at most `maxProgress` progress entries (the oldest are dropped and
 * counted). No timers: an operation's body wakes on its processes' events, followers on the operation's own.
 */
import { SupervisorError } from "@tsupervisord/errors";
import type { ProcessResult } from "../types.js";

export type OperationState = "running" | "succeeded" | "failed" | "cancelled";

/** One step of an operation: a note (`batch 2/6: web:web_02`) or one process's outcome of one verb. */
export interface OperationProgress {
  /** 1-based position in the operation's whole progress (stable across dropping). */
  seq: number;
  text: string;
  /** The verb a `result` is the outcome of: start, stop, restart, reload. */
  verb?: string;
  result?: ProcessResult;
}

export interface OperationView {
  id: number;
  /** `rolling-restart`, `start`, `stop`, `restart`. */
  kind: string;
  /** What was asked, e.g. `restart --rolling --batch 2 web:*`. */
  description: string;
  state: OperationState;
  /** Why it ended (`web:web_02 went BACKOFF`), "" while running. */
  summary: string;
  /** Epoch milliseconds, for display only (never for deadlines). */
  startedAt: number;
  finishedAt: number;
}

/** What an operation's body gets: a way to report progress and the signal that cancels it. */
export interface OperationContext {
  readonly id: number;
  readonly signal: AbortSignal;
  note(text: string): void;
  outcome(verb: string, result: ProcessResult): void;
}

export interface OperationOutcome {
  ok: boolean;
  summary: string;
}

export interface OperationRegistryOptions {
  keepFinished?: number;
  maxProgress?: number;
  /** Wall clock for the display times only. */
  wallClock?: () => number;
}

class Operation {
  readonly view: OperationView;
  readonly progress: OperationProgress[] = [];
  readonly abort = new AbortController();
  private readonly wakers = new Set<() => void>();
  private seq = 0;

  constructor(id: number, kind: string, description: string, startedAt: number, private readonly maxProgress: number) {
    this.view = { id, kind, description, state: "running", summary: "", startedAt, finishedAt: 0 };
  }

  /** seq of the first entry still kept (entries before it were dropped). */
  get firstSeq(): number {
    return this.progress[0]?.seq ?? this.seq + 1;
  }

  push(entry: Omit<OperationProgress, "seq">): void {
    this.progress.push({ ...entry, seq: ++this.seq });
    if (this.progress.length > this.maxProgress) this.progress.shift();
    this.wake();
  }

  finish(state: Exclude<OperationState, "running">, summary: string, at: number): void {
    if (this.view.state !== "running") return;
    this.view.state = state;
    this.view.summary = summary;
    this.view.finishedAt = at;
    this.wake();
  }

  /** `next` resolves at the next change (progress or end) or when `signal` aborts; `dispose` gives up on it. */
  changed(signal: AbortSignal | undefined): { next: Promise<void>; dispose: () => void } {
    let done = (): void => {};
    const next = new Promise<void>((resolve) => {
      done = (): void => {
        this.wakers.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.wakers.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
    return { next, dispose: done };
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }
}

/** One message of a follow: a progress entry, or the end (the operation's final view). */
export type OperationUpdate =
  | { kind: "progress"; operation: OperationView; progress: OperationProgress }
  | { kind: "done"; operation: OperationView };

export class OperationRegistry {
  private readonly operations = new Map<number, Operation>();
  private nextId = 1;
  private readonly keepFinished: number;
  private readonly maxProgress: number;
  private readonly wallClock: () => number;

  constructor(options: OperationRegistryOptions = {}) {
    this.keepFinished = options.keepFinished ?? 32;
    this.maxProgress = options.maxProgress ?? 10_000;
    this.wallClock = options.wallClock ?? Date.now;
  }

  /** Starts `body` now and returns the operation's view at once; the body's outcome ends the operation. */
  begin(kind: string, description: string, body: (ctx: OperationContext) => Promise<OperationOutcome>): OperationView {
    const op = new Operation(this.nextId++, kind, description, this.wallClock(), this.maxProgress);
    this.operations.set(op.view.id, op);
    const ctx: OperationContext = {
      id: op.view.id,
      signal: op.abort.signal,
      note: (text) => op.push({ text }),
      outcome: (verb, result) => op.push({ text: "", verb, result }),
    };
    void Promise.resolve()
      .then(() => body(ctx))
      .then(
        (outcome) => {
          const state = outcome.ok ? "succeeded" : op.abort.signal.aborted ? "cancelled" : "failed";
          op.finish(state, outcome.summary, this.wallClock());
        },
        (err: unknown) => op.finish("failed", err instanceof Error ? err.message : String(err), this.wallClock()),
      )
      .finally(() => this.prune());
    return { ...op.view };
  }

  /** BAD_NAME for an id that never existed or was pruned. */
  get(id: number): OperationView {
    return { ...this.find(id).view };
  }

  /** Oldest first. */
  list(): OperationView[] {
    return [...this.operations.values()].map((op) => ({ ...op.view }));
  }

  /** Asks a running operation to stop at its next safe point; false when it had already ended. */
  cancel(id: number): boolean {
    const op = this.find(id);
    if (op.view.state !== "running") return false;
    op.abort.abort();
    return true;
  }

  /**
   * Every kept progress entry, then each new one as it comes, then `done`. Ends early (without `done`) when
   * `signal` aborts: a follower that leaves never affects the operation.
   */
  async *follow(id: number, signal?: AbortSignal): AsyncGenerator<OperationUpdate> {
    const op = this.find(id);
    let next = op.firstSeq;
    for (;;) {
      if (signal?.aborted === true) return;
      const first = op.firstSeq;
      if (next < first) next = first;
      // Registered before anything is yielded: what happens while the follower is suspended still wakes it.
      const changed = op.changed(signal);
      try {
        const pending = op.progress.slice(next - first);
        for (const entry of pending) {
          next = entry.seq + 1;
          yield { kind: "progress", operation: { ...op.view }, progress: entry };
        }
        // Anything that came while the entries above were being taken is sent before the end.
        if (pending.length > 0) continue;
        if (op.view.state !== "running") {
          yield { kind: "done", operation: { ...op.view } };
          return;
        }
        await changed.next;
      } finally {
        changed.dispose();
      }
    }
  }

  private find(id: number): Operation {
    const op = this.operations.get(id);
    if (op === undefined) throw new SupervisorError("BAD_NAME", `operation ${id}`);
    return op;
  }

  /** Drops the oldest finished operations beyond keepFinished (running ones are always kept). */
  private prune(): void {
    const finished = [...this.operations.values()].filter((op) => op.view.state !== "running");
    for (const op of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.operations.delete(op.view.id);
  }
}
