/**
 * The daemon's own CPU, RSS, fds and event-loop delay for /metrics. The event-loop histogram (a libuv timer
 * inside Node) runs only while someone scrapes: it starts at the first scrape and stops when no scrape came
 * for IDLE_AFTER_MS, so a daemon nobody scrapes keeps no timer for it.
 */
import { readdirSync } from "node:fs";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

const RESOLUTION_MS = 20;
const IDLE_AFTER_MS = 5 * 60_000;

export interface DaemonStats {
  cpuUserSeconds: number;
  cpuSystemSeconds: number;
  rssBytes: number;
  heapUsedBytes: number;
  openFds: number | null;
  startTimeSeconds: number;
  /** Event-loop delay quantiles in seconds since the previous scrape; null on the first scrape. */
  eventLoopDelay: { p50: number; p90: number; p99: number; max: number } | null;
}

const startTimeSeconds = Date.now() / 1000 - process.uptime();

export class DaemonStatsSource {
  private histogram: IntervalHistogram | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  /** Whether the event-loop monitor is running (tests check an unscraped daemon has none). */
  get monitoring(): boolean {
    return this.histogram !== null;
  }

  read(): DaemonStats {
    const usage = process.cpuUsage();
    const memory = process.memoryUsage();
    let openFds: number | null = null;
    try {
      openFds = readdirSync("/proc/self/fd").length;
    } catch {
      // not Linux
    }
    let eventLoopDelay: DaemonStats["eventLoopDelay"] = null;
    const h = this.histogram;
    if (h !== null && h.count > 0) {
      const s = (ns: number): number => ns / 1e9;
      eventLoopDelay = { p50: s(h.percentile(50)), p90: s(h.percentile(90)), p99: s(h.percentile(99)), max: s(h.max) };
      h.reset();
    }
    this.keepMonitoring();
    return {
      cpuUserSeconds: usage.user / 1e6,
      cpuSystemSeconds: usage.system / 1e6,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      openFds,
      startTimeSeconds,
      eventLoopDelay,
    };
  }

  private keepMonitoring(): void {
    if (this.histogram === null) {
      this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      this.histogram.enable();
    }
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), IDLE_AFTER_MS);
    this.idleTimer.unref();
  }

  stop(): void {
    this.histogram?.disable();
    this.histogram = null;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
