// Whether new CPU/RSS samples are worth a repaint on their own. A shell that forks a `sleep` every two seconds
// moves between 0.0 and 0.6 % CPU forever; repainting the whole screen for that is most of what an idle `top`
// would cost. Small moves are still applied to the state, so they show on the next repaint for any reason; they
// just do not cause one. Measured against what is on screen (the published state), so small moves that add up
// to a big one do cause a repaint.

import type { ProcessRecord } from "./reducer.js";

/** CPU moved by at least this many points of one core. */
const CPU_POINTS = 1;
/** RSS moved by at least this fraction. */
const RSS_FRACTION = 0.05;

function cpuMoved(shown: number | null, now: number | null): boolean {
  if (shown === null || now === null) return shown !== now;
  return Math.abs(now - shown) >= CPU_POINTS;
}

function rssMoved(shown: number | null, now: number | null): boolean {
  if (shown === null || now === null) return shown !== now;
  return Math.abs(now - shown) >= shown * RSS_FRACTION;
}

export function significantStatsChange(
  shown: ReadonlyMap<string, ProcessRecord>,
  now: ReadonlyMap<string, ProcessRecord>,
): boolean {
  for (const [key, p] of now) {
    const before = shown.get(key);
    if (before === undefined) return true;
    if (cpuMoved(before.cpuPercent, p.cpuPercent) || rssMoved(before.rssBytes, p.rssBytes)) return true;
  }
  return false;
}
