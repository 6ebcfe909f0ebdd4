/** start, stop, restart, signal (CMD-START-*, CMD-STOP-*, CMD-RESTART-1, CMD-SIGNAL-*). */
import { ErrorCodes, errorCodeFromFault, isSupervisorError, resultReason } from "@tsupervisord/errors";
import type { ProcessResult } from "../backend.js";
import type { Controller } from "../controller.js";
import { HELP_TEXTS } from "../help.js";
import { makeNamespec, splitNamespec } from "../namespec.js";
import { ExitStatus } from "../states.js";
import { splitWords } from "./types.js";

const F = ErrorCodes;

function printHelp(ctl: Controller, action: string): void {
  for (const line of HELP_TEXTS[action] ?? []) ctl.output(line);
}

/** supervisorctl's `_startresult`; an unexpected code is an error, as the Python client's ValueError. */
export function startResultLine(result: ProcessResult): string {
  const name = makeNamespec(result.group, result.name);
  if (result.status === F.SUCCESS) return `${name}: started`;
  const code = errorCodeFromFault(result.status);
  const reason = code === undefined ? undefined : resultReason("start", code);
  if (reason === undefined) throw new Error(`Unknown result code ${result.status} for ${name}`);
  return `${name}: ERROR (${reason})`;
}

/** supervisorctl's `_signalresult` (also `_stopresult` with success word `stopped`). */
export function signalResultLine(result: ProcessResult, success = "signalled"): string {
  const name = makeNamespec(result.group, result.name);
  switch (result.status) {
    case F.BAD_NAME:
      return `${name}: ERROR (no such process)`;
    case F.BAD_SIGNAL:
      return `${name}: ERROR (bad signal name)`;
    case F.NOT_RUNNING:
      return `${name}: ERROR (not running)`;
    case F.SUCCESS:
      return `${name}: ${success}`;
    case F.FAILED:
      return result.description;
    default:
      throw new Error(`Unknown result code ${result.status} for ${name}`);
  }
}

/** A fault on a single-process call, as the result struct supervisorctl builds from it. */
function faultResult(err: unknown, group: string, process: string | null): ProcessResult {
  if (!isSupervisorError(err)) throw err;
  return { status: err.fault, name: process ?? "None", group, description: err.faultString };
}

interface Verb {
  /** The single-process call. */
  one(name: string): Promise<void>;
  group(group: string): Promise<ProcessResult[]>;
  all(): Promise<ProcessResult[]>;
  line(result: ProcessResult): string;
  /** The fault that does not count as a failure (ALREADY_STARTED for start, NOT_RUNNING for stop). */
  ignored?: number;
  /** Exit status for `g:*` of an unknown group. */
  badGroupStatus: number;
}

async function runVerb(ctl: Controller, names: readonly string[], verb: Verb): Promise<void> {
  const report = (result: ProcessResult): void => {
    ctl.output(verb.line(result));
    ctl.setExitFromFault(result.status, verb.ignored);
  };
  if (names.includes("all")) {
    for (const result of await verb.all()) report(result);
    return;
  }
  for (const name of names) {
    const [group, process] = splitNamespec(name);
    if (process === null) {
      try {
        for (const result of await verb.group(group)) report(result);
      } catch (err) {
        if (isSupervisorError(err) && err.code === "BAD_NAME") {
          ctl.output(`${group}: ERROR (no such group)`);
          ctl.exitstatus = verb.badGroupStatus;
        } else {
          ctl.exitstatus = ExitStatus.GENERIC;
          throw err;
        }
      }
      continue;
    }
    try {
      await verb.one(name);
    } catch (err) {
      report(faultResult(err, group, process));
      continue;
    }
    report({ status: F.SUCCESS, group, name: process, description: "OK" });
  }
}

export async function doStart(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = splitWords(arg);
  if (names.length === 0) {
    ctl.output("Error: start requires a process name");
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    printHelp(ctl, "start");
    return;
  }
  const b = ctl.backend();
  await runVerb(ctl, names, {
    one: (n) => b.startProcess(n),
    group: (g) => b.startProcessGroup(g),
    all: () => b.startAllProcesses(),
    line: startResultLine,
    ignored: F.ALREADY_STARTED,
    badGroupStatus: ExitStatus.INVALID_ARGS,
  });
}

export async function doStop(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = splitWords(arg);
  if (names.length === 0) {
    ctl.output("Error: stop requires a process name");
    ctl.exitstatus = ExitStatus.GENERIC;
    printHelp(ctl, "stop");
    return;
  }
  const b = ctl.backend();
  await runVerb(ctl, names, {
    one: (n) => b.stopProcess(n),
    group: (g) => b.stopProcessGroup(g),
    all: () => b.stopAllProcesses(),
    line: (r) => signalResultLine(r, "stopped"),
    ignored: F.NOT_RUNNING,
    badGroupStatus: ExitStatus.GENERIC,
  });
}

export async function doRestart(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  if (splitWords(arg).length === 0) {
    ctl.output("Error: restart requires a process name");
    ctl.exitstatus = ExitStatus.GENERIC;
    printHelp(ctl, "restart");
    return;
  }
  // CMD-RESTART-1: exactly stop then start, two rounds; config is never reread.
  await doStop(ctl, arg);
  await doStart(ctl, arg);
}

export async function doSignal(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const words = splitWords(arg);
  if (words.length < 2) {
    ctl.output("Error: signal requires a signal name and a process name");
    printHelp(ctl, "signal");
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  const [sig, ...names] = words as [string, ...string[]];
  const b = ctl.backend();
  await runVerb(ctl, names, {
    one: (n) => b.signalProcess(n, sig),
    group: (g) => b.signalProcessGroup(g, sig),
    all: () => b.signalAllProcesses(sig),
    line: (r) => signalResultLine(r),
    badGroupStatus: ExitStatus.GENERIC,
  });
}
