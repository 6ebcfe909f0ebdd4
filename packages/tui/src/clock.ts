// When the screen must be repainted although nothing happened: the only text that changes with time alone is an
// uptime (the daemon's in the header, a live process's in its row) and the reconnect countdown. Instead of a
// clock that ticks every second whether or not anything on screen would change, the view asks when the first of
// those texts will next read differently and sleeps until then. With every uptime past its first minute that is
// at most one repaint a minute; with nothing time-dependent on screen, no timer at all.

import { durationChangesIn } from "./format.js";
import type { ProcessRecord, TopState } from "./reducer.js";

/**
 * The daemon's clock (epoch seconds) at local time `now`, estimated from the last snapshot. Every uptime is measured
 * on this one clock against the daemon's whole-second start times, so all of them change at the same instant: a
 * screen of uptimes in their first minute costs one repaint a second, not one per process.
 */
function daemonClock(state: TopState, now: number): number | null {
  return state.daemon === null ? null : state.daemon.now + (now - state.daemonReceivedAt) / 1000;
}

/** A live process's uptime in seconds at local time `now`, or null. */
export function processUptime(state: TopState, p: ProcessRecord, now: number): number | null {
  if ((p.state === "RUNNING" || p.state === "STOPPING" || p.state === "STARTING") && p.start > 0) {
    // Without a snapshot (tests feeding single events) the process's own info is the best clock there is.
    // With several hosts (issue 19) each has its own clock: the process's own info is the one to use.
    const clock = (p.host === undefined ? daemonClock(state, now) : null) ?? p.now + Math.max(0, now - p.receivedAt) / 1000;
    return Math.max(0, clock - p.start);
  }
  return null;
}

/** The daemon's uptime in seconds at local time `now`, or null when unknown. */
export function daemonUptime(state: TopState, now: number): number | null {
  const d = state.daemon;
  if (d === null || d.startedAt <= 0) return null;
  return (daemonClock(state, now) ?? d.now) - d.startedAt;
}

/**
 * Milliseconds from `now` until some time-dependent text among the header and the `visible` processes changes,
 * or null when nothing on screen depends on the time.
 */
export function nextRepaintDelayMs(state: TopState, visible: Iterable<ProcessRecord>, now: number): number | null {
  let soonest = Infinity;
  const consider = (uptime: number | null): void => {
    if (uptime !== null) soonest = Math.min(soonest, durationChangesIn(uptime) * 1000);
  };
  consider(daemonUptime(state, now));
  for (const p of visible) consider(processUptime(state, p, now));
  const retryAt = state.connection.status === "disconnected" ? state.connection.retryAt : null;
  if (retryAt !== null && retryAt > now) soonest = Math.min(soonest, (retryAt - now) % 1000 || 1000);
  // Rounded up (less float noise such as 600.0000000002) and a millisecond more, so the repaint lands just past
  // the change, never just before it.
  return soonest === Infinity ? null : Math.ceil(soonest - 1e-6) + 1;
}
