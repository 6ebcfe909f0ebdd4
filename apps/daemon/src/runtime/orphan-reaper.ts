import { setChildSubreaper, startOrphanReaper, type OrphanReaper } from "@tsupervisord/reaper";

/** Set to "1" to become a child subreaper (prctl) and reap orphans without being PID 1 (tests, `systemd-run`). */
export const SUBREAPER_ENV = "TSUPERVISORD_SUBREAPER";

interface ReaperLog {
  info(message: string): void;
  warn(message: string): void;
  critical(message: string): void;
}

let started: OrphanReaper | null = null;
/** Why reaping is unavailable, once we tried: repeated in each generation's log. */
let unavailable: string | null = null;

/**
 * RAP-01: as PID 1 (a container) or as a requested subreaper, orphaned grandchildren are re-parented to us and
 * must be waited for, or they stay zombies forever. Started once per process (restarts keep it); `currentLog`
 * is asked at each reap, so the line lands in the activity log of the generation running at that moment.
 * Returns the message to log at WARN when reaping was wanted but is unavailable, else null.
 */
export function ensureOrphanReaper(currentLog: () => ReaperLog | undefined): string | null {
  if (started !== null || unavailable !== null) return unavailable;
  const asPid1 = process.pid === 1;
  const asSubreaper = process.env[SUBREAPER_ENV] === "1";
  if (!asPid1 && !asSubreaper) return null;
  if (!asPid1 && !setChildSubreaper()) {
    unavailable = `${SUBREAPER_ENV}=1 but this process cannot become a child subreaper; orphaned processes will not be reaped`;
    return unavailable;
  }
  const reaper = startOrphanReaper({
    onReaped: (pid, how) => currentLog()?.info(`reaped unknown pid ${pid} (${how})`),
    onError: (err) => currentLog()?.critical(`orphan reaper: ${(err as Error).stack ?? String(err)}`),
  });
  if (!reaper.available) {
    unavailable = `orphaned processes will not be reaped: ${reaper.reason ?? "the reaper is unavailable on this system"}`;
    return unavailable;
  }
  started = reaper;
  return null;
}
