/**
 * Process-tree sampling on demand (issue 17): /proc is read only while someone watches.
 *
 * - A scrape calls `fresh(maxAgeMs)`: one pass now unless the last one is recent enough; no timer.
 * - A watcher (a Watch with stats, `tsctl top`, an RSS watchdog) calls `watch(intervalMs, listener)` and gets
 *   a pass every interval until it closes its lease. One timer serves every watcher, at the shortest interval
 *   asked for, stretched so a pass never costs more than 1/BUDGET_FACTOR of a core (a daemon with thousands of
 *   programs samples less often rather than more expensively).
 * - Nobody watching: no timer is armed, nothing is read (`timerArmed`, `passes` say so; tests check them).
 *
 * Sampling never runs on anybody's render path: readers get the latest pass (`latest()`), which costs nothing.
 */
import { performance } from "node:perf_hooks";
import { CLOCK_TICKS, readUptimeSeconds } from "../proc-stats.js";
import type { ProcessTreePort } from "../ports.js";
import type { TreeReading } from "./tree.js";

export interface StatsTarget {
  /** `group:name` */
  key: string;
  pid: number;
  /** The members of the program's cgroup, when it has one (null: walk the tree from pid). */
  cgroupPids?: () => readonly number[] | null;
}

export interface ProcessSample extends TreeReading {
  key: string;
  /** Percent of one core since the previous pass of the same process (since its start on its first pass). */
  cpuPercent: number | null;
  /** Epoch ms of the pass. */
  at: number;
}

export interface StatsLease {
  close(): void;
}

/** A pass may take at most 1/50 of the time between passes (2 % of one core). */
const BUDGET_FACTOR = 50;
/** Never faster than this, whatever a watcher asks. */
const MIN_INTERVAL_MS = 250;

interface Watcher {
  intervalMs: number;
  listener: ((samples: ReadonlyMap<string, ProcessSample>) => void) | undefined;
}

export class StatsSampler {
  /** Sampling passes since start: the observable that proves an idle daemon reads nothing. */
  passes = 0;
  /** Wall time of the last pass in ms (for the adaptive interval and the daemon's own metrics). */
  lastPassMs = 0;
  private lastAt = 0;
  private current: Map<string, ProcessSample> = new Map();
  private readonly watchers = new Set<Watcher>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly targets: () => StatsTarget[],
    private readonly now: () => number,
    private readonly trees: ProcessTreePort,
  ) {}

  /** True while a sampling timer is armed (someone watches). */
  get timerArmed(): boolean {
    return this.timer !== null;
  }

  /** How many watchers hold a lease. */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /** The last pass, without reading anything. */
  latest(): ReadonlyMap<string, ProcessSample> {
    return this.current;
  }

  /** The last pass if younger than maxAgeMs, else a new pass now (a scrape). */
  fresh(maxAgeMs: number): ReadonlyMap<string, ProcessSample> {
    if (this.passes === 0 || this.now() - this.lastAt > maxAgeMs) this.pass();
    return this.current;
  }

  /** Sample every `intervalMs` (adapted, see above) until the lease is closed; `listener` gets each pass. */
  watch(intervalMs: number, listener?: (samples: ReadonlyMap<string, ProcessSample>) => void): StatsLease {
    const watcher: Watcher = { intervalMs: Math.max(MIN_INTERVAL_MS, intervalMs), listener };
    this.watchers.add(watcher);
    this.arm();
    return {
      close: () => {
        if (!this.watchers.delete(watcher)) return;
        if (this.watchers.size === 0) this.disarm();
      },
    };
  }

  /** Stop sampling for good (daemon shutdown). */
  dispose(): void {
    this.watchers.clear();
    this.disarm();
  }

  private interval(): number {
    let shortest = Infinity;
    for (const w of this.watchers) shortest = Math.min(shortest, w.intervalMs);
    return Math.max(shortest, this.lastPassMs * BUDGET_FACTOR);
  }

  private arm(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => this.tick(), this.passes === 0 || this.now() - this.lastAt > this.interval() ? 0 : this.interval());
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private tick(): void {
    this.timer = null;
    if (this.watchers.size === 0) return;
    const samples = this.pass();
    for (const w of [...this.watchers]) {
      try {
        w.listener?.(samples);
      } catch {
        // A watcher's failure is its own; the others still get their pass.
      }
    }
    if (this.watchers.size > 0 && this.timer === null) {
      this.timer = setTimeout(() => this.tick(), this.interval());
      this.timer.unref();
    }
  }

  private pass(): ReadonlyMap<string, ProcessSample> {
    const started = performance.now();
    const at = this.now();
    const next = new Map<string, ProcessSample>();
    let uptime: number | null | undefined;
    for (const target of this.targets()) {
      if (target.pid === 0) continue;
      const cgroup = target.cgroupPids?.() ?? null;
      const reading = cgroup === null ? this.trees.readTree(target.pid) : this.trees.readMembers(target.pid, cgroup);
      if (reading === null) continue;
      const previous = this.current.get(target.key);
      let cpuPercent: number | null = null;
      if (
        previous !== undefined &&
        previous.root === reading.root &&
        previous.rootStarttime === reading.rootStarttime &&
        at > previous.at
      ) {
        cpuPercent = (Math.max(0, reading.cpuSeconds - previous.cpuSeconds) / ((at - previous.at) / 1000)) * 100;
      } else {
        uptime ??= readUptimeSeconds();
        const elapsed = uptime === null ? 0 : uptime - reading.rootStarttime / CLOCK_TICKS;
        cpuPercent = elapsed > 0 ? (reading.cpuSeconds / elapsed) * 100 : null;
      }
      next.set(target.key, { ...reading, key: target.key, cpuPercent, at });
    }
    this.current = next;
    this.passes++;
    this.lastAt = at;
    this.lastPassMs = performance.now() - started;
    return next;
  }
}
