/**
 * Signals at run time. The tables (Python's `signal` names on Linux) live in `@tsupervisord/config`, which
 * already parses `stopsignal=` with them; here are the engine's uses: `signame()` for log lines and RAP-03 exit
 * texts, `parseSignal()` for `signalProcess` (undefined instead of a config error), and the mapping from the
 * signal names Node reports for a child's death.
 */
import { constants } from "node:os";
import { PYTHON_SIGNAL_ATTRIBUTES, parseSignal as parseConfigSignal, signame } from "@tsupervisord/config";

export { signame };

/** Number of a Node signal name (`SIGTERM`), as Node reports a child's terminating signal. */
export function signalNumberOfNodeName(name: string): number | undefined {
  const table = constants.signals as Record<string, number | undefined>;
  return table[name] ?? PYTHON_SIGNAL_ATTRIBUTES[name];
}

/**
 * supervisord's `signal_number()` for `signalProcess`: an int (or numeric string; a double is truncated) that
 * names a signal — 0, the null signal, included — or a name with or without `SIG`, any case. Undefined for
 * anything else (the caller raises BAD_SIGNAL).
 */
export function parseSignal(value: string | number): number | undefined {
  try {
    return parseConfigSignal(typeof value === "number" ? Math.trunc(value) : value).number;
  } catch {
    return undefined;
  }
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

/** One exit of a child as Node (and execa) report it: an exit code, or the name of the signal that ended it. */
export interface ExitRecord {
  readonly code: number | null;
  readonly signal: string | null;
}

/** supervisord's `exitstatus` reading of an exit (spec §5.3): the code, -1 for a signal death, 0 when unknown. */
export function exitStatusOf(exit: ExitRecord | null): number {
  if (exit === null) return 0;
  return exit.signal !== null ? -1 : (exit.code ?? 0);
}
