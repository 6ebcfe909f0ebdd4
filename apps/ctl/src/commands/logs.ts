/** tail, maintail, clear, fg (CMD-TAIL-*, CMD-MAINTAIL-1, CMD-CLEAR-1, CMD-FG-*). */
import { ErrorCodes, isSupervisorError } from "@tsupervisord/errors";
import type { LogChannel, ProcessResult } from "../backend.js";
import type { Controller } from "../controller.js";
import { HELP_TEXTS } from "../help.js";
import { makeNamespec, splitNamespec } from "@tsupervisord/pycompat";
import { ProcessStates, pyInt, pyRepr } from "@tsupervisord/pycompat";
import { ExitStatus } from "../states.js";
import { resultLine } from "../faults.js";
import { splitWords } from "./types.js";

function printHelp(ctl: Controller, action: string): void {
  for (const line of HELP_TEXTS[action] ?? []) ctl.output(line);
}

/** The log of a missing process or a NONE log: what the streaming tail's HTTP face would answer. */
function streamErrorStatus(err: unknown): number {
  return isSupervisorError(err) && (err.code === "BAD_NAME" || err.code === "NO_FILE") ? 404 : 500;
}

/**
 * `tail -f` / `maintail -f` (CMD-TAIL-3): the banner, then the stream until Ctrl-C, which prints a newline.
 * A stream that fails is reported on stderr as supervisorctl's HTTP client does, without changing the status.
 */
async function follow(
  ctl: Controller,
  path: string,
  run: (sink: (data: Uint8Array) => void, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  ctl.output("==> Press Ctrl-C to exit <==");
  await ctl.interruptible(async (signal) => {
    try {
      await run((data) => ctl.term.writeBytes(data), signal);
    } catch (err) {
      if (!signal.aborted) {
        if (!isSupervisorError(err)) throw err;
        ctl.term.writeError(`${ctl.serverurl}${path} Cannot read, status code ${streamErrorStatus(err)}\n`);
        return;
      }
    }
    if (signal.aborted) ctl.output("");
  });
}

export async function doTail(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const args = splitWords(arg);
  if (args.length < 1) {
    ctl.output("Error: too few arguments");
    ctl.exitstatus = ExitStatus.GENERIC;
    printHelp(ctl, "tail");
    return;
  }
  if (args.length > 3) {
    ctl.output("Error: too many arguments");
    ctl.exitstatus = ExitStatus.GENERIC;
    printHelp(ctl, "tail");
    return;
  }
  const modifier = (args[0] as string).startsWith("-") ? (args.shift() as string) : null;
  let name: string;
  let channel: string;
  if (args.length === 1) {
    name = args[0] as string;
    channel = "stdout";
  } else if (args.length > 0) {
    name = args[0] as string;
    channel = (args[args.length - 1] as string).toLowerCase();
    if (channel !== "stdout" && channel !== "stderr") {
      ctl.output(`Error: bad channel ${pyRepr(channel)}`);
      ctl.exitstatus = ExitStatus.GENERIC;
      return;
    }
  } else {
    ctl.output("Error: tail requires process name");
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  let bytes: number | null = 1600;
  if (modifier !== null) {
    const what = modifier.slice(1);
    if (what === "f") bytes = null;
    else {
      bytes = pyInt(what);
      if (bytes === null) {
        ctl.output(`Error: bad argument ${modifier}`);
        ctl.exitstatus = ExitStatus.GENERIC;
        return;
      }
    }
  }
  const ch = channel as LogChannel;
  const backend = ctl.backend();
  if (bytes === null) {
    await follow(ctl, `/logtail/${name}/${ch}`, (sink, signal) => backend.followProcessLog(name, ch, sink, signal));
    return;
  }
  let data: Uint8Array;
  try {
    data = await backend.readProcessLog(name, ch, -bytes, 0);
  } catch (err) {
    if (!isSupervisorError(err)) throw err;
    ctl.exitstatus = ExitStatus.GENERIC;
    if (err.code === "NO_FILE") ctl.output(`${name}: ERROR (no log file)`);
    else if (err.code === "FAILED") ctl.output(`${name}: ERROR (unknown error reading log)`);
    else if (err.code === "BAD_NAME") ctl.output(`${name}: ERROR (no such process name)`);
    else throw err;
    return;
  }
  ctl.term.writeBytes(data);
  ctl.output("");
}

export async function doMaintail(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const args = splitWords(arg);
  let bytes = 1600;
  if (args.length > 1) {
    ctl.output("Error: too many arguments");
    ctl.exitstatus = ExitStatus.GENERIC;
    printHelp(ctl, "maintail");
    return;
  }
  if (args.length === 1) {
    const only = args[0] as string;
    if (!only.startsWith("-")) {
      ctl.output(`Error: bad argument ${only}`);
      ctl.exitstatus = ExitStatus.GENERIC;
      return;
    }
    const what = only.slice(1);
    if (what === "f") {
      const backend = ctl.backend();
      await follow(ctl, "/mainlogtail", (sink, signal) => backend.followMainLog(sink, signal));
      return;
    }
    const n = pyInt(what);
    if (n === null) {
      ctl.output(`Error: bad argument ${only}`);
      ctl.exitstatus = ExitStatus.GENERIC;
      return;
    }
    bytes = n;
  }
  let data: Uint8Array;
  try {
    data = await ctl.backend().readMainLog(-bytes, 0);
  } catch (err) {
    if (!isSupervisorError(err)) throw err;
    ctl.exitstatus = ExitStatus.GENERIC;
    if (err.code === "NO_FILE") ctl.output("supervisord: ERROR (no log file)");
    else if (err.code === "FAILED") ctl.output("supervisord: ERROR (unknown error reading log)");
    else throw err;
    return;
  }
  ctl.term.writeBytes(data);
  ctl.output("");
}

export function clearResultLine(result: ProcessResult): string {
  return resultLine("clear", result, makeNamespec(result.group, result.name));
}

export async function doClear(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = splitWords(arg);
  if (names.length === 0) {
    ctl.output("Error: clear requires a process name");
    ctl.exitstatus = ExitStatus.GENERIC;
    printHelp(ctl, "clear");
    return;
  }
  const backend = ctl.backend();
  const report = (result: ProcessResult): void => {
    ctl.output(clearResultLine(result));
    ctl.setExitFromFault(result.status);
  };
  if (names.includes("all")) {
    for (const result of await backend.clearAllProcessLogs()) report(result);
    return;
  }
  for (const name of names) {
    // `g:*` is not a selector here: it prints `g:None: ERROR (no such process)`, as observed.
    const { group, process } = splitNamespec(name);
    try {
      await backend.clearProcessLogs(name);
    } catch (err) {
      if (!isSupervisorError(err)) throw err;
      report({ status: err.fault, group, name: process ?? "None", description: err.faultString });
      continue;
    }
    report({ status: ErrorCodes.SUCCESS, group, name: process ?? "None", description: "OK" });
  }
}

export async function doFg(ctl: Controller, arg: string): Promise<void> {
  if (!(await ctl.upcheck())) return;
  const names = splitWords(arg);
  if (names.length === 0) {
    ctl.output("ERROR: no process name supplied");
    ctl.exitstatus = ExitStatus.GENERIC;
    printHelp(ctl, "fg");
    return;
  }
  if (names.length > 1) {
    ctl.output("ERROR: too many process names supplied");
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  const name = names[0] as string;
  const backend = ctl.backend();
  try {
    const info = await backend.getProcessInfo(name);
    if (info.state !== ProcessStates.RUNNING) {
      ctl.output("ERROR: process not running");
      ctl.exitstatus = ExitStatus.GENERIC;
      return;
    }
  } catch (err) {
    if (!isSupervisorError(err)) throw err;
    if (err.code === "BAD_NAME") {
      ctl.output("ERROR: bad process name supplied");
      ctl.exitstatus = ExitStatus.GENERIC;
    } else ctl.output(`ERROR: ${err.faultString}`);
    return;
  }
  ctl.output("==> Press Ctrl-C to exit <==");
  await ctl.interruptible(async (signal) => {
    // Both logs are followed for as long as we are in the foreground; their failures end nothing.
    const streams = new AbortController();
    const stop = (): void => streams.abort();
    signal.addEventListener("abort", stop, { once: true });
    const sink = (data: Uint8Array): void => ctl.term.writeBytes(data);
    const followers = (["stdout", "stderr"] as const).map((ch) =>
      backend.followProcessLog(name, ch, sink, streams.signal).catch(() => undefined),
    );
    try {
      await feedStdin(ctl, name, signal);
    } finally {
      stop();
      signal.removeEventListener("abort", stop);
      await Promise.all(followers);
    }
  });
  ctl.output("Exiting foreground");
}

/** CMD-FG-2: every input line + `\n` to the process; leave when it dies, on Ctrl-C or Ctrl-D. */
async function feedStdin(ctl: Controller, name: string, signal: AbortSignal): Promise<void> {
  const backend = ctl.backend();
  while (!signal.aborted) {
    const line = await ctl.term.readLine("", signal);
    if (line === null || signal.aborted) return;
    try {
      await backend.sendProcessStdin(name, `${line}\n`);
    } catch (err) {
      if (!isSupervisorError(err)) throw err;
      ctl.output(err.code === "NOT_RUNNING" ? "Process got killed" : `ERROR: ${err.faultString}`);
      return;
    }
    const info = await backend.getProcessInfo(name);
    if (info.state !== ProcessStates.RUNNING) {
      ctl.output("Process got killed");
      return;
    }
  }
}
