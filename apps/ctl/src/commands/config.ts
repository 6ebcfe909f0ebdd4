/** avail, reread, add, remove, update (CMD-AVAIL-1, CMD-REREAD-1, CMD-ADD-1, CMD-REMOVE-1, CMD-UPDATE-*). */
import { ErrorCodes, isSupervisorError } from "@tsupervisord/errors";
import type { ConfigChanges } from "../backend.js";
import type { Controller } from "../controller.js";
import { formatChanges, formatConfigInfo } from "../format.js";
import { HELP_TEXTS } from "../help.js";
import { ExitStatus } from "../states.js";
import { configInfoJson, toJson } from "./json.js";
import { splitWords, takeJsonFlag } from "./types.js";
import { anyFlag, applyPlanned, printDryRun, printRereadDetail, takeUpdateFlags } from "./update-plan.js";

function rejectArguments(ctl: Controller, action: string, arg: string): boolean {
  if (arg === "") return false;
  ctl.output(`Error: ${action} accepts no arguments`);
  ctl.exitstatus = ExitStatus.GENERIC;
  for (const line of HELP_TEXTS[action] ?? []) ctl.output(line);
  return true;
}

export async function doAvail(ctl: Controller, arg: string): Promise<void> {
  const { words, json } = takeJsonFlag(splitWords(arg));
  if (rejectArguments(ctl, "avail", words.join(" "))) return;
  try {
    const infos = await ctl.backend().getAllConfigInfo();
    if (json) ctl.output(toJson(infos.map(configInfoJson)));
    else for (const info of infos) ctl.output(formatConfigInfo(info));
  } catch (err) {
    ctl.exitstatus = ExitStatus.GENERIC;
    if (isSupervisorError(err) && err.code === "SHUTDOWN_STATE") ctl.output("ERROR: supervisor shutting down");
    else throw err;
  }
}

export async function doReread(ctl: Controller, arg: string): Promise<void> {
  const { words, flags } = takeUpdateFlags(splitWords(arg)); // issue 18: --verbose / --json
  if (rejectArguments(ctl, "reread", words.join(" "))) return;
  let changes: ConfigChanges;
  try {
    changes = await ctl.backend().reloadConfig();
  } catch (err) {
    ctl.exitstatus = ExitStatus.GENERIC;
    if (isSupervisorError(err) && err.code === "SHUTDOWN_STATE") ctl.output("ERROR: supervisor shutting down");
    else if (isSupervisorError(err) && err.code === "CANT_REREAD") ctl.output(`ERROR: ${err.faultString}`);
    else throw err;
    return;
  }
  if (anyFlag(flags)) await printRereadDetail(ctl, ctl.backend(), formatChanges(changes), flags);
  else for (const line of formatChanges(changes)) ctl.output(line);
}

export async function doAdd(ctl: Controller, arg: string): Promise<void> {
  const backend = ctl.backend();
  for (const name of splitWords(arg)) {
    try {
      await backend.addProcessGroup(name);
    } catch (err) {
      if (!isSupervisorError(err)) {
        ctl.exitstatus = ExitStatus.GENERIC;
        throw err;
      }
      if (err.code === "SHUTDOWN_STATE") {
        ctl.output("ERROR: shutting down");
        ctl.exitstatus = ExitStatus.GENERIC;
      } else if (err.code === "ALREADY_ADDED") {
        ctl.output("ERROR: process group already active");
      } else if (err.code === "BAD_NAME") {
        ctl.output(`ERROR: no such process/group: ${name}`);
        ctl.exitstatus = ExitStatus.GENERIC;
      } else {
        ctl.exitstatus = ExitStatus.GENERIC;
        throw err;
      }
      continue;
    }
    ctl.output(`${name}: added process group`);
  }
}

export async function doRemove(ctl: Controller, arg: string): Promise<void> {
  const backend = ctl.backend();
  for (const name of splitWords(arg)) {
    try {
      await backend.removeProcessGroup(name);
    } catch (err) {
      ctl.exitstatus = ExitStatus.GENERIC;
      if (isSupervisorError(err) && err.code === "STILL_RUNNING") {
        ctl.output(`ERROR: process/group still running: ${name}`);
      } else if (isSupervisorError(err) && err.code === "BAD_NAME") {
        ctl.output(`ERROR: no such process/group: ${name}`);
      } else throw err;
      continue;
    }
    ctl.output(`${name}: removed process group`);
  }
}

export async function doUpdate(ctl: Controller, arg: string): Promise<void> {
  const backend = ctl.backend();
  const { words, flags } = takeUpdateFlags(splitWords(arg)); // issue 18: --dry-run, --verbose, --json
  let changes: ConfigChanges;
  try {
    changes = await backend.reloadConfig();
  } catch (err) {
    ctl.exitstatus = ExitStatus.GENERIC;
    if (isSupervisorError(err) && err.code === "SHUTDOWN_STATE") {
      ctl.output("ERROR: already shutting down");
      return;
    }
    // CMD-UPDATE-3: supervisorctl crashes here with a traceback line; we print what reread prints instead.
    if (isSupervisorError(err) && err.code === "CANT_REREAD") {
      ctl.output(`ERROR: ${err.faultString}`);
      return;
    }
    throw err;
  }
  let wanted = new Set(words);
  if (wanted.has("all")) wanted = new Set();
  if (wanted.size > 0) {
    const known = new Set((await backend.getAllProcessInfo()).map((info) => info.group));
    for (const name of changes.added) known.add(name);
    for (const name of wanted) {
      if (!known.has(name)) {
        ctl.output(`ERROR: no such group: ${name}`);
        ctl.exitstatus = ExitStatus.GENERIC;
      }
    }
  }
  const selected = (group: string): boolean => wanted.size === 0 || wanted.has(group);
  // issue 18: tsupervisord applies only the diff (unchanged members untouched); a real supervisord gets
  // supervisorctl's own sequence below.
  if (flags.dryRun) return printDryRun(ctl, backend, selected, flags);
  if (await applyPlanned(ctl, backend, [...wanted], flags)) return;
  const log = (group: string, message: string): void => ctl.output(`${group}: ${message}`);

  for (const group of changes.removed.filter(selected)) {
    const results = await backend.stopProcessGroup(group);
    log(group, "stopped");
    if (results.some((r) => r.status === ErrorCodes.FAILED)) {
      log(group, "has problems; not removing");
      ctl.exitstatus = ExitStatus.GENERIC;
      continue;
    }
    await backend.removeProcessGroup(group);
    log(group, "removed process group");
  }
  for (const group of changes.changed.filter(selected)) {
    await backend.stopProcessGroup(group);
    log(group, "stopped");
    await backend.removeProcessGroup(group);
    await backend.addProcessGroup(group);
    log(group, "updated process group");
  }
  for (const group of changes.added.filter(selected)) {
    await backend.addProcessGroup(group);
    log(group, "added process group");
  }
}
