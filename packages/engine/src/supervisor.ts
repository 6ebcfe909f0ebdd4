/**
 * The Supervisor: active groups and their processes, priorities, namespec selectors and the operations the RPC
 * layer maps onto (spec §5.4/§5.5), with supervisord's results and faults. Event-driven: operations that wait
 * (start/stop with wait, shutdown) re-check their condition whenever one of their processes settles after an
 * event, instead of supervisord's 50 ms polling.
 */
import { diffGroups } from "@tsupervisord/config";
import type { Config, GroupConfig, ProcessConfig } from "@tsupervisord/config";
import { SupervisorError, isSupervisorError } from "@tsupervisord/errors";
import { CommandError, resolveCommand, searchPath } from "./command.js";
import { describeProcess } from "./describe.js";
import { EventBus } from "./event-bus.js";
import { endLeftoverGroupMembers } from "./leftovers.js";
import type { EventInput, SupervisorEvent } from "./events.js";
import type { EngineLogger } from "./logger.js";
import { nullLogger } from "./logger.js";
import { makeNamespec, splitNamespec } from "./namespec.js";
import type { ProcessOutputPort, ProcessOutputSink } from "./output-port.js";
import { EventListenerPool } from "./listener-pool.js";
import { FcgiSocket, FcgiSocketError, checkFcgiSocket } from "./fcgi-socket.js";
import { ManagedProcess } from "./process.js";
import type { ProcessEnvironment } from "./process.js";
import { StatsSampler } from "./stats/sampler.js";
import type { ProcessSample, StatsTarget } from "./stats/sampler.js";
import { ResourceGovernor } from "./limits/governor.js";
import { parseSignal } from "./signals.js";
import {
  ProcessStates,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
  STOPPED_STATES,
} from "./states.js";
import type { SupervisorStateName } from "./states.js";
import type {
  InfoOptions,
  ProcessInfo,
  ProcessResult,
  ReloadResult,
  Snapshot,
  SubscribeOptions,
  Subscription,
  SupervisorOptions,
  UpdateOutcome,
} from "./types.js";

const MAX_XMLRPC_INT = 2 ** 31 - 1;
const STOP_REPORT_EVERY_MS = 2000;
const SHUTDOWN_REPORT_EVERY_MS = 3000;
/** getProcessInfo(stats) reuses a sampler pass younger than this (a burst of status calls reads /proc once). */
const STATS_MAX_AGE_MS = 1000;

interface ActiveGroup {
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

/** Python string ordering (code points) for (priority, name) keys. */
function byPriorityThenName(a: { priority: number; name: string }, b: { priority: number; name: string }): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export class Supervisor {
  private readonly bus: EventBus;
  private readonly logger: EngineLogger;
  private readonly now: () => number;
  private readonly output: ProcessOutputPort;
  private readonly processEnv: ProcessEnvironment;
  private readonly groups = new Map<string, ActiveGroup>();
  private readonly waiters = new Map<ManagedProcess, Set<() => void>>();
  private readonly pools = new Map<ManagedProcess, EventListenerPool>();
  /** Issue 17: process-tree stats, read only while someone watches (see stats/sampler.ts). */
  readonly stats: StatsSampler;
  /** Issue 17: cgroups, descendant sweep, RSS watchdog (see limits/governor.ts). */
  readonly governor: ResourceGovernor;
  private currentState: SupervisorStateName = "RUNNING";
  private active: Config;
  private pending: Config;
  private shutdownPromise: Promise<void> | null = null;
  private started = false;

  constructor(readonly options: SupervisorOptions) {
    this.logger = options.logger ?? nullLogger;
    this.now = options.now ?? Date.now;
    this.output = options.output;
    this.active = options.config;
    this.pending = options.config;
    this.bus = new EventBus(this.now, options.eventQueueLimit ?? 10000);
    this.processEnv = {
      bus: this.bus,
      logger: this.logger,
      now: this.now,
      daemonEnv: options.env ?? process.env,
      serverUrl: options.serverUrl ?? null,
      onSettled: (proc) => this.settled(proc),
    };
    this.stats = new StatsSampler(() => this.statsTargets(), this.now);
    this.governor = new ResourceGovernor({
      config: () => this.active,
      sampler: this.stats,
      logger: this.logger,
      restart: (key) => void this.restartForWatchdog(key),
      ...(options.cgroups !== undefined ? { cgroups: options.cgroups } : {}),
    });
    this.processEnv.governor = this.governor;
  }

  /** Running processes for the stats sampler (their cgroup members where they have one). */
  private statsTargets(): StatsTarget[] {
    const out: StatsTarget[] = [];
    for (const group of this.groups.values()) {
      for (const proc of group.processes) {
        if (proc.pid === 0) continue;
        const key = `${proc.groupName}:${proc.name}`;
        out.push({ key, pid: proc.pid, cgroupPids: () => this.governor.cgroupPids(key) });
      }
    }
    return out;
  }

  /** The RSS watchdog's restart: the normal graceful stop, then a start (skipped if someone stopped it meanwhile). */
  private async restartForWatchdog(key: string): Promise<void> {
    try {
      await this.stopProcess(key, true);
      await this.startProcess(key, true);
    } catch (err) {
      this.logger.warn(`restart of ${key} by restart_if_rss_over failed: ${err instanceof Error ? err.message : String(err)}`);
    }
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
    return this.sortedGroups().map((g) => g.config);
  }

  /**
   * Activate every group of the config (PROCESS_GROUP_ADDED each, config order), emit
   * SUPERVISOR_STATE_CHANGE_RUNNING (LOOP-02), then autostart processes in priority order (ORD-03; all in the same
   * step, nobody waits for RUNNING). After a restart-shutdown, call again with the freshly read config.
   */
  start(config?: Config): void {
    if (this.started && this.groups.size > 0) throw new Error("Supervisor already started");
    if (config !== undefined) {
      this.active = config;
      this.pending = config;
    }
    // Before anything is activated, so a failure leaves nothing half-started (supervisord dies here).
    for (const group of this.active.groups) this.checkGroupSockets(group);
    this.started = true;
    this.currentState = "RUNNING";
    this.shutdownPromise = null;
    for (const group of this.active.groups) this.activateGroup(group);
    this.bus.publish({ name: "SUPERVISOR_STATE_CHANGE_RUNNING" });
    for (const group of this.sortedGroups()) {
      for (const proc of group.processes) proc.dispatch({ type: "autostart" });
    }
  }

  // ---- start / stop -------------------------------------------------------------------------------------------

  /** §5.5 startProcess; `g:`/`g:*` delegates to startProcessGroup and returns its results. */
  async startProcess(name: string, wait = true): Promise<true | ProcessResult[]> {
    this.assertRunning();
    const { group, proc } = this.lookup(name);
    if (proc === null) return this.startProcessGroup(group.config.name, wait);
    return this.startOne(proc, name, wait);
  }

  async startProcessGroup(name: string, wait = true): Promise<ProcessResult[]> {
    this.assertRunning();
    const group = this.groups.get(name);
    if (group === undefined) throw new SupervisorError("BAD_NAME", name);
    return this.allfunc(group.processes, (p) => !RUNNING_STATES.has(p.state), (ns, p) => this.startOne(p, ns, wait));
  }

  async startAllProcesses(wait = true): Promise<ProcessResult[]> {
    this.assertRunning();
    return this.allfunc(this.allProcessesByPriority(), (p) => !RUNNING_STATES.has(p.state), (ns, p) =>
      this.startOne(p, ns, wait),
    );
  }

  async stopProcess(name: string, wait = true): Promise<true | ProcessResult[]> {
    this.assertRunning();
    const { group, proc } = this.lookup(name);
    if (proc === null) return this.stopProcessGroup(group.config.name, wait);
    return this.stopOne(proc, name, wait);
  }

  async stopProcessGroup(name: string, wait = true): Promise<ProcessResult[]> {
    this.assertRunning();
    const group = this.groups.get(name);
    if (group === undefined) throw new SupervisorError("BAD_NAME", name);
    return this.allfunc(group.processes, (p) => RUNNING_STATES.has(p.state), (ns, p) => this.stopOne(p, ns, wait));
  }

  /** ORD-05: every process is signalled at once (ascending priority order of the calls), then all are awaited. */
  async stopAllProcesses(wait = true): Promise<ProcessResult[]> {
    this.assertRunning();
    return this.allfunc(this.allProcessesByPriority(), (p) => RUNNING_STATES.has(p.state), (ns, p) =>
      this.stopOne(p, ns, wait),
    );
  }

  private async startOne(proc: ManagedProcess, name: string, wait: boolean): Promise<true> {
    this.precheckCommand(proc);
    if (RUNNING_STATES.has(proc.state)) throw new SupervisorError("ALREADY_STARTED", name);
    if (proc.state === "UNKNOWN") throw new SupervisorError("FAILED", `${name} is in an unknown process state`);
    proc.dispatch({ type: "start" });
    if (proc.machine.spawnerr !== null) throw new SupervisorError("SPAWN_ERROR", name);
    if (!wait || proc.state === "RUNNING") return true;
    return this.waitFor(proc, () => {
      if (proc.machine.spawnerr !== null) throw new SupervisorError("SPAWN_ERROR", name);
      if (proc.state !== "STARTING" && proc.state !== "RUNNING") {
        throw new SupervisorError("ABNORMAL_TERMINATION", name);
      }
      return proc.state === "RUNNING" ? true : undefined;
    });
  }

  private async stopOne(proc: ManagedProcess, name: string, wait: boolean): Promise<true> {
    if (!RUNNING_STATES.has(proc.state)) throw new SupervisorError("NOT_RUNNING", name);
    const result = proc.dispatch({ type: "stop" });
    if (result?.refused !== undefined) throw new SupervisorError("FAILED", result.refused);
    proc.lastStopReport = 0;
    if (!wait || STOPPED_STATES.has(proc.state)) return true;
    const report = (): void => this.stopReport(proc);
    report();
    return this.waitFor(proc, () => (STOPPED_STATES.has(proc.state) ? true : undefined), {
      everyMs: STOP_REPORT_EVERY_MS,
      run: report,
    });
  }

  /** STP-07: `waiting for <name> to stop`, at most every 2 s per process. */
  private stopReport(proc: ManagedProcess): void {
    if (proc.state !== "STOPPING") return;
    const now = this.now();
    if (now > proc.lastStopReport + STOP_REPORT_EVERY_MS) {
      this.logger.info(`waiting for ${proc.name} to stop`);
      proc.lastStopReport = now;
    }
  }

  /** §5.5 step 2: NO_FILE / NOT_EXECUTABLE before any state check. */
  private precheckCommand(proc: ManagedProcess): void {
    try {
      resolveCommand(proc.config.command, searchPath(proc.config.environment, this.processEnv.daemonEnv));
    } catch (err) {
      if (err instanceof CommandError) {
        throw new SupervisorError(err.kind === "missing" ? "NO_FILE" : "NOT_EXECUTABLE", err.message);
      }
      throw err;
    }
  }

  // ---- signals, stdin --------------------------------------------------------------------------------------

  /** STP-06: pid only; `g:*` delegates to signalProcessGroup. */
  signalProcess(name: string, signal: string | number): true | ProcessResult[] {
    this.assertRunning();
    const { group, proc } = this.lookup(name);
    if (proc === null) return this.signalProcessGroup(group.config.name, signal);
    return this.signalOne(proc, name, signal);
  }

  signalProcessGroup(name: string, signal: string | number): ProcessResult[] {
    this.assertRunning();
    const group = this.groups.get(name);
    if (group === undefined) throw new SupervisorError("BAD_NAME", name);
    return this.allfuncSync(group.processes, (p) => SIGNALLABLE_STATES.has(p.state), (ns, p) =>
      this.signalOne(p, ns, signal),
    );
  }

  signalAllProcesses(signal: string | number): ProcessResult[] {
    this.assertRunning();
    return this.allfuncSync(this.allProcessesByPriority(), (p) => SIGNALLABLE_STATES.has(p.state), (ns, p) =>
      this.signalOne(p, ns, signal),
    );
  }

  private signalOne(proc: ManagedProcess, name: string, signal: string | number): true {
    const sig = parseSignal(signal);
    if (sig === undefined) throw new SupervisorError("BAD_SIGNAL", String(signal));
    if (!SIGNALLABLE_STATES.has(proc.state)) throw new SupervisorError("NOT_RUNNING", name);
    const message = proc.signal(sig);
    if (message !== null) throw new SupervisorError("FAILED", message);
    return true;
  }

  /** sendProcessStdin: strings are written as UTF-8. */
  sendProcessStdin(name: string, chars: string | Uint8Array): true {
    this.assertRunning();
    if (typeof chars !== "string" && !(chars instanceof Uint8Array)) {
      throw new SupervisorError("INCORRECT_PARAMETERS", String(chars));
    }
    const { proc } = this.lookup(name);
    if (proc === null) throw new SupervisorError("BAD_NAME", name);
    if (proc.pid === 0 || proc.machine.killing) throw new SupervisorError("NOT_RUNNING", name);
    if (!proc.stdinOpen) throw new SupervisorError("NO_FILE", name);
    proc.writeStdin(chars);
    return true;
  }

  // ---- information ----------------------------------------------------------------------------------------

  /**
   * Reads (getProcessInfo, getAllProcessInfo, getProcessSink, getProcessConfig) work in every daemon state, so the
   * daemon can keep reporting while shutting down; the RPC layer applies SHUTDOWN_STATE to them itself. Every
   * operation that changes something refuses with SHUTDOWN_STATE once shutdown() began.
   */
  getProcessInfo(name: string, options: InfoOptions = {}): ProcessInfo {
    const { proc } = this.lookup(name);
    if (proc === null) throw new SupervisorError("BAD_NAME", name);
    return this.info(proc, this.sampleStats([proc], options));
  }

  /** Sorted by group name, then process name (lexical, like supervisord). */
  getAllProcessInfo(options: InfoOptions = {}): ProcessInfo[] {
    return this.allProcessInfo(options);
  }

  private allProcessInfo(options: InfoOptions): ProcessInfo[] {
    const procs = [...this.groups.values()]
      .sort((a, b) => byName(a.config, b.config))
      .flatMap((g) => [...g.processes].sort(byName));
    const stats = this.sampleStats(procs, options);
    return procs.map((p) => this.info(p, stats));
  }

  /** The output sink of a process (log file paths, clear/reopen) for the daemon's log RPCs. */
  getProcessSink(name: string): ProcessOutputSink {
    const { proc } = this.lookup(name);
    if (proc === null) throw new SupervisorError("BAD_NAME", name);
    return proc.sink;
  }

  /** The config of an active process. */
  getProcessConfig(name: string): ProcessConfig {
    const { proc } = this.lookup(name);
    if (proc === null) throw new SupervisorError("BAD_NAME", name);
    return proc.config;
  }

  /** A pass of the stats sampler (shared with every watcher; reused when younger than a second). */
  private sampleStats(procs: ManagedProcess[], options: InfoOptions): ReadonlyMap<string, ProcessSample> | null {
    if (options.stats === false || procs.every((p) => p.pid === 0)) return null;
    return this.stats.fresh(STATS_MAX_AGE_MS);
  }

  private info(proc: ManagedProcess, stats: ReadonlyMap<string, ProcessSample> | null): ProcessInfo {
    const m = proc.machine;
    const cap = (ms: number): number => Math.min(Math.trunc(ms / 1000), MAX_XMLRPC_INT);
    const start = cap(m.laststart);
    const stop = cap(m.laststop);
    const now = cap(this.now());
    const spawnerr = m.spawnerr ?? "";
    const stdoutLogfile = proc.sink.stdoutLogfile ?? "";
    const stderrLogfile = proc.sink.stderrLogfile ?? "";
    const sample = m.pid !== 0 ? stats?.get(`${proc.groupName}:${proc.name}`) : undefined;
    const tree = sample?.root === m.pid ? sample : undefined;
    return {
      name: proc.name,
      group: proc.groupName,
      description: describeProcess({ state: m.state, name: proc.name, pid: m.pid, start, stop, now, spawnerr }),
      start,
      stop,
      now,
      state: ProcessStates[m.state],
      statename: m.state,
      spawnerr,
      exitstatus: m.exitstatus ?? 0,
      logfile: stdoutLogfile,
      stdout_logfile: stdoutLogfile,
      stderr_logfile: stderrLogfile,
      pid: m.pid,
      cpuPercent: tree?.cpuPercent ?? null,
      rssBytes: tree?.rssBytes ?? null,
      lastExit: proc.lastExit,
      restarts: Math.max(0, proc.spawnCount - 1),
      cpuSeconds: tree?.cpuSeconds ?? null,
      fds: tree?.fds ?? null,
      treeProcesses: tree?.members.length ?? null,
      governance: this.governor.info(`${proc.groupName}:${proc.name}`),
      ...(proc.config.limits !== undefined ? { limits: proc.config.limits } : {}),
    };
  }

  // ---- config: reread, add, remove, update -----------------------------------------------------------------

  /** reloadConfig: remember `config` as pending and report the group diff; touches nothing running. */
  reloadConfig(config: Config): ReloadResult {
    this.assertRunning();
    const diff = diffGroups(
      [...this.groups.values()].map((g) => g.config),
      config.groups,
    );
    this.pending = config;
    return diff;
  }

  /** Activate a group from the pending config; its autostart processes start (LIF-05: new process objects). */
  addProcessGroup(name: string): true {
    this.assertRunning();
    const config = this.pending.groups.find((g) => g.name === name);
    if (config === undefined) throw new SupervisorError("BAD_NAME", name);
    if (this.groups.has(name)) throw new SupervisorError("ALREADY_ADDED", name);
    this.checkGroupSockets(config);
    const group = this.activateGroup(config);
    for (const proc of group.processes) proc.dispatch({ type: "autostart" });
    return true;
  }

  removeProcessGroup(name: string): true {
    this.assertRunning();
    const group = this.groups.get(name);
    if (group === undefined) throw new SupervisorError("BAD_NAME", name);
    if (group.processes.some((p) => !STOPPED_STATES.has(p.state))) throw new SupervisorError("STILL_RUNNING", name);
    this.deactivateGroup(group);
    this.bus.publish({ name: "PROCESS_GROUP_REMOVED", groupName: name });
    return true;
  }

  /**
   * supervisorctl's `update` against the pending config (call reloadConfig first): removed groups are stopped and
   * removed, changed ones stopped, removed and re-added, added ones added; unchanged groups keep running
   * (D-RLD-03). `groups` limits it to those names (`all` or empty = everything).
   */
  async update(groups?: string[]): Promise<UpdateOutcome[]> {
    this.assertRunning();
    const diff = diffGroups(
      [...this.groups.values()].map((g) => g.config),
      this.pending.groups,
    );
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
        const results = await this.stopProcessGroup(name);
        if (results.some((r) => r.status === "FAILED")) throw new SupervisorError("FAILED", `${name}: has problems; not removing`);
        this.removeProcessGroup(name);
      });
    }
    for (const name of diff.changed.filter(wanted)) {
      await attempt(name, "changed", async () => {
        await this.stopProcessGroup(name);
        this.removeProcessGroup(name);
        this.addProcessGroup(name);
      });
    }
    for (const name of diff.added.filter(wanted)) {
      await attempt(name, "added", async () => {
        this.addProcessGroup(name);
      });
    }
    return outcomes;
  }

  // ---- logs -----------------------------------------------------------------------------------------------

  /** CLR-02 through the sink; BAD_NAME also for `g:*`; FAILED on I/O error. */
  async clearProcessLogs(name: string): Promise<true> {
    this.assertRunning();
    const { proc } = this.lookup(name);
    if (proc === null) throw new SupervisorError("BAD_NAME", name);
    return this.clearOne(proc, name);
  }

  async clearAllProcessLogs(): Promise<ProcessResult[]> {
    this.assertRunning();
    const procs = this.sortedGroups().flatMap((g) => g.processesInConfigOrder);
    const results = await this.allfunc(procs, () => true, (ns, p) => this.clearOne(p, ns));
    // Each clear finishes at its own pace; supervisord answers in priority order (spec §5.4).
    const rank = new Map(procs.map((p, i) => [makeNamespec(p.groupName, p.name), i]));
    const rankOf = (r: ProcessResult): number => rank.get(makeNamespec(r.group, r.name)) ?? 0;
    return results.sort((a, b) => rankOf(a) - rankOf(b));
  }

  /**
   * supervisord's removelogs() walks the process's dispatchers, and a process without a child has none: clearing
   * a never-started or stopped process succeeds and leaves its files alone (the 4.2.5 transcript keeps a stopped
   * program's last line). So the sink is only cleared while there is a child.
   */
  private async clearOne(proc: ManagedProcess, name: string): Promise<true> {
    if (proc.pid === 0) return true;
    try {
      await proc.sink.clear();
    } catch (err) {
      throw new SupervisorError("FAILED", name, { cause: err });
    }
    return true;
  }

  /** CLR-01 (SIGUSR2): reopen every process's log files. */
  async reopenLogs(): Promise<void> {
    await Promise.all(this.allProcessesByPriority().map((p) => p.sink.reopen()));
  }

  // ---- shutdown -------------------------------------------------------------------------------------------

  /**
   * Daemon shutdown or restart (§7.9, ORD-04): state SHUTDOWN (or RESTARTING), SUPERVISOR_STATE_CHANGE_STOPPING,
   * no more automatic spawns, then groups are stopped one at a time from the highest priority number down, each
   * fully stopped before the next; BACKOFF gives up (T9). `waiting for a, b to die` every 3 s. Resolves when
   * every child is gone and every sink is closed; the groups are then dropped, and start(config) may run again.
   */
  shutdown(options: { restart?: boolean } = {}): Promise<void> {
    if (this.shutdownPromise !== null) return this.shutdownPromise;
    this.currentState = options.restart === true ? "RESTARTING" : "SHUTDOWN";
    this.shutdownPromise = this.runShutdown();
    return this.shutdownPromise;
  }

  private async runShutdown(): Promise<void> {
    this.bus.publish({ name: "SUPERVISOR_STATE_CHANGE_STOPPING" });
    for (const proc of this.allProcessesByPriority()) proc.dispatch({ type: "daemon-state", running: false });
    let lastReport = 0;
    const report = (): void => {
      // The clock first: report() runs once per group, and walking every group each time is O(groups²).
      const now = this.now();
      if (now <= lastReport + SHUTDOWN_REPORT_EVERY_MS) return;
      const unstopped = [...this.groups.values()].flatMap((g) => g.processes.filter((p) => !STOPPED_STATES.has(p.state)));
      if (unstopped.length === 0) return;
      lastReport = now;
      this.logger.info(`waiting for ${unstopped.map((p) => p.name).join(", ")} to die`);
      for (const p of unstopped) this.logger.blather(`${p.name} state: ${p.state}`);
    };
    const interval = setInterval(report, SHUTDOWN_REPORT_EVERY_MS);
    try {
      const stopGroups = this.sortedGroups();
      while (stopGroups.length > 0) {
        const group = stopGroups[stopGroups.length - 1] as ActiveGroup;
        this.stopGroupForShutdown(group);
        report();
        await this.waitAll(group.processes, () => {
          // Like supervisord's loop, keep applying stop_all() so a process that got its pid late is stopped too.
          this.stopGroupForShutdown(group);
          return group.processes.every((p) => STOPPED_STATES.has(p.state));
        });
        stopGroups.pop();
      }
    } finally {
      clearInterval(interval);
    }
    const groups = [...this.groups.values()];
    const swept = await endLeftoverGroupMembers(groups.flatMap((g) => g.processes.flatMap((p) => p.recentProcessGroups)));
    if (swept > 0) this.logger.info(`ended leftover processes in ${swept} process group(s)`);
    this.groups.clear();
    await Promise.all(groups.map((g) => this.closeGroup(g)));
    this.stats.dispose();
    await this.governor.dispose();
  }

  /** ProcessGroup.stop_all(): descending priority; RUNNING/STARTING stop, BACKOFF gives up. */
  private stopGroupForShutdown(group: ActiveGroup): void {
    for (const proc of [...group.processes].reverse()) {
      if (proc.state === "RUNNING" || proc.state === "STARTING" || proc.state === "BACKOFF") {
        proc.dispatch({ type: "shutdown-stop" });
      }
    }
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
    const processes = this.allProcessInfo(infoOptions);
    return { state: this.currentState, processes, events: this.bus.subscribe(options) };
  }

  // ---- internals ------------------------------------------------------------------------------------------

  private assertRunning(): void {
    if (this.currentState !== "RUNNING") throw new SupervisorError("SHUTDOWN_STATE");
  }

  private lookup(name: string): { group: ActiveGroup; proc: ManagedProcess | null } {
    const spec = splitNamespec(name);
    const group = this.groups.get(spec.group);
    if (group === undefined) throw new SupervisorError("BAD_NAME", name);
    if (spec.process === null) return { group, proc: null };
    const proc = group.byName.get(spec.process);
    if (proc === undefined) throw new SupervisorError("BAD_NAME", name);
    return { group, proc };
  }

  private sortedGroups(): ActiveGroup[] {
    return [...this.groups.values()].sort((a, b) => byPriorityThenName(a.config, b.config));
  }

  private allProcessesByPriority(): ManagedProcess[] {
    return this.sortedGroups().flatMap((g) => g.processes);
  }

  /**
   * FastCGIProcessGroup.__init__ creates the socket once to fail early. supervisord lets the ValueError escape
   * (startup dies, addProcessGroup answers HTTP 500); here it is logged and thrown as FAILED with its text.
   */
  private checkGroupSockets(config: GroupConfig): void {
    if (config.kind !== "fcgi-program" || config.fcgi === undefined) return;
    try {
      checkFcgiSocket(config.fcgi, this.logger);
    } catch (err) {
      if (!(err instanceof FcgiSocketError)) throw err;
      this.logger.error(err.message);
      throw new SupervisorError("FAILED", err.message, { cause: err });
    }
  }

  private activateGroup(config: GroupConfig): ActiveGroup {
    const processes = [...config.processes]
      .sort(byPriorityThenName)
      .map((pc) => new ManagedProcess(pc, this.output.create(pc), this.processEnv, this.currentState === "RUNNING"));
    // POOL-03: the pool exists before its own PROCESS_GROUP_ADDED is published, so it receives it.
    const pool =
      config.kind === "eventlistener" && config.pool !== undefined
        ? new EventListenerPool(config.name, config.pool, processes, this.bus, this.logger, this.active.supervisord.identifier)
        : null;
    if (pool !== null) for (const proc of processes) this.pools.set(proc, pool);
    const fcgiSocket =
      config.kind === "fcgi-program" && config.fcgi !== undefined ? new FcgiSocket(config.fcgi, this.logger) : null;
    for (const proc of processes) proc.fcgiSocket = fcgiSocket;
    const processByName = new Map(processes.map((p) => [p.name, p]));
    const group: ActiveGroup = {
      config,
      pool,
      fcgiSocket,
      processes,
      processesInConfigOrder: config.processes
        .map((pc) => processByName.get(pc.name) as ManagedProcess)
        .sort((a, b) => a.config.priority - b.config.priority),
      byName: processByName,
    };
    this.groups.set(config.name, group);
    this.bus.publish({ name: "PROCESS_GROUP_ADDED", groupName: config.name });
    return group;
  }

  private deactivateGroup(group: ActiveGroup): void {
    this.groups.delete(group.config.name);
    void this.closeGroup(group);
  }

  private async closeGroup(group: ActiveGroup): Promise<void> {
    group.pool?.close();
    group.fcgiSocket?.dispose();
    for (const proc of group.processes) {
      this.pools.delete(proc);
      proc.dispose();
      this.waiters.delete(proc);
    }
    await Promise.all(
      group.processes.map((p) =>
        p.sink.close().catch((err: unknown) => this.logger.error(`error closing logs of ${p.name}: ${String(err)}`)),
      ),
    );
  }

  private settled(proc: ManagedProcess): void {
    // A listener that just became RUNNING may take buffered events (LSN-03).
    if (proc.state === "RUNNING") this.pools.get(proc)?.dispatch();
    const set = this.waiters.get(proc);
    if (set === undefined) return;
    for (const waiter of [...set]) waiter();
  }

  private addWaiter(proc: ManagedProcess, waiter: () => void): () => void {
    let set = this.waiters.get(proc);
    if (set === undefined) this.waiters.set(proc, (set = new Set()));
    set.add(waiter);
    return () => {
      set.delete(waiter);
      if (set.size === 0 && this.waiters.get(proc) === set) this.waiters.delete(proc);
    };
  }

  /** Resolve with check()'s value once it is defined, re-checking after every event of the process. */
  private waitFor<T>(
    proc: ManagedProcess,
    check: () => T | undefined,
    tick?: { everyMs: number; run: () => void },
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let interval: NodeJS.Timeout | null = null;
      let remove = (): void => {};
      const done = (): void => {
        remove();
        if (interval !== null) clearInterval(interval);
      };
      const waiter = (): void => {
        try {
          const value = check();
          if (value !== undefined) {
            done();
            resolve(value);
          }
        } catch (err) {
          done();
          reject(err as Error);
        }
      };
      remove = this.addWaiter(proc, waiter);
      if (tick !== undefined) interval = setInterval(tick.run, tick.everyMs);
      waiter();
    });
  }

  /** Resolve once check() is true, re-checking after every event of any of the processes. */
  private waitAll(procs: ManagedProcess[], check: () => boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const removers: Array<() => void> = [];
      const waiter = (): void => {
        if (check()) {
          for (const r of removers) r();
          resolve();
        }
      };
      for (const proc of procs) removers.push(this.addWaiter(proc, waiter));
      waiter();
    });
  }

  /** make_allfunc(): per-process results in completion order (synchronous faults first). */
  private async allfunc(
    procs: ManagedProcess[],
    predicate: (p: ManagedProcess) => boolean,
    run: (namespec: string, p: ManagedProcess) => Promise<unknown>,
  ): Promise<ProcessResult[]> {
    const results: ProcessResult[] = [];
    const pending: Array<Promise<void>> = [];
    for (const proc of procs) {
      if (!predicate(proc)) continue;
      const ns = makeNamespec(proc.groupName, proc.name);
      pending.push(
        run(ns, proc).then(
          () => {
            results.push(ok(proc));
          },
          (err: unknown) => {
            results.push(failure(proc, err));
          },
        ),
      );
    }
    await Promise.all(pending);
    return results;
  }

  private allfuncSync(
    procs: ManagedProcess[],
    predicate: (p: ManagedProcess) => boolean,
    run: (namespec: string, p: ManagedProcess) => unknown,
  ): ProcessResult[] {
    const results: ProcessResult[] = [];
    for (const proc of procs) {
      if (!predicate(proc)) continue;
      try {
        run(makeNamespec(proc.groupName, proc.name), proc);
        results.push(ok(proc));
      } catch (err) {
        results.push(failure(proc, err));
      }
    }
    return results;
  }
}

function ok(proc: ManagedProcess): ProcessResult {
  return { name: proc.name, group: proc.groupName, status: "SUCCESS", description: "OK" };
}

function failure(proc: ManagedProcess, err: unknown): ProcessResult {
  if (isSupervisorError(err)) {
    return { name: proc.name, group: proc.groupName, status: err.code, description: err.message };
  }
  const message = err instanceof Error ? `${err.name}:${err.message}` : String(err);
  return { name: proc.name, group: proc.groupName, status: "FAILED", description: `FAILED: ${message}` };
}
