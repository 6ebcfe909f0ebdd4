/**
 * One reading of a program's whole process tree from /proc: its members (pid + start time, so a reused pid is
 * never mistaken for a member), CPU seconds, RSS and open fds. Membership comes from the program's cgroup when
 * it has one (descendants that were re-parented away are still members there), else from walking the
 * `/proc/<pid>/task/<tid>/children` files down from the root (or the whole table where the kernel lacks them).
 */
import { readdirSync } from "node:fs";
import { CLOCK_TICKS, childrenOf, getPageSize, hasChildrenFile, readStat, scanProc } from "../proc-stats.js";
import type { ProcEntry } from "../proc-stats.js";

export interface TreeMember {
  pid: number;
  /** Start time in clock ticks after boot: (pid, starttime) names one process for its whole life. */
  starttime: number;
}

export interface TreeReading {
  root: number;
  members: TreeMember[];
  /** utime + stime (+ reaped children's) of every member, in seconds. */
  cpuSeconds: number;
  rssBytes: number;
  /** Open file descriptors of every member (null when /proc/<pid>/fd could not be read, e.g. another user's). */
  fds: number | null;
  /** The root's start time, to tell a new process on a reused pid. */
  rootStarttime: number;
}

/** Counts /proc/<pid>/fd; null when not readable. */
export function countFds(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

function sum(root: number, entries: Map<number, ProcEntry>, withFds: boolean): TreeReading | null {
  const rootEntry = entries.get(root);
  if (rootEntry === undefined) return null;
  const page = getPageSize();
  let ticks = 0;
  let rss = 0;
  let fds: number | null = withFds ? 0 : null;
  const members: TreeMember[] = [];
  for (const [pid, entry] of entries) {
    members.push({ pid, starttime: entry.starttime });
    ticks += entry.ticks;
    rss += entry.rssPages * page;
    if (fds !== null) {
      const n = countFds(pid);
      fds = n === null ? null : fds + n;
    }
  }
  return { root, members, cpuSeconds: ticks / CLOCK_TICKS, rssBytes: rss, fds, rootStarttime: rootEntry.starttime };
}

/**
 * The tree under `root`: `walk` follows the children files down from it (a few reads per member; the default
 * where the kernel has them), `scan` reads the whole process table (the fallback).
 */
export function readTree(root: number, withFds = true, mode: "walk" | "scan" = hasChildrenFile() ? "walk" : "scan"): TreeReading | null {
  const entries = new Map<number, ProcEntry>();
  if (mode === "walk") {
    const stack = [root];
    while (stack.length > 0) {
      const pid = stack.pop() as number;
      if (entries.has(pid)) continue;
      const entry = readStat(pid);
      if (entry === null) continue;
      entries.set(pid, entry);
      for (const kid of childrenOf(pid, entry.threads)) stack.push(kid);
    }
  } else {
    const table = scanProc();
    const stack = [root];
    const kids = new Map<number, number[]>();
    for (const [pid, e] of table) {
      let list = kids.get(e.ppid);
      if (list === undefined) kids.set(e.ppid, (list = []));
      list.push(pid);
    }
    while (stack.length > 0) {
      const pid = stack.pop() as number;
      const entry = table.get(pid);
      if (entry === undefined || entries.has(pid)) continue;
      entries.set(pid, entry);
      stack.push(...(kids.get(pid) ?? []));
    }
  }
  return sum(root, entries, withFds);
}

/** The members a cgroup lists (plus the root, should it not be in there), read from /proc. */
export function readGroupMembers(root: number, pids: readonly number[], withFds = true): TreeReading | null {
  const entries = new Map<number, ProcEntry>();
  for (const pid of [root, ...pids]) {
    if (entries.has(pid)) continue;
    const entry = readStat(pid);
    if (entry !== null) entries.set(pid, entry);
  }
  return sum(root, entries, withFds);
}

/** Whether (pid, starttime) still names a live process (and not a zombie waiting for its parent). */
export function isAlive(member: TreeMember): boolean {
  const entry = readStat(member.pid);
  return entry !== null && entry.starttime === member.starttime && entry.state !== "Z";
}
