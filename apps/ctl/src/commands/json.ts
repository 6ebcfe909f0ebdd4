/** The `--json` shapes: supervisord's field names (spec §5.3), one document per command. */
import type { ConfigInfo, ProcessInfo } from "../backend.js";
import { descriptionOf } from "../format.js";
import { makeNamespec } from "@tsupervisord/pycompat";

export function processInfoJson(info: ProcessInfo): Record<string, unknown> {
  return {
    name: info.name,
    group: info.group,
    namespec: makeNamespec(info.group, info.name),
    state: info.state,
    statename: info.statename,
    description: descriptionOf(info),
    pid: info.pid,
    start: info.start,
    stop: info.stop,
    now: info.now,
    exitstatus: info.exitstatus,
    spawnerr: info.spawnerr,
    stdout_logfile: info.stdoutLogfile,
    stderr_logfile: info.stderrLogfile,
    // tsupervisord's own counter (absent when the server is a supervisord, which has none).
    ...(info.restarts !== undefined ? { restarts: info.restarts } : {}),
    // issue 18: the wish kept in the daemon's statefile ("started", "stopped", "" = follows autostart).
    ...(info.desiredState !== undefined ? { desired_state: info.desiredState } : {}),
    ...(info.resources !== undefined ? { resources: info.resources } : {}),
    // issue 20: "splice" or "js: <why>" per channel (ProcessInfo.log_pump).
    ...(info.logPump !== undefined ? { log_pump: info.logPump } : {}),
  };
}

export function configInfoJson(info: ConfigInfo): Record<string, unknown> {
  return {
    name: info.name,
    group: info.group,
    namespec: makeNamespec(info.group, info.name),
    inuse: info.inuse,
    autostart: info.autostart,
    group_prio: info.groupPrio,
    process_prio: info.processPrio,
  };
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
