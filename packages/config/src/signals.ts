/**
 * Linux signal names and numbers as Python's `signal` module has them (spec §1.4 "signal" type), shared by
 * the config reader (`stopsignal=`), the engine (kills, `signame()` in log lines) and tsctl (`signal` command).
 */
import { ValueError } from "./errors.js";
import { pyInt, pyRepr, pyStrip } from "@tsupervisord/pycompat";

/** Every `SIG*` attribute of Python's `signal` module on Linux, with its number (aliases included). */
export const PYTHON_SIGNAL_ATTRIBUTES: Readonly<Record<string, number>> = {
  SIG_BLOCK: 0, SIG_DFL: 0, SIGHUP: 1, SIG_IGN: 1, SIG_UNBLOCK: 1, SIGINT: 2, SIG_SETMASK: 2, SIGQUIT: 3,
  SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11,
  SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCLD: 17, SIGCONT: 18,
  SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26,
  SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31, SIGRTMIN: 34, SIGRTMAX: 64,
};

/** Number -> canonical name with the SIG prefix, as supervisord's `signame()` prints it (`SIGABRT`, not `SIGIOT`). */
export const SIGNAL_NAMES: Readonly<Record<number, string>> = {
  1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE",
  9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM",
  16: "SIGSTKFLT", 17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU",
  23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH", 29: "SIGPOLL",
  30: "SIGPWR", 31: "SIGSYS", 34: "SIGRTMIN", 64: "SIGRTMAX",
};

/** The numbers `stopsignal=` accepts: values of every SIG* attribute ({0..31, 34, 64}). */
export const VALID_SIGNAL_NUMBERS: ReadonlySet<number> = new Set(Object.values(PYTHON_SIGNAL_ATTRIBUTES));

/** supervisord's `signame(n)`: `SIGTERM`, or `signal 99` for a number without a name. */
export function signame(num: number): string {
  return SIGNAL_NAMES[num] ?? `signal ${num}`;
}

export interface ParsedSignal {
  /** Without the SIG prefix (`TERM`), or `signal N` style number text when the number has no name. */
  name: string;
  number: number;
}

/**
 * supervisord's `signal_number()` (TYP-01): an integer in the valid set, or a name (trimmed, upper-cased,
 * `SIG` added when missing) of a Python `signal` attribute. Throws ValueError with supervisord's wording.
 */
export function parseSignal(value: string | number): ParsedSignal {
  let num: number | null = typeof value === "number" ? value : pyInt(value);
  if (num === null) {
    let name = pyStrip(String(value)).toUpperCase();
    if (!name.startsWith("SIG")) name = "SIG" + name;
    const found = Object.prototype.hasOwnProperty.call(PYTHON_SIGNAL_ATTRIBUTES, name)
      ? PYTHON_SIGNAL_ATTRIBUTES[name]
      : undefined;
    if (found === undefined) throw new ValueError(`value ${pyRepr(String(value))} is not a valid signal name`);
    num = found;
  }
  if (!VALID_SIGNAL_NUMBERS.has(num)) {
    throw new ValueError(`value ${typeof value === "number" ? String(value) : pyRepr(value)} is not a valid signal number`);
  }
  const full = SIGNAL_NAMES[num];
  return { name: full ? full.slice(3) : String(num), number: num };
}

