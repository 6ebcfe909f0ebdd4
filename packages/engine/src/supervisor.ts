/**
 * The Supervisor: the engine's public face. It owns one generation of active groups and wires the parts that do
 * the work: the group registry (activation, namespecs, orders), the per-process operations, the waiters, the
 * shutdown orchestration and the ports (output, /proc stats, fcgi sockets). Results are the engine's own records
 * (camelCase, milliseconds); the daemon's service layer shapes them for gRPC and XML-RPC.
 */
import type { Config, GroupConfig, GroupPlan, ProcessConfig } from "@tsupervisord/config";
import { SupervisorError } from "@tsupervisord/errors";
import { activatePending, diffActive, removeStopped } from "./config-update.js";
import { EventBus } from "./event-bus.js";
import type { ExitRecord } from "./signals.js";
import type { EventInput, SupervisorEvent } from "./events.js";
import type { GroupRegistry } from "./group-registry.js";
import type { EngineLogger } from "./logger.js";
import { nullLogger } from "./logger.js";
import { forEachProcess, forEachProcessSync, inListOrder, type ProcessOperations } from "./operations.js";
import type { ProcessOutputSink } from "./output-port.js";
import type { ResourceGovernor } from "./limits/governor.js";
import type { StatsSampler } from "./stats/sampler.js";
import { createMetrics, sampleStats } from "./supervisor-metrics.js";
import type { ManagedProcess } from "./process.js";
import { buildProcessInfo } from "./process-info.js";
import { runShutdown } from "./shutdown.js";
import { RUNNING_STATES, SIGNALLABLE_STATES, makeNamespec } from "@tsupervisord/pycompat";
import type { SupervisorStateName } from "@tsupervisord/pycompat";
import type { InfoOptions, ProcessInfo, ProcessResult, ReloadResult, ShutdownOptions, Snapshot } from "./types.js";
import type { SubscribeOptions, Subscription, SupervisorOptions, Target, UpdateOutcome } from "./types.js";
import { ProcessWaiters } from "./waiters.js";
import type { ReadinessFeature } from "./dependencies/feature.js";
import { autostartAsDesired } from "./desired-state.js";
import { autostartInTurns } from "./autostart-pacer.js";
import { StartupSettleWatch } from "./startup-settle.js";
import type { PlanApplier, ScaleOutcome } from "./update/apply-plan.js";
import { wireParts } from "./supervisor-parts.js";

export class Supervisor {
  private readonly bus: EventBus;
  private readonly logger: EngineLogger;
  private readonly now: () => number;
  /** Issue 17: process-tree stats, read only while someone watches (see stats/sampler.ts). */
  readonly stats: StatsSampler;
  /** Issue 17: cgroups, descendant sweep, RSS watchdog (see limits/governor.ts). */
  readonly governor: ResourceGovernor;
  private readonly waiters = new ProcessWaiters();
  private readonly registry: GroupRegistry;
  private readonly ops: ProcessOperations;
  /** issue 14: depends_on gating and orders, readiness fields and events. */
  private readonly readiness: ReadinessFeature;
  /** issue 18: update applies only what changed; scale. */
  private readonly planner: PlanApplier;
  private currentState: SupervisorStateName = "RUNNING";
  private active: Config;
  private pending: Config;
  private shutdownPromise: Promise<void> | null = null;
  private deadlineKills: string[] = [];
  private started = false;
  /** issue 20: when this start's autostart burst has ended (replaced by each start()). */
  private startup = new StartupSettleWatch<ManagedProcess>([], () => false);

  constructor(readonly options: SupervisorOptions) {
    this.logger = options.logger ?? nullLogger;
    this.now = options.now ?? Date.now;
    this.active = options.config;
    this.pending = options.config;
    ({ stats: this.stats, governor: this.governor } = createMetrics({
      options,
      config: () => this.active,
      logger: this.logger,
      now: this.now,
      processes: () => this.registry.processesByName(),
      stopProcess: (key) => this.stopProcess(key, true),
      startProcess: (key) => this.startProcess(key, true),
    }));
    this.bus = new EventBus(this.now, options.eventQueueLimit ?? 10000);
    ({ registry: this.registry, ops: this.ops, readiness: this.readiness, planner: this.planner } = wireParts({
      options,
      logger: this.logger,
      now: this.now,
      bus: this.bus,
      waiters: this.waiters,
      governor: this.governor,
      identifier: () => this.active.supervisord.identifier,
      daemonRunning: () => this.currentState === "RUNNING",
      pending: () => this.pending,
      settled: (proc) => this.settled(proc),
      checksChanged: (proc) => this.checksChanged(proc),
      stopOne: (proc, name) => this.stopOne(proc, name, true),
      stopProcessGroup: (name) => this.stopProcessGroup(name),
      removeProcessGroup: (name) => this.removeProcessGroup(name),
      addProcessGroup: (name) => this.addProcessGroup(name),
    }));
  }

  /** RUNNING, or SHUTDOWN / RESTARTING once shutdown() began. */
  get state(): SupervisorStateName {
    return this.currentState;
  }

  /** The config the daemon started (or last restarted) with. */
  get activeConfig(): Config {
    return this.active;
  }

  /** The config of the last reloadConfig() (addProcessGroup reads from it), or the active one. */
  get pendingConfig(): Config {
    return this.pending;
  }

  /** Active groups in priority order. */
  activeGroups(): GroupConfig[] {
    return this.registry.sorted().map((g) => g.config);
  }

  /**
   * Activate every group of the config (PROCESS_GROUP_ADDED each, config order), emit
   * SUPERVISOR_STATE_CHANGE_RUNNING (LOOP-02), then autostart processes in priority order (ORD-03; all in the same
   * step, nobody waits for RUNNING). After a restart-shutdown, call again with the freshly read config.
   */
  start(config?: Config): void {
    if (this.started && this.registry.size > 0) throw new Error("Supervisor already started");
    if (config !== undefined) {
      this.active = config;
      this.pending = config;
    }
    // Before anything is activated, so a failure leaves nothing half-started (supervisord dies here).
    for (const group of this.active.groups) this.registry.checkSockets(group);
    this.started = true;
    this.currentState = "RUNNING";
    this.shutdownPromise = null;
    // supervisord's add_process_group: the first group of a name in (priority, name) order wins, so an
    // [eventlistener:x] (priority -1) runs instead of a [program:x] (999) of the same name (issue 21 defect 4).
    for (const group of this.active.groups) if (!this.registry.has(group.name)) this.registry.activate(group);
    this.bus.publish({ name: "SUPERVISOR_STATE_CHANGE_RUNNING" });
    // issue 14: depends_on order (priority breaks ties; else priority order), gated starts; issue 20: in turns.
    const wanted = (p: ManagedProcess): boolean => this.currentState === "RUNNING" && this.registry.find(p.groupName, p.name) === p;
    const start = (p: ManagedProcess): void => autostartAsDesired(p, this.options.desiredState, this.readiness, this.logger);
    const order = this.readiness.groupsInStartOrder().flatMap((g) => g.processes);
    const busy = (p: ManagedProcess): boolean => p.state === "STARTING" || this.readiness.startPending(p);
    const startup = (this.startup = new StartupSettleWatch(order, busy));
    autostartInTurns(order, wanted, start, () => startup.passFinished());
  }

  /**
   * issue 20: `fn` runs once, when the last start()'s autostart pass has run and none of its processes is STARTING
   * or waiting for a dependency that can still be met (startup-settle.ts); right away if that has happened. Never
   * when a shutdown or restart comes first: shutdown() drops the callbacks not run yet.
   */
  onStartupSettled(fn: () => void): void {
    this.startup.onSettled(fn);
  }

  /**
   * What a namespec names: `name` / `group:name` a process, `group:` / `group:*` a whole group (BAD_NAME when
   * nothing matches). The wire layers use it to send group selectors to the *ProcessGroup operations.
   */
  resolve(namespec: string): Target {
    const { group, proc } = this.registry.resolve(namespec);
    if (proc === null) return { kind: "group", group: group.config.name };
    return { kind: "process", group: group.config.name, name: proc.name, namespec: makeNamespec(proc.groupName, proc.name) };
  }

  // ---- start / stop / signal / stdin (one process: BAD_NAME for group selectors, see resolve()) ----------------

  /** §5.5 startProcess: resolves once RUNNING (wait) or once spawned; SupervisorError faults. */
  async startProcess(name: string, wait = true): Promise<void> {
    this.assertRunning();
    await this.startOne(this.registry.process(name), name, wait);
  }

  async startProcessGroup(name: string, wait = true): Promise<ProcessResult[]> {
    this.assertRunning();
    const procs = this.registry.group(name).processesInConfigOrder;
    return forEachProcess(procs, (p) => !RUNNING_STATES.has(p.state), (ns, p) => this.startOne(p, ns, wait), wait);
  }

  async startAllProcesses(wait = true): Promise<ProcessResult[]> {
    this.assertRunning();
    const procs = this.registry.processesInCallOrder();
    return forEachProcess(procs, (p) => !RUNNING_STATES.has(p.state), (ns, p) => this.startOne(p, ns, wait), wait);
  }

  async stopProcess(name: string, wait = true): Promise<void> {
    this.assertRunning();
    await this.stopOne(this.registry.process(name), name, wait);
  }

  async stopProcessGroup(name: string, wait = true): Promise<ProcessResult[]> {
    this.assertRunning();
    const procs = this.registry.group(name).processesInConfigOrder;
    return forEachProcess(procs, (p) => RUNNING_STATES.has(p.state), (ns, p) => this.stopOne(p, ns, wait), wait);
  }

  /** ORD-05: every process is signalled at once (ascending priority order of the calls), then all are awaited. */
  async stopAllProcesses(wait = true): Promise<ProcessResult[]> {
    this.assertRunning();
    if (wait && this.readiness.hasDependencies()) return this.readiness.stopAllInDependencyOrder(); // issue 14
    const procs = this.registry.processesInCallOrder();
    return forEachProcess(procs, (p) => RUNNING_STATES.has(p.state), (ns, p) => this.stopOne(p, ns, wait), wait);
  }

  /** STP-06: the pid only. `signal` is a name (`HUP`, `SIGHUP`, any case) or a number. */
  signalProcess(name: string, signal: string | number): void {
    this.assertRunning();
    this.ops.signal(this.registry.process(name), name, signal);
  }

  signalProcessGroup(name: string, signal: string | number): ProcessResult[] {
    this.assertRunning();
    const procs = this.registry.group(name).processesInConfigOrder;
    return forEachProcessSync(procs, (p) => SIGNALLABLE_STATES.has(p.state), (ns, p) => this.ops.signal(p, ns, signal));
  }

  signalAllProcesses(signal: string | number): ProcessResult[] {
    this.assertRunning();
    const procs = this.registry.processesInCallOrder();
    return forEachProcessSync(procs, (p) => SIGNALLABLE_STATES.has(p.state), (ns, p) => this.ops.signal(p, ns, signal));
  }

  /** sendProcessStdin: strings are written as UTF-8. */
  sendProcessStdin(name: string, chars: string | Uint8Array): void {
    this.assertRunning();
    this.ops.sendStdin(this.registry.process(name), name, chars);
  }

  // ---- information ----------------------------------------------------------------------------------------

  /**
   * Reads (getProcessInfo, getAllProcessInfo, getProcessSink, getProcessConfig) work in every daemon state, so the
   * daemon can keep reporting while shutting down; the RPC layer applies SHUTDOWN_STATE to them itself. Every
   * operation that changes something refuses with SHUTDOWN_STATE once shutdown() began.
   */
  getProcessInfo(name: string, options: InfoOptions = {}): ProcessInfo {
    const proc = this.registry.process(name);
    return this.infoOf(proc, sampleStats(this.stats, [proc], options), this.now());
  }

  /** Sorted by group name, then process name (lexical, like supervisord). */
  getAllProcessInfo(options: InfoOptions = {}): ProcessInfo[] {
    const procs = this.registry.processesByName();
    const stats = sampleStats(this.stats, procs, options);
    const now = this.now();
    return procs.map((p) => this.infoOf(p, stats, now));
  }

  private infoOf(proc: ManagedProcess, stats: ReturnType<typeof sampleStats>, now: number): ProcessInfo {
    return buildProcessInfo(proc, stats, now, this.readiness.info(proc), (key) => this.governor.info(key));
  }

  /**
   * The pid of a process's current child, 0 when it has none or is gone: for events produced outside the engine
   * about a process (log and capture events), without building a whole ProcessInfo.
   */
  pidOf(group: string, name: string): number {
    return this.registry.find(group, name)?.pid ?? 0;
  }

  /** The output sink of a process (log file paths, clear/reopen) for the daemon's log RPCs. */
  getProcessSink(name: string): ProcessOutputSink {
    return this.registry.process(name).sink;
  }

  /**
   * How the process's last child ended (code or signal), null if none has ended yet. Unlike `ProcessInfo.exit`
   * it is kept after an exit "too quickly" (container mode passes an essential program's last status on).
   */
  getLastExit(name: string): ExitRecord | null {
    return this.registry.process(name).machine.lastExit;
  }

  /** The config of an active process. */
  getProcessConfig(name: string): ProcessConfig {
    return this.registry.process(name).config;
  }

  // ---- config: reread, add, remove, update -----------------------------------------------------------------

  /** reloadConfig: remember `config` as pending and report the group diff; touches nothing running. */
  reloadConfig(config: Config): ReloadResult {
    this.assertRunning();
    const diff = diffActive(this.registry, config.groups);
    this.pending = config;
    return diff;
  }

  /** Activate a group from the pending config; its autostart processes start (LIF-05: new process objects). */
  addProcessGroup(name: string): void {
    this.assertRunning();
    const group = activatePending(this.registry, this.pending, name);
    for (const proc of group.processes) autostartAsDesired(proc, this.options.desiredState, this.readiness, this.logger);
  }

  removeProcessGroup(name: string): void {
    this.assertRunning();
    removeStopped(this.registry, this.bus, name, (proc) => {
      this.waiters.forget(proc);
      this.readiness.forget(proc);
    });
  }

  /**
   * supervisorctl's `update` against the pending config (call reloadConfig first): removed groups are stopped and
   * removed, added ones added; changed ones get only their changes (issue 18, update/apply-plan.ts: unchanged
   * members untouched, hot options in place). `groups` limits it to those names (`all` or empty = everything).
   */
  update(groups?: string[]): Promise<UpdateOutcome[]> {
    this.assertRunning();
    return this.planner.apply(groups);
  }

  /** issue 18: what update would do now, per group and member (dry run). */
  planUpdate(): GroupPlan[] {
    return this.planner.plan();
  }

  /** issue 18: `tsctl scale`: `reread` is the file read again with that program's numprocs = `numprocs`. */
  scaleProgram(program: string, numprocs: number, reread: Config): Promise<ScaleOutcome> {
    this.assertRunning();
    return this.planner.scale(program, numprocs, reread);
  }

  // ---- logs -----------------------------------------------------------------------------------------------

  /** CLR-02 through the sink; BAD_NAME also for `g:*`; FAILED on I/O error. */
  async clearProcessLogs(name: string): Promise<void> {
    this.assertRunning();
    await this.ops.clearLogs(this.registry.process(name), name);
  }

  async clearAllProcessLogs(): Promise<ProcessResult[]> {
    this.assertRunning();
    const procs = this.registry.sorted().flatMap((g) => g.processesInConfigOrder);
    // Each clear finishes at its own pace; supervisord answers in priority order (spec §5.4).
    return inListOrder(await forEachProcess(procs, () => true, (ns, p) => this.ops.clearLogs(p, ns), false), procs);
  }

  /** CLR-01 (SIGUSR2): reopen every process's log files. */
  async reopenLogs(): Promise<void> {
    await Promise.all(this.registry.processesByPriority().map((p) => p.sink.reopen()));
  }

  // ---- shutdown -------------------------------------------------------------------------------------------

  /**
   * Daemon shutdown or restart (§7.9, ORD-04), see shutdown.ts. Resolves when every child is gone and every sink
   * is closed; the groups are then dropped, and start(config) may run again.
   */
  shutdown(options: ShutdownOptions = {}): Promise<void> {
    if (this.shutdownPromise !== null) return this.shutdownPromise;
    this.currentState = options.restart === true ? "RESTARTING" : "SHUTDOWN";
    this.deadlineKills = [];
    this.readiness.clear();
    this.startup.abandon(); // issue 20: start-up was cut short, not finished
    this.shutdownPromise = runShutdown({
      deadlineAt: options.deadlineAt ?? null,
      deadlineKills: this.deadlineKills,
      bus: this.bus,
      registry: this.registry,
      waiters: this.waiters,
      logger: this.logger,
      now: this.now,
      onProcessGone: (proc) => this.waiters.forget(proc),
      stopOrder: () => this.readiness.groupsInStartOrder(), // issue 14: stopped from the end, dependents first
    }).then(async () => {
      // Issue 17: no sampling after shutdown; pending descendant SIGKILLs now; cgroups killed and removed.
      this.stats.dispose();
      await this.governor.dispose();
    });
    return this.shutdownPromise;
  }

  /** `name (pid N)` of every process the last shutdown's stop deadline had to SIGKILL. */
  get stopDeadlineKills(): readonly string[] {
    return this.deadlineKills;
  }

  // ---- events ---------------------------------------------------------------------------------------------

  /** Publish an event produced outside the engine (PROCESS_LOG_*, PROCESS_COMMUNICATION_*, REMOTE_COMMUNICATION). */
  emit(event: EventInput): SupervisorEvent {
    return this.bus.publish(event);
  }

  subscribe(options?: SubscribeOptions): Subscription {
    return this.bus.subscribe(options);
  }

  /** Current process infos plus every later event, with no gap (both taken in one synchronous step). */
  subscribeWithSnapshot(options?: SubscribeOptions, infoOptions: InfoOptions = {}): Snapshot {
    const processes = this.getAllProcessInfo(infoOptions);
    return { state: this.currentState, processes, events: this.bus.subscribe(options) };
  }

  // ---- internals ------------------------------------------------------------------------------------------

  private assertRunning(): void {
    if (this.currentState !== "RUNNING") throw new SupervisorError("SHUTDOWN_STATE");
  }

  private settled(proc: ManagedProcess): void {
    // A listener that just became RUNNING may take buffered events (LSN-03).
    if (proc.state === "RUNNING") this.registry.poolOf(proc)?.dispatch();
    this.registry.runHook("processSettled", proc);
    this.readiness.release(); // issue 14: a state change may meet someone's depends_on
    this.startup.changed(); // issue 20: after release(), so a dependent it starts counts as busy
    this.waiters.notify(proc);
  }

  // ---- issue 14: starts and stops go through the ReadinessFeature (depends_on gating, orders) ---------------
  private startOne(proc: ManagedProcess, name: string, wait: boolean): Promise<void> {
    return this.readiness.startOne(proc, name, wait);
  }

  private stopOne(proc: ManagedProcess, name: string, wait: boolean): Promise<void> {
    return this.readiness.stopOne(proc, name, wait);
  }

  private checksChanged(proc: ManagedProcess): void {
    this.readiness.publish(proc);
    this.settled(proc);
  }
}
