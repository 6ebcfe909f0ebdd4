/**
 * Config changes at run time (reread, add, remove, update): the diff of the active groups against a new config,
 * activating a group from the pending config and removing a stopped one (`update` itself is update/apply-plan.ts).
 * The Supervisor checks its own state first and wires these to its registry.
 */
import { diffGroups } from "@tsupervisord/config";
import type { Config, GroupConfig } from "@tsupervisord/config";
import { SupervisorError } from "@tsupervisord/errors";
import { STOPPED_STATES } from "@tsupervisord/pycompat";
import type { EventBus } from "./event-bus.js";
import type { ActiveGroup, GroupRegistry } from "./group-registry.js";
import type { ManagedProcess } from "./process.js";
import type { ReloadResult } from "./types.js";

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

