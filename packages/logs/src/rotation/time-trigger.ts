/**
 * Time rotation (`*_logfile_rotate = daily|hourly|@HH:MM`): one timer per next boundary, never a tick. Local
 * time, as logrotate and cron count days. The clock is injectable so tests run on a fake one.
 */
import type { RotateTime } from "../types.js";

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending rotation never keeps the process alive.
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** The first boundary strictly after `now`. */
export function nextBoundary(time: RotateTime, now: number): number {
  const d = new Date(now);
  if (time.kind === "hourly") {
    d.setMinutes(60, 0, 0);
    return d.getTime();
  }
  const [hour, minute] = time.kind === "daily" ? [0, 0] : [time.hour, time.minute];
  d.setHours(hour, minute, 0, 0);
  if (d.getTime() <= now) {
    d.setDate(d.getDate() + 1);
    d.setHours(hour, minute, 0, 0);
  }
  return d.getTime();
}

/** The last boundary at or before `at` (the start of the period `at` belongs to). */
export function periodStart(time: RotateTime, at: number): number {
  const d = new Date(at);
  if (time.kind === "hourly") {
    d.setMinutes(0, 0, 0);
    return d.getTime();
  }
  const [hour, minute] = time.kind === "daily" ? [0, 0] : [time.hour, time.minute];
  d.setHours(hour, minute, 0, 0);
  if (d.getTime() > at) {
    d.setDate(d.getDate() - 1);
    d.setHours(hour, minute, 0, 0);
  }
  return d.getTime();
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * The date label of the period `at` belongs to: `2026-12-04` (daily, @HH:MM: the day the period started), or
 * `2026-12-04-15` (hourly). Without a time trigger (size rotation with date names) the calendar day.
 */
export function periodLabel(time: RotateTime | null, at: number): string {
  const d = new Date(time === null ? at : periodStart(time, at));
  const day = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return time?.kind === "hourly" ? `${day}-${pad2(d.getHours())}` : day;
}

/** Calls `onBoundary(label of the period that just ended)` at each boundary, re-arming one timer each time. */
export class TimeTrigger {
  private handle: unknown = null;
  private boundary = 0;

  constructor(
    private readonly time: RotateTime,
    private readonly clock: Clock,
    private readonly onBoundary: (endedLabel: string) => void,
  ) {}

  start(): void {
    if (this.handle !== null) return;
    this.arm(nextBoundary(this.time, this.clock.now()));
  }

  stop(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }

  /** When the next rotation is due (ms since the epoch), or null when stopped. */
  get nextAt(): number | null {
    return this.handle === null ? null : this.boundary;
  }

  private arm(boundary: number): void {
    this.boundary = boundary;
    this.handle = this.clock.setTimeout(() => this.fire(), Math.max(0, boundary - this.clock.now()));
  }

  private fire(): void {
    const now = this.clock.now();
    // A timer may fire a little early (or the clock moved back): wait for the boundary itself.
    if (now < this.boundary) {
      this.arm(this.boundary);
      return;
    }
    const ended = periodLabel(this.time, this.boundary - 1);
    this.arm(nextBoundary(this.time, now));
    this.onBoundary(ended);
  }
}
