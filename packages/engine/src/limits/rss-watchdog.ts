/**
 * `restart_if_rss_over = 1.5GB for 2m` (issue 17): the Gunicorn/Celery leak pattern. While a program with a
 * watchdog runs, the stats sampler holds a lease (interval: a quarter of the shortest `for`, between 1 s and
 * 30 s); when the tree's RSS has stayed above the limit for the whole duration, the program goes through its
 * normal graceful stop and is started again. Logged at WARN and counted (metrics).
 */
import type { EngineLogger } from "../logger.js";
import type { ProcessSample, StatsLease, StatsSampler } from "../stats/sampler.js";

interface Watched {
  name: string;
  bytes: number;
  forMs: number;
  overSince: number | null;
  fired: boolean;
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

export class RssWatchdog {
  private readonly watched = new Map<string, Watched>();
  private lease: StatsLease | null = null;
  private leaseInterval = 0;
  /** Watchdog restarts per process key (metrics). */
  readonly restarts = new Map<string, number>();

  constructor(
    private readonly sampler: StatsSampler,
    private readonly logger: EngineLogger,
    private readonly restart: (key: string) => void,
  ) {}

  /** A process with a watchdog was spawned. */
  track(key: string, name: string, spec: { bytes: number; forMs: number }): void {
    this.watched.set(key, { name, bytes: spec.bytes, forMs: spec.forMs, overSince: null, fired: false });
    this.relet();
  }

  /** Its child exited: nothing to watch until the next spawn. */
  untrack(key: string): void {
    if (this.watched.delete(key)) this.relet();
  }

  dispose(): void {
    this.watched.clear();
    this.relet();
  }

  private relet(): void {
    let shortest = Infinity;
    for (const w of this.watched.values()) shortest = Math.min(shortest, w.forMs);
    const interval = shortest === Infinity ? 0 : Math.min(30_000, Math.max(1000, shortest / 4));
    if (interval === this.leaseInterval) return;
    this.lease?.close();
    this.lease = interval === 0 ? null : this.sampler.watch(interval, (samples) => this.check(samples));
    this.leaseInterval = interval;
  }

  private check(samples: ReadonlyMap<string, ProcessSample>): void {
    for (const [key, w] of this.watched) {
      const sample = samples.get(key);
      if (sample === undefined || w.fired) continue;
      if (sample.rssBytes <= w.bytes) {
        w.overSince = null;
        continue;
      }
      w.overSince ??= sample.at;
      if (sample.at - w.overSince < w.forMs) continue;
      w.fired = true;
      this.restarts.set(key, (this.restarts.get(key) ?? 0) + 1);
      this.logger.warn(
        `restarting ${w.name}: process tree RSS ${formatBytes(sample.rssBytes)} over restart_if_rss_over ${formatBytes(w.bytes)} for ${formatDuration(w.forMs)}`,
      );
      this.restart(key);
    }
  }
}
