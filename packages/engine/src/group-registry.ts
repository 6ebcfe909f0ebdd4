/**
 * The active process groups: activation (process objects, event-listener pools, fcgi sockets), removal, the
 * orders supervisord walks them in, and namespec resolution (the one place a `name` / `group:name` / `group:*`
 * string becomes a group or a process).
 */
import type { GroupConfig, ProcessConfig } from "@tsupervisord/config";
import { SupervisorError } from "@tsupervisord/errors";
import type { EventBus } from "./event-bus.js";
import { FcgiSocketError } from "./fcgi-errors.js";
import type { FcgiSocket } from "./fcgi-socket.js";
import { EventListenerPool } from "./listener-pool.js";
import type { EngineLogger } from "./logger.js";
import { splitNamespec } from "@tsupervisord/pycompat";
import type { ProcessOutputPort } from "./output-port.js";
import type { FcgiSocketPort } from "./ports.js";
import { ManagedProcess } from "./process.js";
import type { ProcessEnvironment } from "./process.js";
import type { SupervisorHooks } from "./types.js";

export interface ActiveGroup {
  config: GroupConfig;
  /** `[eventlistener:x]` groups: the event pool feeding its processes. */
  pool: EventListenerPool | null;
  /** `[fcgi-program:x]` groups: the listening socket shared by its processes (spec §1.5.8). */
  fcgiSocket: FcgiSocket | null;
  /** Sorted by (priority, name) (ORD-02): the start/stop order. */
  processes: ManagedProcess[];
  /**
   * supervisord's `group.processes` dict order, sorted stably by priority alone (its `processes.sort()` compares
   * priorities only): `[group:x]` members keep their `programs=` order. The order of the `*All*` results that
   * walk `_getAllProcesses()` without re-sorting, such as clearAllProcessLogs.
   */
  processesInConfigOrder: ManagedProcess[];
  byName: Map<string, ManagedProcess>;
}

/** What a namespec names among the active groups: a process, or (`g:`, `g:*`) a whole group. */
export interface Resolved {
  group: ActiveGroup;
  proc: ManagedProcess | null;
}

/** Python string ordering (code points) for (priority, name) keys. */
export function byPriorityThenName(a: { priority: number; name: string }, b: { priority: number; name: string }): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export interface RegistryDeps {
  bus: EventBus;
  logger: EngineLogger;
  output: ProcessOutputPort;
  fcgiSockets: FcgiSocketPort;
  processEnv: ProcessEnvironment;
  hooks: readonly SupervisorHooks[];
  /** `[supervisord] identifier` of the active config (event-listener envelopes). */
  identifier: () => string;
  /** New processes may autostart only while the daemon runs. */
  daemonRunning: () => boolean;
}

export class GroupRegistry {
  private readonly groups = new Map<string, ActiveGroup>();
  private readonly pools = new Map<ManagedProcess, EventListenerPool>();

  constructor(private readonly deps: RegistryDeps) {}

  get size(): number {
    return this.groups.size;
  }

  has(name: string): boolean {
    return this.groups.has(name);
  }

  /** The group, or BAD_NAME. */
  group(name: string): ActiveGroup {
    const group = this.groups.get(name);
    if (group === undefined) throw new SupervisorError("BAD_NAME", name);
    return group;
  }

  /** Resolve a namespec (BAD_NAME, with the name as given, when nothing matches). */
  resolve(namespec: string): Resolved {
    const spec = splitNamespec(namespec);
    const group = this.groups.get(spec.group);
    if (group === undefined) throw new SupervisorError("BAD_NAME", namespec);
    if (spec.process === null) return { group, proc: null };
    const proc = group.byName.get(spec.process);
    if (proc === undefined) throw new SupervisorError("BAD_NAME", namespec);
    return { group, proc };
  }

  /** A namespec that must name one process: BAD_NAME for unknown names and for `g:` / `g:*`. */
  process(namespec: string): ManagedProcess {
    const { proc } = this.resolve(namespec);
    if (proc === null) throw new SupervisorError("BAD_NAME", namespec);
    return proc;
  }

  /** A process by group and process name, or undefined (no fault: for lookups that may miss). */
  find(group: string, name: string): ManagedProcess | undefined {
    return this.groups.get(group)?.byName.get(name);
  }

  /** Active groups in insertion order. */
  all(): ActiveGroup[] {
    return [...this.groups.values()];
  }

  /** Active groups by (priority, name): the start order. */
  sorted(): ActiveGroup[] {
    return this.all().sort((a, b) => byPriorityThenName(a.config, b.config));
  }

  /** Every process, groups by priority, processes by priority within their group. */
  processesByPriority(): ManagedProcess[] {
    return this.sorted().flatMap((g) => g.processes);
  }

  /**
   * `_getAllProcesses()`: groups by priority, each group's processes sorted stably by priority alone over its
   * config order: the order supervisord calls (and lists) the processes of the `*All*` operations in.
   */
  processesInCallOrder(): ManagedProcess[] {
    return this.sorted().flatMap((g) => g.processesInConfigOrder);
  }

  /** Every process sorted by group name, then process name (getAllProcessInfo's order). */
  processesByName(): ManagedProcess[] {
    return this.all()
      .sort((a, b) => byName(a.config, b.config))
      .flatMap((g) => [...g.processes].sort(byName));
  }

  poolOf(proc: ManagedProcess): EventListenerPool | undefined {
    return this.pools.get(proc);
  }

  /**
   * FastCGIProcessGroup.__init__ creates the socket once to fail early. supervisord lets the ValueError escape
   * (startup dies, addProcessGroup answers HTTP 500); here it is logged and thrown as FAILED with its text.
   */
  checkSockets(config: GroupConfig): void {
    if (config.kind !== "fcgi-program" || config.fcgi === undefined) return;
    try {
      this.deps.fcgiSockets.check(config.fcgi, this.deps.logger);
    } catch (err) {
      if (!(err instanceof FcgiSocketError)) throw err;
      this.deps.logger.error(err.message);
      throw new SupervisorError("FAILED", err.message, { cause: err });
    }
  }

  /** Create the group's processes (and pool, socket), register it and publish PROCESS_GROUP_ADDED. */
  activate(config: GroupConfig): ActiveGroup {
    const { bus, logger, output, processEnv } = this.deps;
    const running = this.deps.daemonRunning();
    const processes = [...config.processes]
      .sort(byPriorityThenName)
      .map((pc) => new ManagedProcess(pc, output.create(pc), processEnv, running));
    // POOL-03: the pool exists before its own PROCESS_GROUP_ADDED is published, so it receives it.
    const pool =
      config.kind === "eventlistener" && config.pool !== undefined
        ? new EventListenerPool(config.name, config.pool, processes, bus, logger, this.deps.identifier())
        : null;
    if (pool !== null) for (const proc of processes) this.pools.set(proc, pool);
    const fcgiSocket =
      config.kind === "fcgi-program" && config.fcgi !== undefined ? this.deps.fcgiSockets.open(config.fcgi, logger) : null;
    for (const proc of processes) proc.fcgiSocket = fcgiSocket;
    const group: ActiveGroup = { config, pool, fcgiSocket, processes, processesInConfigOrder: [], byName: new Map() };
    this.reshape(group, config, processes);
    this.groups.set(config.name, group);
    for (const proc of processes) this.runHook("processCreated", proc);
    bus.publish({ name: "PROCESS_GROUP_ADDED", groupName: config.name });
    return group;
  }

  /**
   * Set a group's config and members and rebuild its orders (activation; issue 18: update and scale change an
   * active group's members in place).
   */
  reshape(group: ActiveGroup, config: GroupConfig, processes: ManagedProcess[]): void {
    const named = new Map(processes.map((p) => [p.name, p]));
    group.config = config;
    group.processes = [...processes].sort((a, b) => byPriorityThenName(a.config, b.config));
    group.processesInConfigOrder = config.processes
      .map((pc) => named.get(pc.name))
      .filter((p): p is ManagedProcess => p !== undefined)
      .sort((a, b) => a.config.priority - b.config.priority);
    group.byName = named;
  }

  /** issue 18: a new process object for a member joining an active group (update, scale); not yet started. */
  createMember(group: ActiveGroup, config: ProcessConfig): ManagedProcess {
    const proc = new ManagedProcess(config, this.deps.output.create(config), this.deps.processEnv, this.deps.daemonRunning());
    proc.fcgiSocket = group.fcgiSocket;
    this.runHook("processCreated", proc);
    return proc;
  }

  /** issue 18: members that left an active group (stopped first): timers forgotten, sinks closed. */
  async retire(procs: readonly ManagedProcess[], onProcessGone: (proc: ManagedProcess) => void): Promise<void> {
    for (const proc of procs) {
      this.pools.delete(proc);
      proc.dispose();
      onProcessGone(proc);
      this.runHook("processDisposed", proc);
    }
    await Promise.all(
      procs.map((p) => p.sink.close().catch((err: unknown) => this.deps.logger.error(`error closing logs of ${p.name}: ${String(err)}`))),
    );
  }

  /** Unregister a group now; its processes and sinks are closed in the background. */
  remove(group: ActiveGroup, onProcessGone: (proc: ManagedProcess) => void): void {
    this.groups.delete(group.config.name);
    void this.close(group, onProcessGone);
  }

  /** Unregister every group and close them all (daemon shutdown). */
  async clear(onProcessGone: (proc: ManagedProcess) => void): Promise<void> {
    const groups = this.all();
    this.groups.clear();
    await Promise.all(groups.map((g) => this.close(g, onProcessGone)));
  }

  private async close(group: ActiveGroup, onProcessGone: (proc: ManagedProcess) => void): Promise<void> {
    group.pool?.close();
    group.fcgiSocket?.dispose();
    await this.retire(group.processes, onProcessGone);
  }

  /** Hooks are features' code: a throw is logged and never breaks the engine. */
  runHook(hook: keyof SupervisorHooks, proc: ManagedProcess): void {
    for (const hooks of this.deps.hooks) {
      try {
        hooks[hook]?.(proc.view);
      } catch (err) {
        this.deps.logger.error(`${hook} hook failed for ${proc.name}: ${String(err)}`);
      }
    }
  }
}
