/**
 * The shutdown sweep: after every supervised process has stopped, members of their process groups may still be
 * alive — e.g. `sleep 1 &` of a shell script that exited on SIGTERM. supervisord leaves such grandchildren
 * behind; we end them so that nothing we started outlives the daemon (a deliberate difference, see README).
 *
 * Each child was spawned detached, so it led its own process group (pgid = its pid). A pgid stays reserved
 * while any member lives, so signalling `-pgid` reaches only that group's leftovers.
 */

import { monotonicNow } from "./clock.js";

const GRACE_MS = 500;
const CHECK_EVERY_MS = 25;

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already; EPERM: not ours to end.
  }
}

/**
 * SIGTERM every group that still has members, wait up to a short grace for them to go, then SIGKILL the rest.
 * Returns how many groups had leftovers. Runs once, at shutdown: the short wait is bounded, not a polling loop.
 */
export async function endLeftoverGroupMembers(pgids: Iterable<number>, graceMs = GRACE_MS): Promise<number> {
  const alive = [...new Set(pgids)].filter((pgid) => pgid > 1 && pgid !== process.pid && groupAlive(pgid));
  if (alive.length === 0) return 0;
  for (const pgid of alive) signalGroup(pgid, "SIGTERM");
  const deadline = monotonicNow() + graceMs;
  let remaining = alive;
  while (remaining.length > 0 && monotonicNow() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
    remaining = remaining.filter(groupAlive);
  }
  for (const pgid of remaining) signalGroup(pgid, "SIGKILL");
  return alive.length;
}
