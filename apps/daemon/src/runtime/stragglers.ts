import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * After a shutdown has stopped every program, members of the programs' process groups may still be winding
 * down: a shell that trapped SIGTERM and exited leaves its `sleep 1 &` behind for up to a second. supervisord
 * takes long enough to exit that they are gone by the time it does; tsupervisord exits at once, so it waits for
 * them, briefly and boundedly (they are not signalled: without stopasgroup/killasgroup supervisord does not
 * signal them either). Programs run detached, so each one's pid is its process group id.
 */
export async function waitForProcessGroupsToEmpty(pgids: ReadonlySet<number>, maxWaitMs = 2000): Promise<number> {
  if (pgids.size === 0) return 0;
  const deadline = Date.now() + maxWaitMs;
  let remaining = membersOf(pgids);
  while (remaining > 0 && Date.now() < deadline) {
    // Bounded, exit-time only: no event tells us when an orphaned grandchild exits.
    await sleep(50);
    remaining = membersOf(pgids);
  }
  return remaining;
}

function membersOf(pgids: ReadonlySet<number>): number {
  let count = 0;
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] !== "Z" && pgids.has(Number(fields[2]))) count += 1;
    } catch {
      // Exited while we looked.
    }
  }
  return count;
}
