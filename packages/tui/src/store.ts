// Holds the state and publishes it to the views. The reducer runs on every action, but what the views see is
// published at most every `minIntervalMs` for data (a burst of 500 state changes, or a child flooding its log,
// costs one repaint per interval), and at once for the user's own keys so the view never lags behind a keypress.
// CPU/RSS samples are the one thing that changes while nothing happens (a shell that forks a `sleep` every two
// seconds moves between 0.0 and 0.6 % CPU): a change made only of samples causes a repaint only when some figure
// moved noticeably since it was last shown (stats-significance.ts), and then waits up to `statsIntervalMs`; small
// moves and anything held meanwhile ride along with the next repaint for any other reason.

import { reduce, type Action, type TopState } from "./reducer.js";
import { significantStatsChange } from "./stats-significance.js";

export interface StoreOptions {
  /** Shortest time between two publishes caused by data from the daemon. @default 100 (≤ 10 repaints/s) */
  minIntervalMs?: number;
  /** Shortest time between two publishes caused only by CPU/RSS samples. @default 5000 */
  statsIntervalMs?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

const DATA_ACTIONS = new Set<Action["type"]>(["connecting", "disconnected", "watch", "log", "tick", "resize"]);

export class TopStore {
  private state: TopState;
  private published: TopState;
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private statsTimer: ReturnType<typeof setTimeout> | null = null;
  private lastPublish = 0;
  private lastStatsPublish = -Infinity;
  private readonly minIntervalMs: number;
  private readonly statsIntervalMs: number;
  private readonly now: () => number;

  constructor(initial: TopState, options: StoreOptions = {}) {
    this.state = initial;
    this.published = initial;
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.statsIntervalMs = options.statsIntervalMs ?? 5000;
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
    else if (action.type === "watch" && action.event.kind === "stats" && this.timer === null) {
      // Small moves ride along with the next repaint; only a visible move schedules one (stats-significance.ts).
      if (significantStatsChange(this.published.processes, next.processes)) this.scheduleStats();
    } else this.schedule();
  }

  /** Publish now (used for keypresses, and on the trailing edge of a data burst). */
  flush(): void {
    this.clearTimers();
    this.lastPublish = this.now();
    this.lastStatsPublish = this.lastPublish;
    if (this.published === this.state) return;
    this.published = this.state;
    for (const l of [...this.listeners]) l();
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.statsTimer) clearTimeout(this.statsTimer);
    this.timer = null;
    this.statsTimer = null;
  }

  private scheduleStats(): void {
    if (this.statsTimer) return;
    const wait = Math.max(0, this.lastStatsPublish + this.statsIntervalMs - this.now());
    this.statsTimer = setTimeout(() => {
      this.statsTimer = null;
      this.schedule();
    }, wait);
    this.statsTimer.unref?.();
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
    this.clearTimers();
    this.listeners.clear();
  }
}
