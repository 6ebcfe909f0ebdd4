/**
 * issue 15 RPCs: RotateLogs (`tsctl logrotate [NAME…|all] [--now]`) and ReadProcessLogSince (`tsctl logs NAME
 * --since 2h`). The engine is not involved beyond name lookup: the daemon's output port knows each process's
 * ProcessLogs (runtime/output.ts).
 */
import type { Supervisor } from "@tsupervisord/engine";
import { SupervisorError } from "@tsupervisord/errors";
import { readLogSince } from "@tsupervisord/logs";
import type { LogPipelineChannelStats, LogPipelineStats, LogPumpPaths, ProcessInfo, ProcessResult } from "@tsupervisord/protocol";
import type { PumpDecision, RateLimitCounters, WriteCounters } from "@tsupervisord/logs";
import { processLogsOf } from "@tsupervisord/logs";
import type { ServiceContext } from "./context.js";

const SUCCESS = 80;
const BAD_NAME = 10;
const FAILED = 30;

/** The processes a namespec names, as every other command resolves it (`name`, `group:name`, `group:*`). */
function matching(supervisor: Supervisor, all: Array<{ name: string; group: string }>, spec: string): Array<{ name: string; group: string }> {
  try {
    const target = supervisor.resolve(spec);
    return target.kind === "group"
      ? all.filter((p) => p.group === target.group)
      : all.filter((p) => p.group === target.group && p.name === target.name);
  } catch {
    return [];
  }
}

export async function rotateLogs(
  supervisor: Supervisor,
  ctx: ServiceContext,
  names: string[],
  now: boolean,
): Promise<ProcessResult[]> {
  const all = supervisor.getAllProcessInfo({ stats: false }).map((p) => ({ name: p.name, group: p.group }));
  const everything = names.length === 0 || names.includes("all");
  const results: ProcessResult[] = [];
  const targets: Array<{ name: string; group: string }> = [];
  if (everything) targets.push(...all);
  else {
    for (const spec of names) {
      const found = matching(supervisor, all, spec);
      if (found.length === 0) results.push({ name: spec, group: spec, status: BAD_NAME, description: `BAD_NAME: ${spec}` });
      for (const p of found) if (!targets.includes(p)) targets.push(p);
    }
  }
  for (const p of targets) {
    const namespec = `${p.group}:${p.name}`;
    try {
      const sink = supervisor.getProcessSink(namespec);
      const logs = processLogsOf(sink);
      if (now && logs !== null) await logs.rotateNow();
      else await sink.reopen();
      results.push({ name: p.name, group: p.group, status: SUCCESS, description: "OK" });
    } catch (err) {
      results.push({ name: p.name, group: p.group, status: FAILED, description: `FAILED: ${(err as Error).message}` });
    }
  }
  if (everything) {
    if (now) await ctx.log.rotateNow();
    else await ctx.log.reopen();
    ctx.log.info(now ? "rotated log files on request" : "reopened log files on request");
  }
  return results;
}

/** The stream of ReadProcessLogSince: NO_FILE before the first chunk when the channel has no file. */
export async function* readSince(file: string | null, sinceMs: number): AsyncGenerator<{ data: Buffer }> {
  if (file === null) throw new SupervisorError("NO_FILE", "None");
  for await (const data of readLogSince(file, sinceMs)) yield { data };
}

function channelStats(file: WriteCounters | null, limit: RateLimitCounters | null): LogPipelineChannelStats {
  return {
    bytesWritten: file?.bytesWritten ?? 0,
    bytesDropped: file?.bytesDropped ?? 0,
    rotations: file?.rotations ?? 0,
    rateLimitPauses: limit?.pauses ?? 0,
    rateLimitDroppedBytes: limit?.bytesDropped ?? 0,
  };
}

/**
 * ProcessInfo.log_stats (field 70) for GetProcessInfo / GetAllProcessInfo, set on `info` itself: a fresh message
 * from processInfoToWire, the handler's own. (A copy with the fields added cost ~7 µs per program per call
 * under the daemon's --no-opt: a GetAllProcessInfo of 500 programs, polled, is the daemon's busiest call.)
 */
export function withLogStats(supervisor: Supervisor, info: ProcessInfo): ProcessInfo {
  let stats: LogPipelineStats | undefined;
  let pump: LogPumpPaths | undefined;
  try {
    const logs = processLogsOf(supervisor.getProcessSink(`${info.group}:${info.name}`));
    if (logs !== null) {
      const files = logs.counters();
      const limits = logs.rateLimits();
      stats = { stdout: channelStats(files.stdout, limits.stdout), stderr: channelStats(files.stderr, limits.stderr) };
      pump = { stdout: pumpPath(logs.pumpPaths.stdout), stderr: pumpPath(logs.pumpPaths.stderr) };
    }
  } catch {
    // Removed meanwhile: no stats.
  }
  if (stats !== undefined) info.logStats = stats;
  if (pump !== undefined) info.logPump = pump;
  return info;
}

/**
 * ProcessInfo.log_pump (field 95, issue 20): "splice", "discard" (NONE: a native pump drops the bytes), "js: <why>",
 * or "" for a channel without its own log.
 */
function pumpPath(decision: PumpDecision | null): string {
  if (decision === null) return "";
  return decision.path === "js" ? `js: ${decision.reason}` : decision.path;
}
