/**
 * issue 18: `update` that touches only what changed, and `scale`.
 *
 * The plan comes from `@tsupervisord/config` (planUpdate: which groups reloadConfig reports, and per member of a
 * changed group whether it is kept, reconfigured in place, restarted, added or removed). This module applies it:
 * - removed / added groups, and groups to `replace` (a changed listener pool, fcgi socket or group kind): as
 *   supervisord does (stop + remove, add; replace = stop, remove, add);
 * - every other changed group member by member: removed members are stopped (highest process_num first) and
 *   dropped, restarted ones stopped and replaced by a new process object (autostart applies, LIF-05), hot and
 *   kept ones get the new config in place and are never stopped, new ones are created and autostarted.
 */
import { planChangedGroup, planUpdate } from "@tsupervisord/config";
import type { Config, GroupConfig, GroupPlan, MemberAction, ProcessConfig } from "@tsupervisord/config";
import { SupervisorError, isSupervisorError } from "@tsupervisord/errors";
import type { ErrorCode } from "@tsupervisord/errors";
import { RUNNING_STATES, makeNamespec } from "@tsupervisord/pycompat";
import type { ActiveGroup, GroupRegistry } from "../group-registry.js";
import { byPriorityThenName } from "../group-registry.js";
import type { ManagedProcess } from "../process.js";
import { machineConfigOf } from "../process-view.js";
import type { ProcessResult, UpdateOutcome } from "../types.js";

/** What happened to one member of a group updated member by member. */
export interface MemberOutcome {
  name: string;
  action: MemberAction;
  /** A stop that failed (the member is dropped or replaced all the same). */
  error?: { code: ErrorCode; message: string };
}

/** `scale`: the namespecs started and stopped. */
export interface ScaleOutcome {
  group: string;
  program: string;
  numprocs: number;
  added: string[];
  removed: string[];
}

export interface PlanApplierDeps {
  registry: GroupRegistry;
  /** The config of the last reloadConfig (what update applies). */
  pending: () => Config;
  /** The Supervisor's own operations (SHUTDOWN_STATE checks, depends_on gating, waiters). */
  stopOne(proc: ManagedProcess, namespec: string): Promise<void>;
  autostart(proc: ManagedProcess): void;
  /** Forget waiters and depends_on state of a dropped process object. */
  forget(proc: ManagedProcess): void;
  stopGroup(name: string): Promise<ProcessResult[]>;
  removeGroup(name: string): void;
  addGroup(name: string): void;
  /**
   * A group's members changed in place: PROCESS_GROUP_REMOVED then PROCESS_GROUP_ADDED, the events supervisord
   * emits when its update re-adds a changed group (event listeners see the same), and what lets Watch clients
   * (tsctl top, tsctl wait) drop removed members and list new ones.
   */
  regrouped(name: string): void;
}

export class PlanApplier {
  constructor(private readonly deps: PlanApplierDeps) {}

  /** The plan `update` would apply now (dry run): the active groups against the pending config. */
  plan(): GroupPlan[] {
    return planUpdate(
      this.deps.registry.all().map((g) => g.config),
      this.deps.pending().groups,
    );
  }

  /** Apply the plan; `groups` limits it to those names (`all` or empty = everything), as supervisorctl does. */
  async apply(groups?: string[]): Promise<UpdateOutcome[]> {
    const only = groups !== undefined && groups.length > 0 && !groups.includes("all") ? new Set(groups) : null;
    const outcomes: UpdateOutcome[] = [];
    for (const plan of this.plan()) {
      if (only !== null && !only.has(plan.name)) continue;
      outcomes.push(await this.applyGroup(plan));
    }
    return outcomes;
  }

  private async applyGroup(plan: GroupPlan): Promise<UpdateOutcome> {
    const outcome: UpdateOutcome = { group: plan.name, action: plan.status, plan };
    try {
      if (plan.action === "remove") {
        const results = await this.deps.stopGroup(plan.name);
        if (results.some((r) => r.status === "FAILED")) throw new SupervisorError("FAILED", `${plan.name}: has problems; not removing`);
        this.deps.removeGroup(plan.name);
      } else if (plan.action === "add") {
        this.deps.addGroup(plan.name);
      } else if (plan.action === "replace") {
        await this.deps.stopGroup(plan.name);
        this.deps.removeGroup(plan.name);
        this.deps.addGroup(plan.name);
      } else {
        const next = this.deps.pending().groups.find((g) => g.name === plan.name);
        if (next === undefined) throw new SupervisorError("BAD_NAME", plan.name);
        outcome.members = await this.applyMembers(this.deps.registry.group(plan.name), plan, next);
      }
    } catch (err) {
      if (!isSupervisorError(err)) throw err;
      outcome.error = { code: err.code, message: err.message };
    }
    return outcome;
  }

  /** A changed group, member by member (see the module comment). */
  private async applyMembers(group: ActiveGroup, plan: GroupPlan, next: GroupConfig): Promise<MemberOutcome[]> {
    const actions = new Map(plan.members.map((m) => [m.name, m]));
    const outcomes = new Map<string, MemberOutcome>(plan.members.map((m) => [m.name, { name: m.name, action: m.action }]));
    // Leaving members, highest process_num first, then the ones to replace: all stopped before anything new starts.
    const leaving = plan.members
      .filter((m) => m.action === "remove" || m.action === "restart")
      .sort((a, b) => (a.action === b.action ? b.processNum - a.processNum : a.action === "remove" ? -1 : 1))
      .map((m) => group.byName.get(m.name))
      .filter((p): p is ManagedProcess => p !== undefined);
    await this.stopAll(group, leaving, outcomes);

    const members: ManagedProcess[] = [];
    const created: ManagedProcess[] = [];
    // autostart turned on for a process never started yet: it starts now, as supervisord's re-added group would
    // (the machine starts only a process object that never ran, LIF-05; one stopped by hand stays stopped).
    const autostartNow: ManagedProcess[] = [];
    for (const config of next.processes) {
      const old = group.byName.get(config.name);
      const action = actions.get(config.name)?.action ?? "keep";
      if (old === undefined || action === "add" || action === "restart") {
        const proc = this.deps.registry.createMember(group, config);
        created.push(proc);
        members.push(proc);
      } else {
        if (config.autostart && !old.config.autostart) autostartNow.push(old);
        reconfigure(old, keepOutputOf(old.config, config));
        members.push(old);
      }
    }
    this.deps.registry.reshape(group, next, members);
    this.deps.regrouped(group.config.name);
    await this.deps.registry.retire(leaving, (proc) => this.deps.forget(proc));
    const starting = [...created, ...autostartNow].sort((a, b) => byPriorityThenName(a.config, b.config));
    for (const proc of starting) this.deps.autostart(proc);
    return [...outcomes.values()];
  }

  /** Stop every running one (signals in the given order, then waits for all); failures are noted, not thrown. */
  private async stopAll(group: ActiveGroup, procs: readonly ManagedProcess[], outcomes: Map<string, MemberOutcome>): Promise<void> {
    const stops = procs
      .filter((p) => RUNNING_STATES.has(p.state))
      .map((p) =>
        this.deps.stopOne(p, makeNamespec(group.config.name, p.name)).catch((err: unknown) => {
          if (!isSupervisorError(err)) throw err;
          const outcome = outcomes.get(p.name);
          if (outcome !== undefined) outcome.error = { code: err.code, message: err.message };
        }),
      );
    await Promise.all(stops);
  }

  /**
   * `tsctl scale PROGRAM N`: `reread` is the file read again with numprocs = N for that program. Only that
   * program's members move: the new ones (from the file as it is now) are added and autostarted, the surplus
   * stopped and dropped (highest process_num first); every other member keeps its running config untouched.
   */
  async scale(program: string, numprocs: number, reread: Config): Promise<ScaleOutcome> {
    const group = this.deps.registry.all().find((g) => g.config.processes.some((p) => p.programName === program));
    const wanted = reread.groups.flatMap((g) => g.processes).filter((p) => p.programName === program);
    if (group === undefined) throw new SupervisorError("BAD_NAME", program);
    if (group.config.kind === "eventlistener") {
      throw new SupervisorError("FAILED", `${program}: an event listener pool cannot be scaled (use update)`);
    }
    if (wanted.some((p) => p.groupName !== group.config.name)) {
      throw new SupervisorError("FAILED", `${program}: its group changed in the file; run update first`);
    }
    const next = scaledGroup(group.config, program, wanted);
    const plan = planChangedGroup(group.config, next);
    await this.applyMembers(group, plan, next);
    const namespecs = (action: MemberAction, order: 1 | -1): string[] =>
      plan.members
        .filter((m) => m.action === action)
        .sort((a, b) => order * (a.processNum - b.processNum))
        .map((m) => makeNamespec(group.config.name, m.name));
    return { group: group.config.name, program, numprocs, added: namespecs("add", 1), removed: namespecs("remove", -1) };
  }
}

/**
 * The active group with `program`'s members replaced by `wanted`: members that stay keep their running config
 * (so scale never restarts one), new ones come from the re-read file; other programs' members are untouched.
 */
function scaledGroup(active: GroupConfig, program: string, wanted: readonly ProcessConfig[]): GroupConfig {
  const activeByName = new Map(active.processes.map((p) => [p.name, p]));
  const programMembers = wanted.map((p) => activeByName.get(p.name) ?? p).sort(byPriorityThenName);
  const processes: ProcessConfig[] = [];
  let placed = false;
  for (const p of active.processes) {
    if (p.programName !== program) processes.push(p);
    else if (!placed) {
      processes.push(...programMembers);
      placed = true;
    }
  }
  if (!placed) processes.push(...programMembers);
  return { ...active, processes };
}

/** Hot options in place: the process and its state machine read them from their next event on. */
function reconfigure(proc: ManagedProcess, config: ProcessConfig): void {
  proc.config = config;
  proc.machine = { ...proc.machine, config: machineConfigOf(config) };
}

/**
 * A hot or kept member keeps the output settings its log writer was made with: they are restart-class, so they
 * only differ where EQ-02 does not compare them (an AUTO logfile on one side).
 */
function keepOutputOf(running: ProcessConfig, next: ProcessConfig): ProcessConfig {
  return { ...next, stdout: running.stdout, stderr: running.stderr };
}
