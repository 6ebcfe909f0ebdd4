/**
 * issue 18: desired state. A process stopped or started by hand (or `tsctl disable/enable`) keeps that state
 * across daemon restarts: the daemon records the wish (apps/daemon/src/state/) and hands the engine this port,
 * which the daemon's autostart consults. The engine never writes anything: recording is the daemon's job.
 * The wish lives beside supervisord's state, never in it: `autostart` in the config (and everything that shows
 * it) stays as written.
 */
import { makeNamespec } from "@tsupervisord/pycompat";
import type { ReadinessFeature } from "./dependencies/feature.js";
import type { EngineLogger } from "./logger.js";
import type { ManagedProcess } from "./process.js";

/** `stopped`: stays stopped at daemon start even with autostart=true; `started`: starts even with autostart=false. */
export type DesiredState = "started" | "stopped";

export interface DesiredStatePort {
  /** The recorded wish for one process, or null: follow `autostart`. */
  desired(group: string, name: string): DesiredState | null;
}

/**
 * The daemon's autostart of one process (a group being activated), with the recorded wish applied: `stopped`
 * skips it (logged, so nobody wonders why an autostart program is down), `started` starts an autostart=false
 * process through the normal start (depends_on gating included), anything else is the plain autostart.
 */
export function autostartAsDesired(
  proc: ManagedProcess,
  port: DesiredStatePort | undefined,
  readiness: ReadinessFeature,
  logger: EngineLogger,
): void {
  const desired = port?.desired(proc.groupName, proc.name) ?? null;
  const namespec = makeNamespec(proc.groupName, proc.name);
  if (desired === "stopped") {
    if (proc.config.autostart) logger.info(`not autostarting ${namespec}: disabled (stopped by hand, see statefile)`);
    return;
  }
  if (desired === "started" && !proc.config.autostart && proc.state === "STOPPED" && proc.machine.laststart === 0) {
    logger.info(`starting ${namespec}: enabled (started by hand, see statefile)`);
    readiness.startOne(proc, namespec, false).catch((err: unknown) => {
      logger.warn(`start of ${namespec} (enabled in statefile) failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    return;
  }
  readiness.autostart(proc);
}
