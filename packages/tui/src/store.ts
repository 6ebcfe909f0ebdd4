// Holds the state and publishes it to the views. The reducer runs on every action, but what the views see is
// published at most every `minIntervalMs` for data (a burst of 500 state changes, or a child flooding its log,
// costs one repaint per interval), and at once for the user's own keys so the view never lags behind a keypress.

import { reduce, type Action, type TopState } from "./reducer.js";

export interface StoreOptions {
  /** Shortest time between two publishes caused by data from the daemon. @default 100 (≤ 10 repaints/s) */
  minIntervalMs?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

const DATA_ACTIONS = new Set<Action["type"]>(["connecting", "disconnected", "watch", "log", "tick", "resize"]);

export class TopStore {
  private state: TopState;
  private published: TopState;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastPublish = 0;
  private readonly minIntervalMs: number;
  private readonly now: () => number;

  constructor(initial: TopState, options: StoreOptions = {}) {
    this.state = initial;
    this.published = initial;
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
  }

  /** The latest state (for decisions). */
  getState(): TopState {
    return this.state;
  }

  /** The published state (for rendering, via useSyncExternalStore). */
  readonly getSnapshot = (): TopState => this.published;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  dispatch(action: Action): void {
    const next = reduce(this.state, action);
    if (next === this.state) return;
    this.state = next;
    if (!DATA_ACTIONS.has(action.type) || action.type === "resize") this.flush();
    else this.schedule();
  }

  /** Publish now (used for keypresses, and on the trailing edge of a data burst). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.lastPublish = this.now();
    if (this.published === this.state) return;
    this.published = this.state;
    for (const l of [...this.listeners]) l();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = this.lastPublish + this.minIntervalMs - this.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
    this.timer.unref?.();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }
}
