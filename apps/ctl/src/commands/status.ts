/** status (CMD-STATUS-*) and pid (CMD-PID-1). */
import { isSupervisorError } from "@tsupervisord/errors";
import type { ProcessInfo } from "../backend.js";
import { paintState } from "../color.js";
import type { Controller } from "../controller.js";
import { formatStatusLines, statusRows } from "../format.js";
import { splitNamespec } from "@tsupervisord/pycompat";
import { processStateName, STOPPED_STATES } from "@tsupervisord/pycompat";
import { ExitStatus, StatusExitStatus } from "../states.js";
import { processInfoJson, toJson } from "./json.js";
import { readinessColumn, readinessJson } from "./readiness.js";
import { splitWords, takeJsonFlag } from "./types.js";

/** CMD-STATUS-2: the processes the names select, in argument order, and the error line of each bad name. */
export function selectProcesses(
  all: readonly ProcessInfo[],
  names: readonly string[],
): { matches: ProcessInfo[]; errors: string[] } {
  if (names.length === 0 || names.includes("all")) return { matches: [...all], errors: [] };
  const matches: ProcessInfo[] = [];
  const errors: string[] = [];
  for (const name of names) {
    const { group, process } = splitNamespec(name);
    const found = all.filter((info) => info.group === group && (process === null || info.name === process));
    matches.push(...found);
    if (found.length === 0) {
      errors.push(process === null ? `${group}: ERROR (no such group)` : `${name}: ERROR (no such process)`);
    }
  }
  return { matches, errors };
}

export async function doStatus(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) {
    ctl.exitstatus = StatusExitStatus.UNKNOWN;
    return;
  }
  const { words: flagged, json } = takeJsonFlag(splitWords(arg));
  // issue 14: --verbose adds the readiness column; --json carries the readiness fields.
  const words = flagged.filter((w) => w !== "--verbose" && w !== "-v");
  const verbose = words.length !== flagged.length;
  // --json also carries each tree's CPU/RSS/fds, restarts and limits (issue 17); plain output stays supervisorctl's.
  const all = await ctl.backend().getAllProcessInfo(json ? { stats: true } : undefined);
  const { matches, errors } = selectProcesses(all, words);
  for (const error of errors) {
    if (json) ctl.term.writeError(`${error}\n`);
    else ctl.output(error);
    ctl.exitstatus = StatusExitStatus.UNKNOWN;
  }
  if (json) {
    ctl.output(toJson(matches.map((info) => ({ ...processInfoJson(info), ...readinessJson(info) }))));
  } else {
    const paint = ctl.term.color ? paintState : undefined;
    const lines = formatStatusLines(statusRows(matches), paint);
    lines.forEach((line, i) => ctl.output(verbose ? line + readinessColumn(matches[i] as ProcessInfo) : line));
  }
  // Evaluated last, so a stopped process (3) wins over a bad name (4).
  if (matches.some((info) => STOPPED_STATES.has(processStateName(info.state)))) ctl.exitstatus = StatusExitStatus.NOT_RUNNING;
}

export async function doPid(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const { words: names, json } = takeJsonFlag(splitWords(arg));
  const backend = ctl.backend();
  if (names.length === 0) {
    const pid = await backend.getPID();
    ctl.output(json ? toJson({ pid }) : String(pid));
    return;
  }
  if (names.includes("all")) {
    const infos = await backend.getAllProcessInfo();
    if (json) ctl.output(toJson(infos.map((info) => ({ name: info.name, group: info.group, pid: info.pid }))));
    else for (const info of infos) ctl.output(String(info.pid));
    return;
  }
  const found: { name: string; pid: number }[] = [];
  for (const name of names) {
    try {
      const info = await backend.getProcessInfo(name);
      if (json) found.push({ name, pid: info.pid });
      else ctl.output(String(info.pid));
      if (info.pid === 0) ctl.exitstatus = ExitStatus.NOT_RUNNING;
    } catch (err) {
      if (!isSupervisorError(err)) throw err;
      ctl.exitstatus = ExitStatus.GENERIC;
      if (err.code !== "BAD_NAME") throw err;
      if (json) ctl.term.writeError(`No such process ${name}\n`);
      else ctl.output(`No such process ${name}`);
    }
  }
  if (json) ctl.output(toJson(found));
}
