/**
 * issue 18 in the service: every hand start and stop (gRPC and XML-RPC: both faces come through the handlers)
 * records the wish before it acts, so a daemon killed mid-operation comes back with what was asked; and the
 * EnableProcess / DisableProcess RPCs (`tsctl enable/disable`). See state/desired-store.ts for the semantics.
 */
import type { GroupConfig } from "@tsupervisord/config";
import { RUNNING_STATES, type DesiredState, type ProcessResult, type Supervisor } from "@tsupervisord/engine";
import { SupervisorError, isSupervisorError } from "@tsupervisord/errors";
import { makeNamespec } from "@tsupervisord/pycompat";
import { keyOf } from "../state/desired-store.js";
import type { ProcessInfo as WireProcessInfo } from "@tsupervisord/protocol";
import type { ServiceContext } from "./context.js";

/** What an operation names: one namespec (`name`, `group:name`, `group:*`), a whole group, or everything. */
export type Selector = { kind: "name"; name: string } | { kind: "group"; name: string } | { kind: "all" };

function groupKeys(group: GroupConfig): string[] {
  return group.processes.map((p) => keyOf(group.name, p.name));
}

/** The `group:name` keys a selector names among the active groups; BAD_NAME as the engine words it. */
export function keysFor(supervisor: Supervisor, selector: Selector): string[] {
  const groups = supervisor.activeGroups();
  if (selector.kind === "all") return groups.flatMap(groupKeys);
  if (selector.kind === "group") {
    const group = groups.find((g) => g.name === selector.name);
    if (group === undefined) throw new SupervisorError("BAD_NAME", selector.name);
    return groupKeys(group);
  }
  const target = supervisor.resolve(selector.name);
  if (target.kind === "process") return [keyOf(target.group, target.name)];
  const group = groups.find((g) => g.name === target.group);
  return group === undefined ? [] : groupKeys(group);
}

/** A hand start (`started`) or stop (`stopped`): on disk before the operation runs; nothing without statefile. */
export async function recordByHand(ctx: ServiceContext, selector: Selector, desired: DesiredState): Promise<void> {
  if (ctx.desired === null || ctx.desired === undefined) return;
  await ctx.desired.record(keysFor(ctx.supervisor, selector), desired);
}

/**
 * A group leaving the active set (removeProcessGroup, also `update` of a changed group) takes its wishes along:
 * call before the removal (the keys are read from the active group), await the result after it.
 */
export function forgetGroup(ctx: ServiceContext, group: string): () => Promise<void> {
  const store = ctx.desired;
  if (store === null || store === undefined) return () => Promise.resolve();
  const active = ctx.supervisor.activeGroups().find((g) => g.name === group);
  const keys = active === undefined ? [] : groupKeys(active);
  return () => store.forget(keys);
}

function selectorOf(name: string): Selector {
  if (name === "all") return { kind: "all" };
  return { kind: "name", name };
}

/** recordByHand for a list of supervisorctl names (`name`, `group:*`, `all`), as the operation RPCs take them. */
export async function recordNamesByHand(ctx: ServiceContext, names: readonly string[], desired: DesiredState): Promise<void> {
  if (ctx.desired === null || ctx.desired === undefined) return;
  await ctx.desired.record(names.flatMap((n) => keysFor(ctx.supervisor, selectorOf(n))), desired);
}

/**
 * `tsctl disable NAME…`: record `stopped`, then stop what runs; `tsctl enable NAME…`: record `started`, then
 * start what does not run. One result per process (already in the wanted state counts as SUCCESS). FAILED when
 * the daemon has no statefile: the verbs exist to persist, and would silently not.
 */
export async function setDesiredState(
  ctx: ServiceContext,
  supervisor: Supervisor,
  name: string,
  desired: DesiredState,
  wait: boolean,
): Promise<ProcessResult[]> {
  const store = ctx.desired;
  if (store === null || store === undefined) {
    throw new SupervisorError("FAILED", "enable/disable need [supervisord] statefile = PATH in the daemon's config");
  }
  const keys = keysFor(supervisor, selectorOf(name));
  await store.record(keys, desired);
  return Promise.all(
    keys.map(async (key): Promise<ProcessResult> => {
      const colon = key.indexOf(":");
      const group = key.slice(0, colon);
      const proc = key.slice(colon + 1);
      const namespec = makeNamespec(group, proc);
      try {
        const running = RUNNING_STATES.has(supervisor.getProcessInfo(namespec, { stats: false }).state);
        if (desired === "stopped" && running) await supervisor.stopProcess(namespec, wait);
        if (desired === "started" && !running) await supervisor.startProcess(namespec, wait);
        return { name: proc, group, status: "SUCCESS", description: "OK" };
      } catch (err) {
        if (!isSupervisorError(err)) throw err;
        // Someone else got there first: the process is in the wanted state all the same.
        if (err.code === "ALREADY_STARTED" || err.code === "NOT_RUNNING") return { name: proc, group, status: "SUCCESS", description: "OK" };
        return { name: proc, group, status: err.code, description: err.message };
      }
    }),
  );
}

/** ProcessInfo.desired_state: the recorded wish, "" when none (or no statefile). */
export function withDesiredState(ctx: ServiceContext, info: WireProcessInfo): WireProcessInfo {
  const desired = ctx.desired?.desired(info.group, info.name) ?? null;
  // Set on `info` itself, a fresh message from processInfoToWire (see withLogStats).
  if (desired !== null) info.desiredState = desired;
  return info;
}
