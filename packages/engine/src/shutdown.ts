/**
 * Daemon shutdown orchestration (§7.9, ORD-04): groups are stopped one at a time from the highest priority number
 * down, each fully stopped before the next; BACKOFF gives up (T9); `waiting for a, b to die` every 3 s; then the
 * leftover members of our children's process groups are ended and every group is closed.
 */
import type { EventBus } from "./event-bus.js";
import type { ActiveGroup, GroupRegistry } from "./group-registry.js";
import { endLeftoverGroupMembers } from "./leftovers.js";
import type { EngineLogger } from "./logger.js";
import type { ManagedProcess } from "./process.js";
import { STOPPED_STATES } from "./states.js";
import type { ProcessWaiters } from "./waiters.js";

const SHUTDOWN_REPORT_EVERY_MS = 3000;

export interface ShutdownDeps {
  bus: EventBus;
  registry: GroupRegistry;
  waiters: ProcessWaiters;
  logger: EngineLogger;
  now: () => number;
  /** Called for each process object that goes away with its group. */
  onProcessGone: (proc: ManagedProcess) => void;
}

export async function runShutdown(deps: ShutdownDeps): Promise<void> {
  const { bus, registry, waiters, logger } = deps;
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
    const stopGroups = registry.sorted();
    while (stopGroups.length > 0) {
      const group = stopGroups[stopGroups.length - 1] as ActiveGroup;
      stopGroupForShutdown(group);
      report();
      await waiters.waitAll(group.processes, () => {
        // Like supervisord's loop, keep applying stop_all() so a process that got its pid late is stopped too.
        stopGroupForShutdown(group);
        return group.processes.every((p) => STOPPED_STATES.has(p.state));
      });
      stopGroups.pop();
    }
  } finally {
    clearInterval(interval);
  }
  const leaders = registry.all().flatMap((g) => g.processes.flatMap((p) => p.recentProcessGroups));
  const swept = await endLeftoverGroupMembers(leaders);
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
