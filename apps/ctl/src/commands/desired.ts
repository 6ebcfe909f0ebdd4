/**
 * issue 18, tsctl's own verbs for the desired state kept in the daemon's `[supervisord] statefile`
 * (supervisorctl has neither, so nothing of its output changes):
 *   disable NAME…   stop, and stay stopped across daemon restarts (SIGHUP, reboot) although autostart=true
 *   enable NAME…    start, and start at every daemon start (even with autostart=false)
 * NAME is `name`, `group:name`, `group:*` or `all`. A plain `stop` / `start` records the same wish; these verbs
 * say it explicitly and succeed on a process already in the wanted state.
 */
import { isSupervisorError } from "@tsupervisord/errors";
import type { ProcessResult } from "../backend.js";
import type { Controller } from "../controller.js";
import { resultLine } from "../faults.js";
import { makeNamespec } from "@tsupervisord/pycompat";
import { ExitStatus } from "../states.js";
import { splitWords } from "./types.js";

type Wish = "enable" | "disable";

function line(wish: Wish, r: ProcessResult): string {
  const namespec = makeNamespec(r.group, r.name);
  if (r.status === 80) return `${namespec}: ${wish}d`;
  try {
    return resultLine(wish === "enable" ? "start" : "stop", r, namespec);
  } catch {
    return `${namespec}: ERROR (${r.description})`;
  }
}

async function run(ctl: Controller, arg: string, wish: Wish): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = splitWords(arg);
  if (names.length === 0 || names.some((n) => n.startsWith("-"))) {
    ctl.output(`Error: usage: ${wish} <name>... (name, group:name, group:* or all)`);
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    return;
  }
  const backend = ctl.backend();
  const call = wish === "enable" ? backend.enableProcess : backend.disableProcess;
  if (call === undefined) {
    ctl.output(`Error: ${wish} is not available over this connection`);
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  for (const name of names.includes("all") ? ["all"] : names) {
    let results: ProcessResult[];
    try {
      results = await call.call(backend, name);
    } catch (err) {
      if (!isSupervisorError(err)) throw err;
      ctl.output(`${name}: ERROR (${err.code === "BAD_NAME" ? "no such process" : (err.detail ?? err.message)})`);
      ctl.exitstatus = err.code === "BAD_NAME" ? ExitStatus.INVALID_ARGS : ExitStatus.GENERIC;
      continue;
    }
    for (const r of results) {
      ctl.output(line(wish, r));
      if (r.status !== 80) ctl.setExitFromFault(r.status);
    }
  }
}

export const doEnable = (ctl: Controller, arg: string): Promise<void> => run(ctl, arg, "enable");
export const doDisable = (ctl: Controller, arg: string): Promise<void> => run(ctl, arg, "disable");
