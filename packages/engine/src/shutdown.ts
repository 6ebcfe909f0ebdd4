/**
 * Daemon shutdown orchestration (§7.9, ORD-04): groups are stopped one at a time from the highest priority number
 * down, each fully stopped before the next; BACKOFF gives up (T9); `waiting for a, b to die` every 3 s; then the
 * leftover members of our children's process groups are ended and every group is closed.
 */
import { monotonicNow } from "./clock.js";
import type { EventBus } from "./event-bus.js";
import type { ActiveGroup, GroupRegistry } from "./group-registry.js";
import { endLeftoverGroupMembers } from "./leftovers.js";
import type { EngineLogger } from "./logger.js";
import type { ManagedProcess } from "./process.js";
import { STOPPED_STATES } from "@tsupervisord/pycompat";
import type { ProcessWaiters } from "./waiters.js";
import { StopDeadline, groupWeight } from "./stop-deadline.js";

const SHUTDOWN_REPORT_EVERY_MS = 3000;

export interface ShutdownDeps {
  /** Container mode's stop deadline (epoch ms, stop-deadline.ts), or null for supervisord's unbounded stop. */
  deadlineAt: number | null;
  /** Filled with `name (pid N)` of each process the deadline SIGKILLs. */
  deadlineKills: string[];
  bus: EventBus;
  registry: GroupRegistry;
  waiters: ProcessWaiters;
  logger: EngineLogger;
  now: () => number;
  /** Called for each process object that goes away with its group. */
  onProcessGone: (proc: ManagedProcess) => void;
  /** issue 14: the start order (depends_on, then priority); groups stop from its end. Default: priority order. */
  stopOrder?: () => ActiveGroup[];
}

export async function runShutdown(deps: ShutdownDeps): Promise<void> {
  const { bus, registry, waiters, logger } = deps;
  const deadline =
    deps.deadlineAt === null
      ? null
      : new StopDeadline(deps.deadlineAt, monotonicNow, logger, () => registry.processesByPriority(), deps.deadlineKills);
  deadline?.start();
  bus.publish({ name: "SUPERVISOR_STATE_CHANGE_STOPPING" });
  for (const proc of registry.processesByPriority()) proc.dispatch({ type: "daemon-state", running: false });
  let lastReport = 0;
  const report = (): void => {
    // The clock first: report() runs once per group, and walking every group each time is O(groups²).
    const now = deps.now();
    if (now <= lastReport + SHUTDOWN_REPORT_EVERY_MS) return;
    const unstopped = registry.all().flatMap((g) => g.processes.filter((p) => !STOPPED_STATES.has(p.state)));
    if (unstopped.length === 0) return;
    lastReport = now;
    logger.info(`waiting for ${unstopped.map((p) => p.name).join(", ")} to die`);
    for (const p of unstopped) logger.blather(`${p.name} state: ${p.state}`);
  };
  const interval = setInterval(report, SHUTDOWN_REPORT_EVERY_MS);
  try {
    const stopGroups = deps.stopOrder?.() ?? registry.sorted();
    while (stopGroups.length > 0) {
      const group = stopGroups[stopGroups.length - 1] as ActiveGroup;
      stopGroupForShutdown(group);
      report();
      // This group's share of the deadline (its weight, then those of the groups stopped after it).
      const endShare = deadline?.startGroup(group.processes, stopGroups.map((g) => groupWeight(g.processes)).reverse());
      await waiters.waitAll(group.processes, () => {
        // Like supervisord's loop, keep applying stop_all() so a process that got its pid late is stopped too.
        stopGroupForShutdown(group);
        return group.processes.every((p) => STOPPED_STATES.has(p.state));
      });
      endShare?.();
      stopGroups.pop();
    }
  } finally {
    clearInterval(interval);
    deadline?.stop();
  }
  const leaders = registry.all().flatMap((g) => g.processes.flatMap((p) => p.recentProcessGroups));
  const swept = await endLeftoverGroupMembers(leaders, deadline === null ? undefined : Math.min(500, deadline.remainingMs() / 2));
  if (swept > 0) logger.info(`ended leftover processes in ${swept} process group(s)`);
  await registry.clear(deps.onProcessGone);
}

/** ProcessGroup.stop_all(): descending priority; RUNNING/STARTING stop, BACKOFF gives up. */
function stopGroupForShutdown(group: ActiveGroup): void {
  for (const proc of [...group.processes].reverse()) {
    if (proc.state === "RUNNING" || proc.state === "STARTING" || proc.state === "BACKOFF") {
      proc.dispatch({ type: "shutdown-stop" });
    }
  }
}
