import type { Config, ProcessConfig } from "@tsupervisord/config";
import { describeRlimits, exitStatusOf, ProcessStates } from "@tsupervisord/engine";
import type { ProcessInfo as EngineProcessInfo, ProcessResult as EngineProcessResult } from "@tsupervisord/engine";
import { ErrorCodes } from "@tsupervisord/errors";
import type { ConfigInfo, ProcessInfo, ProcessLimits, ProcessResult } from "@tsupervisord/protocol";
import { clampInt32 } from "@tsupervisord/xmlrpc/light";

/** Epoch ms (null = never) -> supervisord's epoch seconds, 0 for never, capped into XML-RPC's int range (RPC-08). */
export function wireSeconds(ms: number | null): number {
  return ms === null ? 0 : clampInt32(Math.trunc(ms / 1000));
}

/**
 * Engine record -> supervisord's ProcessInfo (spec §5.3) on the gRPC wire: seconds, the state code, `exitstatus`,
 * "" for none, and the legacy `logfile` alias. The XML-RPC face builds its struct from this same message.
 */
export function processInfoToWire(info: EngineProcessInfo): ProcessInfo {
  return {
    name: info.name,
    group: info.group,
    description: info.description,
    start: wireSeconds(info.startedAt),
    stop: wireSeconds(info.stoppedAt),
    now: wireSeconds(info.observedAt),
    state: ProcessStates[info.state],
    statename: info.state,
    spawnerr: info.spawnError ?? "",
    exitstatus: exitStatusOf(info.exit),
    logfile: info.stdoutLogfile ?? "",
    stdoutLogfile: info.stdoutLogfile ?? "",
    stderrLogfile: info.stderrLogfile ?? "",
    pid: info.pid ?? 0,
    cpuPercent: info.cpuPercent ?? 0,
    rssBytes: info.rssBytes ?? 0,
    // issue 14 (gRPC only; XML-RPC maps its own fields)
    readiness: info.readiness,
    readinessStatus: info.readinessStatus,
    liveness: info.liveness,
    livenessStatus: info.livenessStatus,
    waitingFor: info.waitingFor,
    dependsOn: info.dependsOn,
    program: info.program,
    desiredState: "", // issue 18: set by the handlers from the statefile (desired-state.ts withDesiredState)
    restartSignal: info.restartSignal ?? "", // issue 18
    ...governanceToWire(info),
  };
}

/** Issue 17: tree stats, restarts, watchdog/sweep counters, cgroup and limits (proto numbers 30-49, 55). */
function governanceToWire(info: EngineProcessInfo): GovernanceWire {
  const l = info.limits;
  const limits: ProcessLimits | undefined =
    l === undefined
      ? undefined
      : {
          rlimits: describeRlimits(l),
          cpuMax: l.cpuMax === undefined ? "" : `${l.cpuMax.quotaUs ?? "max"} ${l.cpuMax.periodUs}`,
          rssRestartBytes: l.restartIfRssOver?.bytes ?? 0,
          rssRestartForMs: l.restartIfRssOver?.forMs ?? 0,
        };
  if (limits !== undefined && l !== undefined) {
    if (l.memoryMax !== undefined) limits.memoryMaxBytes = l.memoryMax ?? -1;
    if (l.memoryHigh !== undefined) limits.memoryHighBytes = l.memoryHigh ?? -1;
    if (l.pidsMax !== undefined) limits.pidsMax = l.pidsMax ?? -1;
  }
  const out: GovernanceWire = {
    cpuSeconds: info.cpuSeconds ?? 0,
    treeProcesses: info.treeProcesses ?? 0,
    rssRestarts: info.governance.rssRestarts,
    descendantsKilled: info.governance.descendantsKilled,
    lastExitSignal: info.lastExit?.signal ?? "",
    cgroup: info.governance.cgroup ?? "",
    restarts: info.restarts,
    limits,
  };
  if (info.fds !== null) out.fds = info.fds;
  return out;
}

/** Issue 17's fields of the wire ProcessInfo (and `restarts`, 55). */
type GovernanceWire = Pick<
  ProcessInfo,
  "cpuSeconds" | "fds" | "treeProcesses" | "rssRestarts" | "descendantsKilled" | "lastExitSignal" | "cgroup" | "restarts" | "limits"
>;

export function processResultToWire(result: EngineProcessResult): ProcessResult {
  return {
    name: result.name,
    group: result.group,
    status: ErrorCodes[result.status],
    description: result.description,
  };
}

function logfileText(setting: ProcessConfig["stdout"]["logfile"]): string {
  switch (setting.kind) {
    case "auto":
      return "auto";
    case "none":
      return "none";
    case "file":
      return setting.path;
  }
}

/**
 * getAllConfigInfo (spec §5.3): one entry per process of the last read config, sorted by process name, with
 * supervisord's "auto"/"none" placeholders for values XML-RPC cannot carry.
 */
export function configInfosToWire(config: Config, activeGroups: ReadonlySet<string>): ConfigInfo[] {
  const out: ConfigInfo[] = [];
  for (const group of config.groups) {
    for (const p of group.processes) {
      out.push({
        name: p.name,
        group: group.name,
        inuse: activeGroups.has(group.name),
        autostart: p.autostart,
        autorestart: String(p.autorestart),
        directory: p.directory ?? "none",
        uid: p.user === null ? "none" : String(p.user.uid),
        command: p.command,
        exitcodes: [...p.exitcodes],
        groupPrio: group.priority,
        processPrio: p.priority,
        killasgroup: p.killasgroup,
        stopasgroup: p.stopasgroup,
        redirectStderr: p.redirectStderr,
        startretries: p.startretries,
        startsecs: p.startsecs,
        stopsignal: p.stopsignal.number,
        stopwaitsecs: p.stopwaitsecs,
        serverurl: p.serverurl ?? "none",
        stdoutCaptureMaxbytes: p.stdout.captureMaxbytes,
        stdoutEventsEnabled: p.stdout.eventsEnabled,
        stdoutLogfile: logfileText(p.stdout.logfile),
        stdoutLogfileBackups: p.stdout.backups,
        stdoutLogfileMaxbytes: p.stdout.maxbytes,
        stdoutSyslog: p.stdout.syslog,
        stderrCaptureMaxbytes: p.stderr.captureMaxbytes,
        stderrEventsEnabled: p.stderr.eventsEnabled,
        stderrLogfile: logfileText(p.stderr.logfile),
        stderrLogfileBackups: p.stderr.backups,
        stderrLogfileMaxbytes: p.stderr.maxbytes,
        stderrSyslog: p.stderr.syslog,
      });
    }
  }
  // Python sorts str by code point; so does a plain comparison of JS strings for the BMP.
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
