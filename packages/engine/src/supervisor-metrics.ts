/**
 * Issue 17's process-tree stats and resource governor, wired for one Supervisor: the sampler reads /proc (and the
 * programs' cgroups) only while someone watches, and the governor's RSS watchdog restarts a process through the
 * supervisor's ordinary stop and start.
 */
import type { Config } from "@tsupervisord/config";
import { ResourceGovernor } from "./limits/governor.js";
import type { EngineLogger } from "./logger.js";
import { procTreePort } from "./ports.js";
import type { ManagedProcess } from "./process.js";
import { StatsSampler } from "./stats/sampler.js";
import type { ProcessSample, StatsTarget } from "./stats/sampler.js";
import type { InfoOptions, SupervisorOptions } from "./types.js";

/** getProcessInfo(stats) reuses a sampler pass younger than this (a burst of status calls reads /proc once). */
const STATS_MAX_AGE_MS = 1000;

export interface MetricsDeps {
  options: Pick<SupervisorOptions, "stats" | "cgroups">;
  config: () => Config;
  logger: EngineLogger;
  now: () => number;
  /** The active processes, by name (read when the sampler makes a pass). */
  processes: () => readonly ManagedProcess[];
  /** The supervisor's graceful stop-then-start of `group:name`. */
  stopProcess: (key: string) => Promise<void>;
  startProcess: (key: string) => Promise<void>;
}

export function createMetrics(deps: MetricsDeps): { stats: StatsSampler; governor: ResourceGovernor } {
  /** Running processes for the stats sampler (their cgroup members where they have one). */
  const targets = (): StatsTarget[] => {
    const out: StatsTarget[] = [];
    for (const proc of deps.processes()) {
      if (proc.pid === 0) continue;
      const key = `${proc.groupName}:${proc.name}`;
      out.push({ key, pid: proc.pid, cgroupPids: () => governor.cgroupPids(key) });
    }
    return out;
  };
  const stats = new StatsSampler(targets, deps.now, deps.options.stats ?? procTreePort());
  const governor: ResourceGovernor = new ResourceGovernor({
    config: deps.config,
    sampler: stats,
    logger: deps.logger,
    restart: (key) => void restartForWatchdog(deps, key),
    ...(deps.options.cgroups !== undefined ? { cgroups: deps.options.cgroups } : {}),
  });
  return { stats, governor };
}

/** A pass of the stats sampler for `procs` (shared with every watcher; reused when younger than a second). */
export function sampleStats(stats: StatsSampler, procs: readonly ManagedProcess[], options: InfoOptions): ReadonlyMap<string, ProcessSample> | null {
  if (options.stats === false || procs.every((p) => p.pid === 0)) return null;
  return stats.fresh(STATS_MAX_AGE_MS);
}

/** The RSS watchdog's restart: the normal graceful stop, then a start (skipped if someone stopped it meanwhile). */
async function restartForWatchdog(deps: MetricsDeps, key: string): Promise<void> {
  try {
    await deps.stopProcess(key);
    await deps.startProcess(key);
  } catch (err) {
    deps.logger.warn(`restart of ${key} by restart_if_rss_over failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
