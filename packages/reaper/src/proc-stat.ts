/**
 * The one parser of /proc/<pid>/stat, shared by the reaper (zombie children) and the engine (CPU/RSS of process
 * trees). Pure: no native code, no I/O, so the engine imports it as `@tsupervisord/reaper/proc-stat` without loading
 * the addon.
 */

/** The fields of /proc/<pid>/stat that tsupervisord reads (proc(5) numbering in the comments). */
export interface ProcStat {
  /** (1) */
  pid: number;
  /** (3) R, S, D, Z, T, … */
  state: string;
  /** (4) */
  ppid: number;
  /** (5) process group id. */
  pgrp: number;
  /** (14)–(17) CPU time in clock ticks: own user/system, and reaped children's user/system. */
  utime: number;
  stime: number;
  cutime: number;
  cstime: number;
  /** (20) */
  numThreads: number;
  /** (22) start time in clock ticks after boot. */
  starttime: number;
  /** (24) resident set size in pages. */
  rssPages: number;
}

/**
 * Parses /proc/<pid>/stat. The command name (field 2) is in parentheses and may itself contain spaces and
 * parentheses, so the fixed fields are read after the LAST `)`. Undefined when pid, state or ppid are unreadable;
 * later fields absent from a short line read as 0.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const pid = Number.parseInt(text.slice(0, open), 10);
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const rest = text.slice(close + 2).split(" ");
  const state = rest[0];
  const ppid = Number.parseInt(rest[1] ?? "", 10);
  if (!Number.isInteger(pid) || state === undefined || state === "" || !Number.isInteger(ppid)) return undefined;
  const field = (n: number): number => Number(rest[n - 3] ?? 0) || 0;
  return {
    pid,
    state,
    ppid,
    pgrp: field(5),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    numThreads: field(20),
    starttime: field(22),
    rssPages: field(24),
  };
}
