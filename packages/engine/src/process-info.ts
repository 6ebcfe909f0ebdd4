/**
 * The one place a ProcessInfo record is built from a live process. A feature that adds a per-process field adds it
 * to `ProcessInfo` (types.ts) and fills it here.
 */
import { describeProcess } from "@tsupervisord/pycompat";
import type { ManagedProcess } from "./process.js";
import type { TreeStats } from "./ports.js";
import type { ProcessInfo } from "./types.js";
import type { ReadinessFields } from "./dependencies/feature.js";

export function buildProcessInfo(
  proc: ManagedProcess,
  stats: ReadonlyMap<number, TreeStats> | null,
  now: number,
  readiness: ReadinessFields, // issue 14: built by the ReadinessFeature (it knows the depends_on waits)
): ProcessInfo {
  const m = proc.machine;
  const tree = m.pid !== 0 ? stats?.get(m.pid) : undefined;
  return {
    name: proc.name,
    group: proc.groupName,
    state: m.state,
    description: describeProcess({
      state: m.state,
      name: proc.name,
      pid: m.pid,
      start: Math.trunc(m.laststart / 1000),
      stop: Math.trunc(m.laststop / 1000),
      now: Math.trunc(now / 1000),
      spawnerr: m.spawnerr ?? "",
    }),
    pid: m.pid === 0 ? null : m.pid,
    startedAt: m.laststart === 0 ? null : m.laststart,
    stoppedAt: m.laststop === 0 ? null : m.laststop,
    observedAt: now,
    spawnError: m.spawnerr,
    exit: m.exitstatus === null ? null : m.lastExit,
    stdoutLogfile: proc.sink.stdoutLogfile,
    stderrLogfile: proc.sink.stderrLogfile,
    cpuPercent: tree?.cpuPercent ?? null,
    rssBytes: tree?.rssBytes ?? null,
    ...readiness,
    restarts: proc.restarts,
  };
}
