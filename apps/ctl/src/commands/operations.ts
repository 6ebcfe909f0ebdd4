/**
 * issue 18's tsctl additions: `restart --rolling [--batch N] [--wait ready|running]`, `--no-wait` on start, stop
 * and restart (an operation id at once), `wait op ID`, `operations`, `reload NAME…`, and `restart` of a process
 * with `restartsignal=` (that signal instead of stop+start). Without these flags, commands and keys,
 * supervisorctl's output is untouched.
 */
import type { CtlBackend, OperationInfo, OperationMessage, ProcessInfo, ProcessResult } from "../backend.js";
import type { Controller } from "../controller.js";
import { resultLine } from "../faults.js";
import { makeNamespec } from "@tsupervisord/pycompat";
import { ExitStatus } from "../states.js";
import { selectsProcess, splitWords } from "./types.js";
import { errorCodeFromFault, isSupervisorError } from "@tsupervisord/errors";

/** `wait op` interrupted by Ctrl-C: the operation goes on; the wait ends as a SIGINT-ended command does. */
const WAIT_INTERRUPTED = 130;

export interface OperationFlags {
  rolling: boolean;
  noWait: boolean;
  batch: number | null;
  wait: "running" | "ready" | null;
  names: string[];
}

/**
 * The issue-18 flags of start/stop/restart, or null when none is present (then the command is supervisorctl's).
 * Throws a usage message for a bad value.
 */
function takeOperationFlags(words: readonly string[]): OperationFlags | null {
  const flags: OperationFlags = { rolling: false, noWait: false, batch: null, wait: null, names: [] };
  let any = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const eq = w.indexOf("=");
    const [flag, inline] = w.startsWith("--") && eq > 0 ? [w.slice(0, eq), w.slice(eq + 1)] : [w, undefined];
    if (flag === "--rolling") flags.rolling = any = true;
    else if (flag === "--no-wait") flags.noWait = any = true;
    else if (flag === "--batch" || flag === "--wait") {
      any = true;
      const value = inline ?? words[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      if (flag === "--batch") {
        if (!/^[1-9]\d*$/u.test(value)) throw new UsageError(`--batch ${value}: expected a number of processes (1 or more)`);
        flags.batch = Number(value);
      } else {
        if (value !== "running" && value !== "ready") throw new UsageError(`--wait ${value}: expected running or ready`);
        flags.wait = value;
      }
    } else flags.names.push(w);
  }
  if (!any) return null;
  if (!flags.rolling && (flags.batch !== null || flags.wait !== null)) throw new UsageError("--batch and --wait go with --rolling");
  return flags;
}

class UsageError extends Error {}

/** The flags of `arg`, null without any, "usage" after printing why they are wrong. */
export function operationFlagsOf(ctl: Controller, verb: string, arg: string): OperationFlags | null | "usage" {
  try {
    return takeOperationFlags(splitWords(arg));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    ctl.output(`Error: ${err.message}`);
    ctl.output(`usage: ${verb} [--no-wait]${verb === "restart" ? " [--rolling [--batch N] [--wait running|ready]]" : ""} NAME...`);
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    return "usage";
  }
}

/** The operation backend, or null (printed) when the daemon's client has none (XML-RPC). */
function operationsOf(ctl: Controller): Required<Pick<CtlBackend, "beginOperation" | "followOperation" | "cancelOperation" | "listOperations">> | null {
  const b = ctl.backend();
  if (b.beginOperation === undefined || b.followOperation === undefined || b.cancelOperation === undefined || b.listOperations === undefined) {
    ctl.output("Error: operations need tsupervisord's gRPC API (not available over XML-RPC)");
    ctl.exitstatus = ExitStatus.UNIMPLEMENTED_FEATURE;
    return null;
  }
  return {
    beginOperation: b.beginOperation.bind(b),
    followOperation: b.followOperation.bind(b),
    cancelOperation: b.cancelOperation.bind(b),
    listOperations: b.listOperations.bind(b),
  };
}

/** start/stop/restart with --rolling or --no-wait: begin the operation, then follow it unless --no-wait. */
export async function runOperationVerb(ctl: Controller, verb: "start" | "stop" | "restart", flags: OperationFlags): Promise<void> {
  if (flags.names.length === 0) {
    ctl.output(`Error: ${verb} requires a process name`);
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    return;
  }
  if (flags.rolling && verb !== "restart") {
    ctl.output(`Error: --rolling goes with restart`);
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    return;
  }
  const ops = operationsOf(ctl);
  if (ops === null) return;
  let op: OperationInfo;
  try {
    op = await ops.beginOperation({
      action: flags.rolling ? "rolling-restart" : verb,
      names: flags.names,
      ...(flags.batch !== null ? { batch: flags.batch } : {}),
      ...(flags.wait !== null ? { wait: flags.wait } : {}),
    });
  } catch (err) {
    if (!isSupervisorError(err)) throw err;
    // Nothing began (a bad name, bad arguments, shutting down).
    ctl.output(`Error: ${err.message}`);
    ctl.setExitFromFault(err.fault);
    return;
  }
  if (flags.noWait) {
    ctl.output(`operation ${op.id}: ${op.description} (tsctl wait op ${op.id} to follow it)`);
    return;
  }
  await followOperation(ctl, op.id);
}

/** `wait op ID`: the operation's progress until it ends; the exit status is its outcome. */
export async function doWaitOperation(ctl: Controller, words: readonly string[]): Promise<void> {
  const id = words[0];
  if (words.length !== 1 || id === undefined || !/^[1-9]\d*$/u.test(id)) {
    ctl.output("Error: usage: wait op ID");
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    return;
  }
  if (!(await ctl.upcheck())) return;
  if (operationsOf(ctl) === null) return;
  await followOperation(ctl, Number(id));
}

/**
 * Prints each step as it comes. Ctrl-C ends the wait only (the daemon carries on) and says how to follow again;
 * at the end the exit status is 0 when the operation succeeded, 1 otherwise.
 */
async function followOperation(ctl: Controller, id: number): Promise<void> {
  const ops = operationsOf(ctl) as NonNullable<ReturnType<typeof operationsOf>>;
  let end: OperationInfo | null = null;
  let interrupted = false;
  try {
    await ctl.interruptible(async (signal) => {
      for await (const message of ops.followOperation(id, signal)) {
        if (message.kind === "done") end = message.operation;
        else ctl.output(stepLine(message));
      }
      interrupted = signal.aborted;
    });
  } catch (err) {
    if (!isSupervisorError(err) || err.code !== "BAD_NAME") throw err;
    ctl.output(`Error: no such operation ${id} (only running and recently finished ones are kept)`);
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    return;
  }
  const done = end as OperationInfo | null;
  if (done === null && !interrupted) {
    ctl.output(`Error: the daemon ended the stream before operation ${id} finished (shutting down or restarting)`);
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  if (done === null) {
    ctl.output(`operation ${id} continues in the daemon; tsctl wait op ${id} to follow it`);
    ctl.exitstatus = WAIT_INTERRUPTED;
    return;
  }
  ctl.output(`operation ${id} ${done.state}: ${done.summary}`);
  ctl.exitstatus = done.state === "succeeded" ? ExitStatus.SUCCESS : ExitStatus.GENERIC;
}

const SUCCESS_WORDS: Readonly<Record<string, string>> = { start: "started", stop: "stopped", restart: "restarted", reload: "reloaded" };

function stepLine(step: Extract<OperationMessage, { kind: "step" }>): string {
  if (step.result === null) return step.text;
  return processLine(step.verb, step.result);
}

/** supervisorctl's wording for start/stop results; `name: restarted` / `name: ERROR (why)` for the others. */
function processLine(verb: string, result: ProcessResult): string {
  const ns = makeNamespec(result.group, result.name);
  if (verb === "start" || verb === "stop") {
    try {
      return resultLine(verb, result, ns);
    } catch {
      // a code supervisorctl has no words for: the generic form below
    }
  }
  if (errorCodeFromFault(result.status) === "SUCCESS") return `${ns}: ${SUCCESS_WORDS[verb] ?? verb}`;
  return `${ns}: ERROR (${result.description})`;
}

/** `operations`: running and recently finished operations, oldest first. */
export async function doOperations(ctl: Controller, arg: string): Promise<void> {
  if (arg.trim() !== "") {
    ctl.output("Error: operations accepts no arguments");
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    return;
  }
  if (!(await ctl.upcheck())) return;
  const ops = operationsOf(ctl);
  if (ops === null) return;
  for (const op of await ops.listOperations()) {
    ctl.output(`${String(op.id).padEnd(5)} ${op.state.padEnd(10)} ${op.description}${op.summary !== "" ? ` (${op.summary})` : ""}`);
  }
}

/** `cancel op ID`: ask the daemon to stop a running operation at its next safe point. */
export async function doCancel(ctl: Controller, arg: string): Promise<void> {
  const words = splitWords(arg);
  const id = words[1];
  if (words.length !== 2 || words[0] !== "op" || id === undefined || !/^[1-9]\d*$/u.test(id)) {
    ctl.output("Error: usage: cancel op ID");
    ctl.exitstatus = ExitStatus.INVALID_ARGS;
    return;
  }
  if (!(await ctl.upcheck())) return;
  const ops = operationsOf(ctl);
  if (ops === null) return;
  if (await ops.cancelOperation(Number(id))) ctl.output(`operation ${id}: cancelling`);
  else ctl.output(`operation ${id}: already finished`);
}

// ---- restartsignal ------------------------------------------------------------------------------------------

/**
 * Splits restart's names into the processes to reload (they have `restartsignal=`) and the names to restart as
 * supervisorctl does. Names are left exactly as given unless a selector covers a process with a restartsignal;
 * then that selector becomes its other members. Over XML-RPC (no restart signals known) nothing is split.
 */
export async function splitGraceful(ctl: Controller, names: readonly string[]): Promise<{ graceful: string[]; plain: string[] }> {
  const b = ctl.backend();
  if (b.reloadProcesses === undefined) return { graceful: [], plain: [...names] };
  const infos = await b.getAllProcessInfo();
  if (!infos.some(hasRestartSignal)) return { graceful: [], plain: [...names] };
  const graceful: string[] = [];
  const plain: string[] = [];
  const add = (list: string[], ns: string): void => void (list.includes(ns) ? undefined : list.push(ns));
  for (const name of names) {
    const members = selected(infos, name);
    if (!members.some(hasRestartSignal)) {
      add(plain, name);
      continue;
    }
    for (const info of members) add(hasRestartSignal(info) ? graceful : plain, makeNamespec(info.group, info.name));
  }
  return { graceful, plain };
}

/** `reload NAME…` (and restart's graceful part): each process gets its restartsignal. */
export async function reloadProcesses(ctl: Controller, names: readonly string[]): Promise<void> {
  const b = ctl.backend();
  if (b.reloadProcesses === undefined) {
    ctl.output("Error: reload NAME needs tsupervisord's gRPC API (not available over XML-RPC)");
    ctl.exitstatus = ExitStatus.UNIMPLEMENTED_FEATURE;
    return;
  }
  const signals = new Map((await b.getAllProcessInfo()).map((i) => [makeNamespec(i.group, i.name), i.restartSignal ?? ""]));
  for (const result of await b.reloadProcesses([...names])) {
    const ns = makeNamespec(result.group, result.name);
    if (errorCodeFromFault(result.status) === "SUCCESS") ctl.output(`${ns}: reloaded (SIG${signals.get(ns) ?? "?"})`);
    else {
      ctl.output(`${ns}: ERROR (${result.description})`);
      ctl.setExitFromFault(result.status);
    }
  }
}

function hasRestartSignal(info: ProcessInfo): boolean {
  return info.restartSignal !== undefined && info.restartSignal !== "";
}

/** The processes a selector names (`all`, `g:*`, `g:`, `g:n`, `n`); [] for an unknown one. */
export function selected(infos: readonly ProcessInfo[], name: string): ProcessInfo[] {
  return infos.filter((info) => selectsProcess(info, name));
}
