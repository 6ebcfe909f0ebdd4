/**
 * The one place a ProcessInfo record is built from a live process. A feature that adds a per-process field adds it
 * to `ProcessInfo` (types.ts) and fills it here.
 */
import { describeProcess } from "@tsupervisord/pycompat";
import type { ManagedProcess } from "./process.js";
import type { GovernanceInfo } from "./limits/governor.js";
import type { ProcessSample } from "./stats/sampler.js";
import type { ProcessInfo } from "./types.js";
import type { ReadinessFields } from "./dependencies/feature.js";

/**
 * `stats`: the sampler's last pass by `group:name` (null: not asked for); `readiness`: issue 14's fields, built by
 * the ReadinessFeature (it knows the depends_on waits); `governance`: issue 17's counters.
 */
export function buildProcessInfo(
  proc: ManagedProcess,
  stats: ReadonlyMap<string, ProcessSample> | null,
  now: number,
  readiness: ReadinessFields,
  governance: (key: string) => GovernanceInfo,
): ProcessInfo {
  const m = proc.machine;
  const key = `${proc.groupName}:${proc.name}`;
  const sample = m.pid !== 0 ? stats?.get(key) : undefined;
  // A pass taken before a respawn describes the previous child: not this one.
  const tree = sample?.root === m.pid ? sample : undefined;
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
    lastExit: m.lastExit,
    cpuSeconds: tree?.cpuSeconds ?? null,
    fds: tree?.fds ?? null,
    treeProcesses: tree?.members.length ?? null,
    governance: governance(key),
    ...(proc.config.limits !== undefined ? { limits: proc.config.limits } : {}),
    restartSignal: proc.config.restartsignal?.name ?? "", // issue 18
  };
}
