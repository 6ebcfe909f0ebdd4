/**
 * The /proc readers under the stats sampler (stats/tree.ts, stats/sampler.ts): one process's stat line (through the
 * reaper's parser), its children, the whole table where children files are missing, page size and uptime.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync } from "node:fs";
import { parseProcStat } from "@tsupervisord/reaper/proc-stat";

/** USER_HZ: /proc reports times in 1/100 s on every mainstream Linux architecture. */
export const CLOCK_TICKS = 100;

let pageSize: number | null = null;

/** Kernel page size from the first mapping of /proc/self/smaps (Node has no sysconf). */
export function getPageSize(): number {
  if (pageSize !== null) return pageSize;
  pageSize = 4096;
  try {
    const fd = openSync("/proc/self/smaps", "r");
    try {
      const buf = Buffer.alloc(8192);
      const n = readSync(fd, buf, 0, buf.length, 0);
      const match = /KernelPageSize:\s+(\d+) kB/.exec(buf.subarray(0, n).toString("latin1"));
      if (match?.[1] !== undefined) pageSize = Number(match[1]) * 1024;
    } finally {
      closeSync(fd);
    }
  } catch {
    // keep 4096
  }
  return pageSize;
}

export interface ProcEntry {
  ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks (reaped descendants are folded into cutime/cstime). */
  ticks: number;
  rssPages: number;
  /** Start time in clock ticks after boot. */
  starttime: number;
  threads: number;
  /** One letter: R, S, D, Z, T, … */
  state: string;
}

/** One /proc/<pid>/stat, through the parser the reaper uses too. */
function parseStat(text: string): ProcEntry | null {
  const stat = parseProcStat(text);
  if (stat === undefined) return null;
  return {
    ppid: stat.ppid,
    ticks: stat.utime + stat.stime + stat.cutime + stat.cstime,
    rssPages: stat.rssPages,
    starttime: stat.starttime,
    threads: stat.numThreads,
    state: stat.state,
  };
}

export function readStat(pid: number): ProcEntry | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return null; // the process went away while we looked
  }
}

/** The whole process table: only used where the kernel lacks /proc/<pid>/task/<tid>/children. */
export function scanProc(): Map<number, ProcEntry> {
  const table = new Map<number, ProcEntry>();
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return table;
  }
  for (const name of names) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const entry = readStat(Number(name));
    if (entry !== null) table.set(Number(name), entry);
  }
  return table;
}

let childrenFileSupported: boolean | null = null;

/** /proc/<pid>/task/<tid>/children needs Linux >= 3.5 with CONFIG_PROC_CHILDREN; checked once on ourselves. */
export function hasChildrenFile(): boolean {
  if (childrenFileSupported === null) childrenFileSupported = existsSync(`/proc/self/task/${process.pid}/children`);
  return childrenFileSupported;
}

/** Direct children of every thread of `pid` (a child belongs to the thread that forked it). */
export function childrenOf(pid: number, threads: number): number[] {
  let tids: string[];
  if (threads <= 1) {
    tids = [String(pid)]; // the common case: no readdir of task/
  } else {
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      return [];
    }
  }
  const out: number[] = [];
  for (const tid of tids) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, "latin1");
    } catch {
      continue;
    }
    for (const word of text.split(" ")) if (word !== "") out.push(Number(word));
  }
  return out;
}

export function readUptimeSeconds(): number | null {
  try {
    return Number(readFileSync("/proc/uptime", "latin1").split(" ")[0]);
  } catch {
    return null;
  }
}
