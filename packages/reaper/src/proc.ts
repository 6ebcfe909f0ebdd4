/**
 * Finds our zombie children by reading /proc: the kernel offers no "which of my children have exited" call
 * that does not also reap them (waitpid(-1) would steal libuv's children, waitid(WNOWAIT) with P_ALL cannot be
 * told to skip them), so we look first and reap one named pid at a time.
 */
import { readdirSync, readFileSync } from "node:fs";

import { parseProcStat } from "./proc-stat.js";

/**
 * Pids of processes in state Z whose parent is `parentPid`. A full /proc walk rather than
 * /proc/<pid>/task/<tid>/children, because the kernel documents the latter as unreliable while children come
 * and go, and a zombie missed here would wait for the next SIGCHLD, which may never come.
 */
export function listZombieChildren(parentPid: number, procRoot = "/proc"): number[] {
  const zombies: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return zombies;
  }
  for (const name of entries) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57) continue; // only the numeric (process) entries
    let text: string;
    try {
      text = readFileSync(`${procRoot}/${name}/stat`, "latin1");
    } catch {
      continue; // exited and was reaped since readdir
    }
    const stat = parseProcStat(text);
    if (stat !== undefined && stat.state === "Z" && stat.ppid === parentPid) zombies.push(stat.pid);
  }
  return zombies;
}
