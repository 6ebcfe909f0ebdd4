/**
 * Signal names as supervisord prints and parses them (Python's `signal` module on Linux): `signame()` for log
 * lines and RAP-03 exit texts, `parseSignal()` for `signalProcess` (names with or without `SIG`, any case, or a
 * number that has a name).
 */
import { constants } from "node:os";

/** Number -> the name Python's signame() prints (spec RAP-03: SIGABRT for 6, SIGCHLD for 17, SIGPOLL for 29). */
const PYTHON_SIGNAMES: ReadonlyMap<number, string> = new Map([
  [1, "SIGHUP"],
  [2, "SIGINT"],
  [3, "SIGQUIT"],
  [4, "SIGILL"],
  [5, "SIGTRAP"],
  [6, "SIGABRT"],
  [7, "SIGBUS"],
  [8, "SIGFPE"],
  [9, "SIGKILL"],
  [10, "SIGUSR1"],
  [11, "SIGSEGV"],
  [12, "SIGUSR2"],
  [13, "SIGPIPE"],
  [14, "SIGALRM"],
  [15, "SIGTERM"],
  [16, "SIGSTKFLT"],
  [17, "SIGCHLD"],
  [18, "SIGCONT"],
  [19, "SIGSTOP"],
  [20, "SIGTSTP"],
  [21, "SIGTTIN"],
  [22, "SIGTTOU"],
  [23, "SIGURG"],
  [24, "SIGXCPU"],
  [25, "SIGXFSZ"],
  [26, "SIGVTALRM"],
  [27, "SIGPROF"],
  [28, "SIGWINCH"],
  [29, "SIGPOLL"],
  [30, "SIGPWR"],
  [31, "SIGSYS"],
  [34, "SIGRTMIN"],
  [64, "SIGRTMAX"],
]);

/** Extra names Python accepts when parsing (aliases of numbered signals above). */
const ALIASES: ReadonlyMap<string, number> = new Map([
  ["SIGIOT", 6],
  ["SIGCLD", 17],
  ["SIGIO", 29],
]);

const NUMBERS_BY_NAME: ReadonlyMap<string, number> = new Map([
  ...[...PYTHON_SIGNAMES].map(([num, name]) => [name, num] as [string, number]),
  ...ALIASES,
]);

/** `SIGTERM` for 15, `signal 40` for an unnamed signal (supervisord's signame). */
export function signame(signal: number): string {
  return PYTHON_SIGNAMES.get(signal) ?? `signal ${signal}`;
}

/** Number of a Node signal name (`SIGTERM`), as Node reports a child's terminating signal. */
export function signalNumberOfNodeName(name: string): number | undefined {
  const table = constants.signals as Record<string, number | undefined>;
  return table[name] ?? NUMBERS_BY_NAME.get(name);
}

/**
 * supervisord's `signal_number()`: an int (or numeric string) that names a signal, or a name with or without the
 * `SIG` prefix, case-insensitive. Returns undefined for anything else (the caller raises BAD_SIGNAL).
 */
export function parseSignal(value: string | number): number | undefined {
  // 0 is in supervisord's SIGNUMS (it is SIG_DFL's value): `signal 0 <name>` is the null signal, a liveness probe.
  const known = (num: number): number | undefined => (num === 0 || PYTHON_SIGNAMES.has(num) ? num : undefined);
  if (typeof value === "number") return known(Math.trunc(value));
  const text = value.trim();
  if (/^[+-]?\d+$/.test(text)) return known(Number.parseInt(text, 10));
  let name = text.toUpperCase();
  if (!name.startsWith("SIG")) name = `SIG${name}`;
  return NUMBERS_BY_NAME.get(name);
}

/** RAP-03 `<how>` text for a Node exit: `exit status 1`, `terminated by SIGKILL`. */
export function describeExit(code: number | null, signal: string | null): { exitstatus: number; how: string } {
  if (signal !== null) {
    const num = signalNumberOfNodeName(signal);
    return { exitstatus: -1, how: `terminated by ${num === undefined ? signal : signame(num)}` };
  }
  const status = code ?? 0;
  return { exitstatus: status, how: `exit status ${status}` };
}
