/**
 * Config changes at run time (reread, add, remove, update): the diff of the active groups against a new config,
 * activating a group from the pending config, removing a stopped one, and supervisorctl's `update` (D-RLD-03) as
 * a plan over the diff. The Supervisor checks its own state first and wires these to its registry.
 */
import { diffGroups } from "@tsupervisord/config";
import type { Config, GroupConfig } from "@tsupervisord/config";
import { SupervisorError, isSupervisorError } from "@tsupervisord/errors";
import { STOPPED_STATES } from "@tsupervisord/pycompat";
import type { EventBus } from "./event-bus.js";
import type { ActiveGroup, GroupRegistry } from "./group-registry.js";
import type { ManagedProcess } from "./process.js";
import type { ProcessResult, ReloadResult, UpdateOutcome } from "./types.js";

/** Added, changed and removed group names of `groups` against the active ones. */
export function diffActive(registry: GroupRegistry, groups: GroupConfig[]): ReloadResult {
  return diffGroups(
    registry.all().map((g) => g.config),
    groups,
  );
}

/** Activate group `name` of the pending config (BAD_NAME if it has none, ALREADY_ADDED if it is active). */
export function activatePending(registry: GroupRegistry, pending: Config, name: string): ActiveGroup {
  const config = pending.groups.find((g) => g.name === name);
  if (config === undefined) throw new SupervisorError("BAD_NAME", name);
  if (registry.has(name)) throw new SupervisorError("ALREADY_ADDED", name);
  registry.checkSockets(config);
  return registry.activate(config);
}

/** Remove group `name` if every process of it is stopped (else STILL_RUNNING); PROCESS_GROUP_REMOVED. */
export function removeStopped(registry: GroupRegistry, bus: EventBus, name: string, onProcessGone: (proc: ManagedProcess) => void): void {
  const group = registry.group(name);
  if (group.processes.some((p) => !STOPPED_STATES.has(p.state))) throw new SupervisorError("STILL_RUNNING", name);
  registry.remove(group, onProcessGone);
  bus.publish({ name: "PROCESS_GROUP_REMOVED", groupName: name });
}

/** The supervisor's group operations the update runs through. */
export interface UpdateActions {
  stopGroup(name: string): Promise<ProcessResult[]>;
  removeGroup(name: string): void;
  addGroup(name: string): void;
}

/**
 * Removed groups are stopped and removed, changed ones stopped, removed and re-added, added ones added; unchanged
 * groups keep running. A step that fails with a SupervisorError is reported in its outcome and the other groups
 * are still processed. `groups` limits the update to those names (`all` or empty = everything).
 */
export async function applyUpdate(diff: ReloadResult, groups: string[] | undefined, actions: UpdateActions): Promise<UpdateOutcome[]> {
  const only = groups !== undefined && groups.length > 0 && !groups.includes("all") ? new Set(groups) : null;
  const wanted = (name: string): boolean => only === null || only.has(name);
  const outcomes: UpdateOutcome[] = [];
  const attempt = async (group: string, action: UpdateOutcome["action"], run: () => Promise<void>) => {
    try {
      await run();
      outcomes.push({ group, action });
    } catch (err) {
      if (!isSupervisorError(err)) throw err;
      outcomes.push({ group, action, error: { code: err.code, message: err.message } });
    }
  };
  for (const name of diff.removed.filter(wanted)) {
    await attempt(name, "removed", async () => {
      const results = await actions.stopGroup(name);
      if (results.some((r) => r.status === "FAILED")) throw new SupervisorError("FAILED", `${name}: has problems; not removing`);
      actions.removeGroup(name);
    });
  }
  for (const name of diff.changed.filter(wanted)) {
    await attempt(name, "changed", async () => {
      await actions.stopGroup(name);
      actions.removeGroup(name);
      actions.addGroup(name);
    });
  }
  for (const name of diff.added.filter(wanted)) {
    await attempt(name, "added", () => Promise.resolve(actions.addGroup(name)));
  }
  return outcomes;
}
