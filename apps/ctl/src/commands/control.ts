/** start, stop, restart, signal (CMD-START-*, CMD-STOP-*, CMD-RESTART-1, CMD-SIGNAL-*). */
import { ErrorCodes, isSupervisorError } from "@tsupervisord/errors";
import type { ProcessResult } from "../backend.js";
import type { Controller } from "../controller.js";
import { HELP_TEXTS } from "../help.js";
import { makeNamespec, splitNamespec } from "@tsupervisord/pycompat";
import { ExitStatus } from "../states.js";
import { resultLine } from "../faults.js";
import { splitWords } from "./types.js";
import { noteRunningDependents, runningDependents, takeWithDependents } from "./readiness.js";
import { operationFlagsOf, reloadProcesses, runOperationVerb, splitGraceful } from "./operations.js";

const F = ErrorCodes;

function printHelp(ctl: Controller, action: string): void {
  for (const line of HELP_TEXTS[action] ?? []) ctl.output(line);
}

/** supervisorctl's `_startresult`; an unexpected code is an error, as the Python client's ValueError. */
export function startResultLine(result: ProcessResult): string {
  // issue 14: a depends_on that can no longer be met (supervisord never answers startProcess so; any other FAILED
  // stays supervisorctl's "Unknown result code" error).
  const unmet = /^(?:FAILED: )?(dependency not met: .*)$/su.exec(result.description);
  if (result.status === F.FAILED && unmet !== null) {
    return `${makeNamespec(result.group, result.name)}: ERROR (${unmet[1] ?? ""})`;
  }
  return resultLine("start", result, makeNamespec(result.group, result.name));
}

/** supervisorctl's `_signalresult` (also `_stopresult` with success word `stopped`). */
export function signalResultLine(result: ProcessResult, success = "signalled"): string {
  return resultLine(success === "stopped" ? "stop" : "signal", result, makeNamespec(result.group, result.name));
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
    const { group, process } = splitNamespec(name);
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
  const flags = operationFlagsOf(ctl, "start", arg); // issue 18: --no-wait
  if (flags === "usage") return;
  if (!(await ctl.upcheck())) return;
  if (flags !== null) return runOperationVerb(ctl, "start", flags);
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
  const flags = operationFlagsOf(ctl, "stop", arg); // issue 18: --no-wait
  if (flags === "usage") return;
  if (!(await ctl.upcheck())) return;
  if (flags !== null) return runOperationVerb(ctl, "stop", flags);
  // issue 14: --with-dependents stops what depends on the targets first; without it a note names them.
  const { words: names, withDependents } = takeWithDependents(splitWords(arg));
  if (names.length === 0) {
    ctl.output("Error: stop requires a process name");
    ctl.exitstatus = ExitStatus.GENERIC;
    printHelp(ctl, "stop");
    return;
  }
  const b = ctl.backend();
  const verb: Verb = {
    one: (n) => b.stopProcess(n),
    group: (g) => b.stopProcessGroup(g),
    all: () => b.stopAllProcesses(),
    line: (r) => signalResultLine(r, "stopped"),
    ignored: F.NOT_RUNNING,
    badGroupStatus: ExitStatus.GENERIC,
  };
  if (withDependents && !names.includes("all")) {
    const first = runningDependents(await b.getAllProcessInfo(), names).map((p) => makeNamespec(p.group, p.name));
    await runVerb(ctl, first, verb);
  }
  await runVerb(ctl, names, verb);
  if (!withDependents && !names.includes("all")) await noteRunningDependents(ctl, names);
}

export async function doRestart(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  if (splitWords(arg).length === 0) {
    ctl.output("Error: restart requires a process name");
    ctl.exitstatus = ExitStatus.GENERIC;
    printHelp(ctl, "restart");
    return;
  }
  // issue 18: --rolling / --no-wait run as a daemon operation; restartsignal= processes are reloaded instead.
  const flags = operationFlagsOf(ctl, "restart", arg);
  if (flags === "usage") return;
  if (flags !== null) return runOperationVerb(ctl, "restart", flags);
  const { graceful, plain } = await splitGraceful(ctl, splitWords(arg));
  if (graceful.length > 0) await reloadProcesses(ctl, graceful);
  if (plain.length === 0) return;
  // CMD-RESTART-1: exactly stop then start, two rounds; config is never reread.
  await doStop(ctl, plain.join(" "));
  await doStart(ctl, plain.join(" "));
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
