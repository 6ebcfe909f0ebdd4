/**
 * issue 18: at start, before autostart, end the children a previous daemon left running (it was `kill -9`ed or
 * crashed; its children live on in their own process groups). They are found in its children file
 * (child-records.ts) and ended the way their program is stopped: `stopsignal` (to the process group with
 * stopasgroup), `stopwaitsecs` to go, then SIGKILL (the group with killasgroup). One activity line each.
 *
 * A recorded pid is signalled only while it is still the same process: same start time in /proc. A pid reused
 * by an unrelated process since is left alone. A file written by a daemon that is still alive is left alone
 * too: those children are supervised.
 */
import type { Config, ProcessConfig } from "@tsupervisord/config";
import { signame } from "@tsupervisord/engine";
import { readIfExists } from "./atomic-file.js";
import { parseChildRecords, type ChildRecord } from "./child-records.js";
import { keyOf, type StateLog } from "./desired-store.js";
import { readProcStat, sameProcessAlive } from "./proc.js";

/** How often a survivor is looked at while it stops: it is not our child, so no exit event tells us. */
const CHECK_EVERY_MS = 50;
/** After SIGKILL: the kernel ends it at once; this only bounds a process stuck in uninterruptible sleep. */
const KILL_GRACE_MS = 5000;

/** supervisord's defaults, for a survivor whose program is no longer in the config. */
const DEFAULT_STOP = { signal: 15, waitMs: 10_000, stopasgroup: false, killasgroup: false };

interface StopPlan {
  signal: number;
  waitMs: number;
  stopasgroup: boolean;
  killasgroup: boolean;
}

function planFor(config: Config, record: ChildRecord): StopPlan {
  let proc: ProcessConfig | undefined;
  for (const group of config.groups) {
    proc ??= group.processes.find((p) => keyOf(group.name, p.name) === record.key);
  }
  if (proc === undefined) return DEFAULT_STOP;
  return {
    signal: proc.stopsignal.number,
    waitMs: proc.stopwaitsecs * 1000,
    stopasgroup: proc.stopasgroup,
    killasgroup: proc.killasgroup || proc.stopasgroup,
  };
}

function send(record: ChildRecord, signal: number, group: boolean): void {
  // The group only when the child led its own (spawned detached): never someone else's group.
  const target = group && record.pgid === record.pid ? -record.pgid : record.pid;
  try {
    process.kill(target, signal);
  } catch {
    // ESRCH: gone meanwhile; EPERM: not ours to signal (a different user's pid).
  }
}

async function goneWithin(record: ChildRecord, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (sameProcessAlive(record.pid, record.starttime)) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
  }
  return true;
}

async function endOne(record: ChildRecord, plan: StopPlan, previous: number, log: StateLog): Promise<void> {
  const what = `${record.key} (pid ${record.pid}) left running by a previous tsupervisord (pid ${previous})`;
  send(record, plan.signal, plan.stopasgroup);
  if (await goneWithin(record, plan.waitMs)) {
    log.info(`ended survivor ${what} with ${signame(plan.signal)}`);
    return;
  }
  send(record, 9, plan.killasgroup);
  const gone = await goneWithin(record, KILL_GRACE_MS);
  log.warn(`ended survivor ${what}: still alive ${plan.waitMs / 1000}s after ${signame(plan.signal)}, SIGKILLed${gone ? "" : " (and not gone yet)"}`);
}

/**
 * Ends the survivors recorded in `file` (in parallel: each gets its own stopwaitsecs). Never throws: an
 * unreadable file is logged and skipped, nothing is ended then.
 */
export async function endSurvivors(file: string, config: Config, log: StateLog): Promise<void> {
  let text: string | null;
  try {
    text = readIfExists(file);
  } catch (err) {
    log.warn(`children file ${file} ignored: ${(err as Error).message}`);
    return;
  }
  if (text === null) return;
  const parsed = parseChildRecords(text);
  if (typeof parsed === "string") {
    log.warn(`children file ${file} ignored: ${parsed}`);
    return;
  }
  const { daemon } = parsed;
  if (daemon.pid !== process.pid && sameProcessAlive(daemon.pid, daemon.starttime)) {
    log.warn(`children file ${file} belongs to tsupervisord pid ${daemon.pid}, which is still running: its children are not touched`);
    return;
  }
  const survivors: ChildRecord[] = [];
  for (const record of parsed.children) {
    if (sameProcessAlive(record.pid, record.starttime)) survivors.push(record);
    else if ((readProcStat(record.pid)?.starttime ?? record.starttime) !== record.starttime) {
      log.info(`pid ${record.pid} recorded for ${record.key} is another process now (its start time differs): not touched`);
    }
  }
  await Promise.all(survivors.map((r) => endOne(r, planFor(config, r), daemon.pid, log)));
}
