/**
 * issue 18 (tsctl only): `update --dry-run`, `update --verbose`, `update --json`, `reread --verbose|--json` and
 * `scale NAME N`. The plain `update` / `reread` lines stay supervisorctl's byte for byte (CMD-UPDATE-1,
 * CMD-REREAD-1); the typed diff (hot / restart / structural per option and member) is only shown behind a flag.
 */
import { makeNamespec } from "@tsupervisord/pycompat";
import { isSupervisorError } from "@tsupervisord/errors";
import type { CtlBackend, GroupPlanInfo, GroupUpdateResult, PlanChange } from "../backend.js";
import { isUnsupportedCall, UnsupportedCallError } from "../backend.js";
import type { Controller } from "../controller.js";
import { UPDATE_HELP_TEXTS } from "../help.js";
import { ExitStatus } from "../states.js";
import { toJson } from "./json.js";
import { splitWords, takeJsonFlag } from "./types.js";

export interface UpdateFlags {
  dryRun: boolean;
  verbose: boolean;
  json: boolean;
}

/** Removes tsctl's flags from update's / reread's words. */
export function takeUpdateFlags(words: string[]): { words: string[]; flags: UpdateFlags } {
  const flags = { dryRun: words.includes("--dry-run"), verbose: words.includes("--verbose") || words.includes("-v"), json: words.includes("--json") };
  return { words: words.filter((w) => !["--dry-run", "--verbose", "-v", "--json"].includes(w)), flags };
}

export function anyFlag(flags: UpdateFlags): boolean {
  return flags.dryRun || flags.verbose || flags.json;
}

function changeLine(c: PlanChange): string {
  const values = c.option === "environment" ? `${c.oldValue} -> ${c.newValue}` : `${show(c.oldValue)} -> ${show(c.newValue)}`;
  return `${c.option}: ${values} [${c.changeClass}]`;
}

function show(value: string): string {
  return value === "" ? "''" : value;
}

const MEMBER_WORDS: Record<string, string> = {
  keep: "unchanged (not touched)",
  hot: "changed in place (no restart)",
  restart: "restart",
  add: "add and start",
  remove: "stop and remove",
};

const GROUP_WORDS: Record<string, string> = {
  add: "add the group",
  remove: "stop and remove the group",
  replace: "stop, remove and add the whole group",
  members: "only the changes below",
};

/** The typed diff of one group, indented under its `<group>: <status>` line. */
function planLines(plan: GroupPlanInfo, indent = "  "): string[] {
  const lines = [`${indent}${GROUP_WORDS[plan.action] ?? plan.action}`];
  for (const c of plan.changes) lines.push(`${indent}${changeLine(c)}`);
  for (const m of plan.members) {
    lines.push(`${indent}${makeNamespec(plan.name, m.name)}: ${MEMBER_WORDS[m.action] ?? m.action}`);
    for (const c of m.changes) lines.push(`${indent}  ${changeLine(c)}`);
  }
  return lines;
}

/** `update --dry-run`: the plan, applied to nothing (reloadConfig has run, as reread runs it). */
export async function printDryRun(ctl: Controller, backend: CtlBackend, selected: (group: string) => boolean, flags: UpdateFlags): Promise<void> {
  const plans = (await planOf(ctl, backend))?.filter((p) => selected(p.name));
  if (plans === undefined) return;
  if (flags.json) {
    ctl.output(toJson({ dry_run: true, groups: plans }));
    return;
  }
  if (plans.length === 0) ctl.output("No config updates to processes");
  for (const plan of plans) {
    ctl.output(`${plan.name}: ${plan.status}`);
    for (const line of planLines(plan)) ctl.output(line);
  }
}

/** `reread --verbose|--json`: reread's lines (sorted by group), each followed by its typed diff. */
export async function printRereadDetail(ctl: Controller, backend: CtlBackend, plainLines: string[], flags: UpdateFlags): Promise<void> {
  const plans = await planOf(ctl, backend);
  if (plans === undefined) return;
  if (flags.json) {
    ctl.output(toJson({ groups: plans }));
    return;
  }
  const byName = new Map(plans.map((p) => [p.name, p]));
  for (const line of plainLines) {
    ctl.output(line);
    const plan = byName.get(line.slice(0, line.lastIndexOf(": ")));
    if (plan !== undefined) for (const detail of planLines(plan)) ctl.output(detail);
  }
}

async function planOf(ctl: Controller, backend: CtlBackend): Promise<GroupPlanInfo[] | undefined> {
  try {
    if (backend.planUpdate === undefined) throw unsupported();
    return await backend.planUpdate();
  } catch (err) {
    if (!isUnsupportedCall(err)) throw err;
    ctl.output("Error: the typed update plan is only available from tsupervisord (gRPC)");
    ctl.exitstatus = ExitStatus.GENERIC;
    return undefined;
  }
}

function unsupported(): Error {
  return new UnsupportedCallError("not offered by this server");
}

/**
 * `update` through ApplyUpdate: the daemon applies only the diff. Prints supervisorctl's lines for each group
 * (CMD-UPDATE-1), plus the members' outcomes with --verbose, or everything as JSON. Returns false when the
 * server has no ApplyUpdate (a real supervisord): the caller then runs supervisorctl's own sequence.
 */
export async function applyPlanned(ctl: Controller, backend: CtlBackend, groups: string[], flags: UpdateFlags): Promise<boolean> {
  let outcomes: GroupUpdateResult[];
  try {
    if (backend.applyUpdate === undefined) return false;
    outcomes = await backend.applyUpdate(groups);
  } catch (err) {
    if (isUnsupportedCall(err)) return false;
    throw err;
  }
  if (flags.json) {
    ctl.output(toJson({ groups: outcomes }));
    if (outcomes.some((o) => o.faultCode !== undefined)) ctl.exitstatus = ExitStatus.GENERIC;
    return true;
  }
  const log = (group: string, message: string): void => ctl.output(`${group}: ${message}`);
  for (const o of outcomes) {
    if (o.action === "removed") {
      log(o.group, "stopped");
      if (o.faultCode !== undefined) {
        log(o.group, "has problems; not removing");
        ctl.exitstatus = ExitStatus.GENERIC;
        continue;
      }
      log(o.group, "removed process group");
    } else if (o.action === "changed") {
      log(o.group, "stopped");
      if (o.faultCode !== undefined) {
        ctl.output(`ERROR: ${o.faultString}`);
        ctl.exitstatus = ExitStatus.GENERIC;
        continue;
      }
      log(o.group, "updated process group");
    } else if (o.faultCode !== undefined) {
      ctl.output(`ERROR: ${o.faultString}`);
      ctl.exitstatus = ExitStatus.GENERIC;
      continue;
    } else log(o.group, "added process group");
    if (flags.verbose) for (const line of outcomeLines(o)) ctl.output(line);
  }
  return true;
}

function outcomeLines(o: GroupUpdateResult): string[] {
  if (o.plan === undefined) return [];
  const lines = planLines(o.plan);
  for (const m of o.members) {
    if (m.faultCode !== undefined) lines.push(`  ${makeNamespec(o.group, m.name)}: ERROR (${m.faultString})`);
  }
  return lines;
}

/** `scale NAME N`: start or stop only the difference (runtime state; the next `update` follows the file). */
export async function doScale(ctl: Controller, arg: string): Promise<void> {
  const { words, json } = takeJsonFlag(splitWords(arg));
  const [name, count, ...rest] = words;
  const n = count !== undefined && /^\d+$/.test(count) ? Number(count) : NaN;
  if (name === undefined || Number.isNaN(n) || rest.length > 0) {
    ctl.output("Error: scale requires a program name and a number of processes");
    for (const line of UPDATE_HELP_TEXTS["scale"] ?? []) ctl.output(line);
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  const backend = ctl.backend();
  try {
    if (backend.scaleProgram === undefined) throw unsupported();
    const result = await backend.scaleProgram(name, n);
    if (json) ctl.output(toJson(result));
    else {
      for (const p of result.removed) ctl.output(`${p}: stopped and removed`);
      for (const p of result.added) ctl.output(`${p}: added`);
      if (result.added.length + result.removed.length === 0) ctl.output(`${name}: already ${n} processes`);
    }
  } catch (err) {
    ctl.exitstatus = ExitStatus.GENERIC;
    if (isUnsupportedCall(err)) ctl.output("Error: scale is only available from tsupervisord (gRPC)");
    else if (isSupervisorError(err) && err.code === "BAD_NAME") ctl.output(`ERROR: no such program: ${name}`);
    else if (isSupervisorError(err)) ctl.output(`ERROR: ${err.faultString}`);
    else throw err;
  }
}
