/** One /proc/<pid>/stat through the shared parser (@tsupervisord/reaper/proc-stat); null once the pid is gone. */
import fs from "node:fs";
import { parseProcStat, type ProcStat } from "@tsupervisord/reaper";

export function readProcStat(pid: number): ProcStat | null {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, "latin1")) ?? null;
  } catch {
    return null;
  }
}

/**
 * Is `pid` still the very process that started at `starttime` (clock ticks after boot, field 22)? A pid the
 * kernel handed to someone else since has another start time; a zombie has ended already.
 */
export function sameProcessAlive(pid: number, starttime: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.starttime === starttime && stat.state !== "Z" && stat.state !== "X";
}
