/**
 * CPU and memory of a process tree, read from /proc on demand (never polled). CPU is the share of one core used
 * since the previous query for the same root pid (or since the process started, on the first query).
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

/**
 * The stat entries of `roots` and all their descendants, read by walking the children files down from each root:
 * a handful of /proc reads per supervised process instead of one per process on the machine.
 */
function readTrees(roots: number[]): { table: Map<number, ProcEntry>; children: Map<number, number[]> } {
  const table = new Map<number, ProcEntry>();
  const children = new Map<number, number[]>();
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (table.has(pid)) continue;
    const entry = readStat(pid);
    if (entry === null) continue;
    table.set(pid, entry);
    const kids = childrenOf(pid, entry.threads);
    children.set(pid, kids);
    for (const kid of kids) stack.push(kid);
  }
  return { table, children };
}

/** The full table and a parent → children index built from it (the fallback). */
function scanTrees(): { table: Map<number, ProcEntry>; children: Map<number, number[]> } {
  const table = scanProc();
  const children = new Map<number, number[]>();
  for (const [pid, entry] of table) {
    let list = children.get(entry.ppid);
    if (list === undefined) children.set(entry.ppid, (list = []));
    list.push(pid);
  }
  return { table, children };
}

export function readUptimeSeconds(): number | null {
  try {
    return Number(readFileSync("/proc/uptime", "latin1").split(" ")[0]);
  } catch {
    return null;
  }
}

export interface TreeStats {
  cpuPercent: number | null;
  rssBytes: number;
}

/** Remembers the previous sample of each root pid so CPU is a rate between two queries. */
export class ProcessTreeSampler {
  /** `walk`: follow the children files (default where the kernel has them); `scan`: read the whole table. */
  constructor(private readonly mode: "walk" | "scan" = hasChildrenFile() ? "walk" : "scan") {}

  private readonly previous = new Map<number, { ticks: number; at: number; starttime: number }>();

  sample(rootPids: number[], nowMs: number): Map<number, TreeStats> {
    const out = new Map<number, TreeStats>();
    if (rootPids.length === 0) return out;
    const { table, children } = this.mode === "walk" ? readTrees(rootPids) : scanTrees();
    const page = getPageSize();
    const uptime = readUptimeSeconds();
    for (const root of rootPids) {
      const rootEntry = table.get(root);
      if (rootEntry === undefined) continue;
      let ticks = 0;
      let rss = 0;
      const stack = [root];
      const seen = new Set<number>();
      while (stack.length > 0) {
        const pid = stack.pop() as number;
        if (seen.has(pid)) continue;
        seen.add(pid);
        const entry = table.get(pid);
        if (entry === undefined) continue;
        ticks += entry.ticks;
        rss += entry.rssPages * page;
        for (const child of children.get(pid) ?? []) stack.push(child);
      }
      let cpuPercent: number | null = null;
      const prev = this.previous.get(root);
      // A different starttime means the pid was reused by a new process: its rate starts afresh.
      if (prev !== undefined && prev.starttime === rootEntry.starttime && nowMs > prev.at) {
        cpuPercent = (Math.max(0, ticks - prev.ticks) / CLOCK_TICKS / ((nowMs - prev.at) / 1000)) * 100;
      } else if (uptime !== null) {
        const elapsed = uptime - rootEntry.starttime / CLOCK_TICKS;
        cpuPercent = elapsed > 0 ? (ticks / CLOCK_TICKS / elapsed) * 100 : 0;
      }
      this.previous.set(root, { ticks, at: nowMs, starttime: rootEntry.starttime });
      out.set(root, { cpuPercent, rssBytes: rss });
    }
    // Forget pids that are gone so the map stays bounded (only the few not sampled this time need a look).
    if (this.previous.size > out.size) {
      for (const pid of this.previous.keys()) {
        if (!out.has(pid) && !table.has(pid) && !existsSync(`/proc/${pid}`)) this.previous.delete(pid);
      }
    }
    return out;
  }
}
