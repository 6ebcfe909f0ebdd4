import { DEFAULT_CONTAINER_SETTINGS, STOP_DEADLINE_ENV, type Config, type ProcessConfig, type ReadConfigOptions } from "@tsupervisord/config";
import { AUTOSTART_PER_TURN, CONTAINER_EXIT, ProcessControl, Supervisor, monotonicNow, type ProcessOutputPort } from "@tsupervisord/engine";
import { cleanupAutoLogs, createActivityLog, createProcessOutputPort, type ActivityLog } from "@tsupervisord/logs";
import { SupervisorError } from "@tsupervisord/errors";
import type { CliOptions } from "./cli/options.js";
import { usageError, UsageExit } from "./cli/terminal.js";
import { ListenerError } from "./listeners/errors.js";
import { PidFile } from "./runtime/pidfile.js";
import { checkLimits } from "./runtime/rlimits.js";
import { readInstallBeforeDroppingPrivileges } from "./runtime/install-preload.js";
import { dropPrivileges, ROOT_WARNING } from "./runtime/privileges.js";
import { SignalQueue, type HandledSignal } from "./runtime/signal-queue.js";
import { openServers, preloadsGrpcFace, serverUrlFor, type OpenServers } from "./runtime/listeners.js";
import { collectGarbageNow, quietIdleHeap } from "./runtime/heap-idle.js";
import { activityLogExtensions } from "./runtime/activity-log-ext.js";
import { terminalEcho } from "./runtime/terminal-echo.js";
import { ensureOrphanReaper } from "./runtime/orphan-reaper.js";
import { describeLogPump, logPump } from "./runtime/log-pump.js";
import { childSpawner, describeSpawner, spawnerOf } from "./runtime/child-spawner.js";
import { ContainerWatch, type ContainerEnd } from "./container/watch.js";
import { createNotifySocketFactory, type NotifySocketFactory } from "@tsupervisord/reaper";
import { withoutSupervisorNamespace } from "./service/namespace.js";
import { createHandlers } from "./service/handlers.js";
import { createXmlRpcBackend } from "./service/xmlrpc-backend.js";
import { rereadFault } from "./service/reread-fault.js";
import { withBoundedFaults } from "./service/bounded-faults.js";
import { withCallLog } from "./service/call-log.js";
import type { DaemonStateName, ServiceContext } from "./service/context.js";
import { daemonVersion } from "./version.js";
import { collectMetrics } from "./metrics/collect.js";
import { DaemonAccess } from "./access/services.js";
import { auditSinks } from "./access/sinks.js";
import { DaemonStatsSource } from "./metrics/daemon-stats.js";
import { GenerationState } from "./state/index.js";

export interface RunDaemonOptions {
  cli: CliOptions;
  config: Config;
  progname: string;
  /** True in the detached child of daemon mode (§7.3): chdir/umask apply, "daemonizing" is logged. */
  daemonized: boolean;
  /** Lines for the user's terminal (stderr, or the waiting parent in daemon mode). */
  toTerminal: (line: string) => void;
  /** Called once the first generation is serving, before autostart (daemon mode: the parent exits 0). */
  ready: () => void;
  /** issue 18: `overrides` = numprocs per program (`tsctl scale`). */
  rereadConfig: (overrides?: Pick<ReadConfigOptions, "numprocsOverrides">) => Promise<Config>;
}

/** One start of §7.2 with one config: its log, its engine, its servers. A restart makes a new one. */
interface Generation {
  config: Config;
  log: ActivityLog;
  supervisor: Supervisor;
  servers: OpenServers;
  closing: AbortController;
  /** Container mode: essential programs, exit_when, the health probes. */
  container: ContainerWatch;
  /** False once the log is being closed: late writers (an orphan reaped at the very end) must not touch it. */
  logOpen: boolean;
  /** issue 18: desired state and the children file. */
  state: GenerationState;
}

type StopReason = "shutdown" | "restart";

/**
 * The daemon's life: start a generation, serve until a shutdown or restart request (signal or RPC), stop
 * everything in reverse priority, and either exit 0 or start again with the freshly read config (§7.4, §7.5,
 * §7.9).
 *
 * Intentional difference from D-RLD-02: a restart (SIGHUP, Restart RPC) reads and validates the new config
 * *before* stopping anything. If it is invalid, SIGHUP logs the errors and keeps running with the old config,
 * and the Restart RPC fails with CANT_REREAD; supervisord would stop every process and then exit 2.
 */
export async function runDaemon(opts: RunDaemonOptions): Promise<number> {
  return new Daemon(opts).run();
}

class Daemon {
  private state: DaemonStateName = "RUNNING";
  private generation: Generation | null = null;
  private nextConfig: Config | null = null;
  private firstStart = true;
  private pidfile: PidFile | null = null;
  private readonly startedAt = Math.floor(Date.now() / 1000);
  private readonly version = daemonVersion();
  private resolveStop: ((reason: StopReason) => void) | null = null;
  /** Issue 17: the daemon's own stats for /metrics (its event-loop monitor runs only while scraped). */
  private readonly daemonStats = new DaemonStatsSource();
  private readonly scrapes = { count: 0 };
  /** Issue 19: the failed-login limiter and counters, kept across reloads. */
  private readonly access = new DaemonAccess();
  /** The status the daemon exits with after a shutdown (container mode: why it stopped, README exit codes). */
  private exitCode: number = CONTAINER_EXIT.OK;
  /** When shutdown was first asked for, on the monotonic clock (the stop deadline counts from it). */
  private shutdownRequestedAt: number | null = null;
  /** issue 14: sd_notify sockets of this generation's children (their private directory goes with it). */
  private notifyFactory: NotifySocketFactory | null = null;

  constructor(private readonly opts: RunDaemonOptions) {}

  async run(): Promise<number> {
    quietIdleHeap(); // issue 20: one memory-reducer GC after start-up instead of three
    const signals = new SignalQueue((signal) => this.onSignal(signal));
    signals.install();
    process.on("uncaughtException", this.onUncaught);
    let config = this.opts.config;
    try {
      for (;;) {
        const stopped = new Promise<StopReason>((resolve) => (this.resolveStop = resolve));
        let generation: Generation;
        try {
          generation = await this.startGeneration(config);
        } catch (err) {
          if (this.firstStart || !(err instanceof UsageExit)) throw err;
          // A restart that cannot open its servers again: supervisord exits 2 at this point too.
          for (const line of err.lines) process.stderr.write(`${line}\n`);
          return 2;
        }
        this.firstStart = false;
        await stopped;
        await this.stopGeneration(generation);
        if (this.state === "SHUTDOWN") return this.exitCode;
        config = this.nextConfig ?? config;
        this.nextConfig = null;
        this.state = "RUNNING";
      }
    } finally {
      signals.uninstall();
      this.daemonStats.stop();
      process.off("uncaughtException", this.onUncaught);
      this.pidfile?.remove();
    }
  }

  private readonly onUncaught = (err: Error): void => {
    if (this.inUncaught) return; // logging it failed too: never loop on our own error path
    this.inUncaught = true;
    try {
      this.reportUncaught(err);
    } finally {
      this.inUncaught = false;
    }
  };

  private inUncaught = false;

  private reportUncaught(err: Error): void {
    const log = this.generation?.log;
    if (log === undefined) {
      // Between generations nothing runs that we could keep supervising: fail loudly.
      this.opts.toTerminal(`Error: ${err.stack ?? String(err)}`);
      process.exit(2);
    }
    if (this.generation?.logOpen !== true) {
      // The generation is closing its log: say it where someone may see it, and let the shutdown finish.
      this.opts.toTerminal(`uncaptured exception while stopping: ${err.stack ?? String(err)}`);
      return;
    }
    // supervisord logs unexpected exceptions at CRIT and keeps supervising (MLG-05).
    log.critical(`uncaptured exception: ${err.stack ?? String(err)}`);
  }

  /** §7.2 steps 2–11. On the first start every failure is a UsageExit (`Error: …`, exit 2). */
  private async startGeneration(config: Config): Promise<Generation> {
    const s = config.supervisord;
    const { progname } = this.opts;
    const criticals: string[] = [];
    const infos: string[] = [];

    // Step 2: privileges (MLG-04: before any log or socket is opened, so they belong to the final user).
    if (s.user !== null) {
      if (s.user.uid !== process.getuid?.()) await readInstallBeforeDroppingPrivileges();
      try {
        const message = dropPrivileges(s.user);
        if (message !== null) infos.push(message);
      } catch (err) {
        throw usageError((err as Error).message, progname);
      }
    } else if (process.getuid?.() === 0) {
      criticals.push(ROOT_WARNING);
    }

    // Step 3: resource limits, first start only (D-RL-01/02).
    if (this.firstStart) {
      const problem = checkLimits(s.minfds, s.minprocs);
      if (problem !== null) throw usageError(problem, progname);
    }

    // Step 4: the activity log, then the messages buffered while parsing (ERR-04: CRIT, WARN, INFO).
    const log = createActivityLog({
      logfile: s.logfile,
      logfileMaxbytes: s.logfileMaxbytes,
      logfileBackups: s.logfileBackups,
      loglevel: s.loglevel,
      nodaemon: s.nodaemon,
      silent: s.silent,
      stdout: terminalEcho,
      onError: (err) => this.opts.toTerminal(`activity log: ${err.message}`),
      ...activityLogExtensions(s),
    });
    log.addSecrets(passwordsOf(config));
    for (const m of config.messages.filter((x) => x.level === "critical")) criticals.push(m.message);
    for (const m of criticals) log.critical(m);
    for (const m of config.messages.filter((x) => x.level === "warn")) log.warn(m.message);
    for (const m of [...config.messages.filter((x) => x.level === "info").map((x) => x.message), ...infos]) log.info(m);

    // RAP-01: before the first spawn, so no orphan of a program can slip past. Logs go to the current generation.
    // As PID 1 (a container) a missing reaper would pile up zombies for the container's whole life: refuse to
    // start, loudly, instead of a warning nobody reads.
    const reaperProblem = ensureOrphanReaper(() => this.generation?.logOpen === true ? this.generation.log : undefined);
    if (reaperProblem !== null) {
      if (process.pid === 1) {
        const message = `running as PID 1 but ${reaperProblem}; refusing to start (build the native addon: the Dockerfile's build stage does)`;
        log.critical(message);
        await log.close();
        throw usageError(message, progname);
      }
      log.warn(reaperProblem);
    }

    // issue 20: which writer moves child output (per channel at debug level when a program is added).
    log.info(describeLogPump(logPump()));
    log.info(describeSpawner(childSpawner(logPump())));

    // Step 5: old AUTO logs (LOG-08).
    if (!s.nocleanup) {
      const cleanup = await cleanupAutoLogs(s.childlogdir, s.identifier);
      for (const w of cleanup.warnings) log.warn(w);
    }

    // issue 18: before any spawn, the survivors of a crashed predecessor are ended and the wishes loaded.
    const state = new GenerationState(config, log);
    await state.prepare();

    // Step 6: the engine with every group of the config.
    let supervisor: Supervisor | null = null;
    const closing = new AbortController();
    supervisor = new Supervisor({
      config,
      output: processOutput(config, log, () => supervisor),
      logger: log,
      serverUrl: serverUrlFor(config),
      notify: this.notifySockets(log), // issue 14
      spawner: spawnerOf(childSpawner(logPump())), // issue 20
      ...state.engineOptions(), // issue 18
    });

    // Container mode: subscribed before the first spawn, so no transition of an essential program is missed.
    const container = new ContainerWatch(
      supervisor,
      config.supervisord.container ?? DEFAULT_CONTAINER_SETTINGS,
      () => !closing.signal.aborted && this.state === "RUNNING",
      (end) => this.endContainer(end),
    );

    // Step 7: the servers.
    const context = { ...this.serviceContext(config, log, supervisor, closing.signal), desired: state.desired };
    let servers: OpenServers;
    try {
      const service = createHandlers(context);
      const bounded = withBoundedFaults(service);
      const handlers = withCallLog(config.standardRpcInterface ? bounded : withoutSupervisorNamespace(bounded), log);
      // XML-RPC logs its own calls (MLG-05) and has no trailer limit: it gets the bare service.
      const metrics = (): string =>
        collectMetrics({
          supervisor: () => supervisor as Supervisor,
          daemon: this.daemonStats,
          version: this.version,
          identifier: config.supervisord.identifier,
          scrapes: this.scrapes,
          authFailures: this.access.failures,
        });
      servers = await openServers(config, handlers, log, this.opts.toTerminal, createXmlRpcBackend(service, context), {
        health: container,
        metrics,
        access: this.access.bind(auditSinks(log, supervisor)),
        preloadGrpcFace: preloadsGrpcFace(config, AUTOSTART_PER_TURN),
      });
    } catch (err) {
      // Also in the log: after a restart (or in daemon mode) nobody may be watching the terminal.
      log.critical(err instanceof ListenerError ? err.message : `cannot open the servers: ${String(err)}`);
      await log.close();
      if (err instanceof ListenerError) throw usageError(err.message, progname);
      throw err;
    }

    // Step 9: what daemonizing means here (the fork happened already, see runtime/daemonize.ts).
    if (this.firstStart && this.opts.daemonized) {
      log.info("daemonizing the supervisord process");
      if (s.directory !== null) {
        try {
          process.chdir(s.directory);
        } catch (err) {
          log.critical(`can't chdir into '${s.directory}': ${(err as Error).message}`);
        }
      }
      process.umask(s.umask);
    }

    // Step 10: the pid file, then the line everyone greps for.
    if (this.pidfile === null || this.pidfile.path !== s.pidfile) {
      this.pidfile?.remove();
      this.pidfile = new PidFile(s.pidfile);
    }
    const pidProblem = this.pidfile.write();
    if (pidProblem !== null) log.critical(pidProblem);
    log.info(`supervisord started with pid ${process.pid}`);

    // Serving now: in daemon mode the waiting parent may leave (upstream's parent is gone before processes
    // start). Told before the first spawn, so no program inherits the channel to the parent. The startup lines
    // are on disk before anyone is told we are up.
    if (this.firstStart) {
      await log.flush();
      this.opts.ready();
    }

    // Step 11: RUNNING, autostart.
    const generation: Generation = { config, log, supervisor, servers, closing, container, logOpen: true, state };
    this.generation = generation;
    container.start();
    try {
      supervisor.start();
    } catch (err) {
      // An [fcgi-program] socket that cannot be created (a port in use…): supervisord dies at startup with the
      // error, exit 2. On a restart generation too (it has no old config to fall back to any more); the CRIT
      // line says why in the log. In daemon mode the waiting parent has left already: only the log tells.
      if (!(err instanceof SupervisorError)) throw err;
      const message = err.detail ?? err.message;
      if (!this.firstStart) log.critical(message);
      container.stop();
      this.generation = null;
      await servers.close();
      await log.close();
      throw new UsageExit([`Error: ${message}`]);
    }
    // issue 20: start-up's garbage is collected when its burst of work ends, not by V8 waking the idle daemon later
    // (runtime/heap-idle.ts). On the next turn: the state change that settled it finishes its own work first.
    supervisor.onStartupSettled(() =>
      setImmediate(() => {
        if (this.generation !== generation || !generation.logOpen || supervisor.state !== "RUNNING") return;
        const t0 = performance.now();
        const collected = collectGarbageNow();
        const ms = (performance.now() - t0).toFixed(1);
        log.debug(collected ? `start-up settled: its garbage collected in one full GC (${ms} ms)` : "start-up settled: no gc() from V8, garbage left to V8");
      }),
    );
    return generation;
  }

  private async stopGeneration(generation: Generation): Promise<void> {
    const restart = this.state === "RESTARTING";
    // The reason is the state this generation's handlers report from now on, even after the next one runs.
    generation.closing.abort(this.state);
    generation.container.stop();
    const deadline = restart ? null : shutdownDeadline(generation.config, this.shutdownRequestedAt ?? monotonicNow());
    // Past the deadline the orchestrator SIGKILLs us anyway; leave first, with the status that says so.
    const safety =
      deadline === null
        ? null
        : setTimeout(() => {
            generation.log.critical("stop deadline reached before the shutdown finished; exiting now");
            process.exit(this.exitCode === CONTAINER_EXIT.OK ? CONTAINER_EXIT.STOP_DEADLINE_KILLED : this.exitCode);
          }, Math.max(0, deadline.at - monotonicNow())).unref();
    // The engine also ends what is left in the programs' process groups (engine leftovers.ts): one mechanism.
    await generation.supervisor.shutdown(deadline === null ? { restart } : { restart, deadlineAt: deadline.at });
    generation.state.finish(); // issue 18
    const killed = generation.supervisor.stopDeadlineKills;
    if (deadline !== null && killed.length > 0) {
      generation.log.warn(`stop deadline (${deadline.label}): SIGKILLed ${killed.join(", ")}`);
      if (this.exitCode === CONTAINER_EXIT.OK) this.exitCode = CONTAINER_EXIT.STOP_DEADLINE_KILLED;
    }
    if (this.state === "SHUTDOWN" && (this.exitCode !== CONTAINER_EXIT.OK || deadline !== null)) {
      generation.log.info(`exiting with status ${this.exitCode}`);
    }
    this.notifyFactory?.dispose(); // issue 14
    this.notifyFactory = null;
    await generation.servers.close();
    if (safety !== null) clearTimeout(safety);
    generation.logOpen = false;
    await generation.log.close();
    this.generation = null;
  }

  /** Container mode decided the daemon must leave (an essential program ended, or all-exited). */
  private endContainer(end: ContainerEnd): void {
    if (this.state !== "RUNNING") return;
    this.exitCode = end.code;
    const line = `${end.reason}; stopping everything, then exiting with status ${end.code}`;
    // A batch container whose programs all finished well is not an emergency.
    if (end.code === CONTAINER_EXIT.OK) this.generation?.log.info(line);
    else this.generation?.log.critical(line);
    this.requestShutdown();
  }

  /** issue 14: the engine's NotifyPort; the first use logs which mechanism (loudly when it is the python3 helper). */
  private notifySockets(log: ActivityLog): NotifySocketFactory {
    this.notifyFactory?.dispose();
    this.notifyFactory = createNotifySocketFactory({
      onFirstUse: (mechanism, note) => (mechanism === "native" ? log.debug(`sd_notify: ${note}`) : log.warn(note)),
    });
    return this.notifyFactory;
  }

  private serviceContext(config: Config, log: ActivityLog, supervisor: Supervisor, closing: AbortSignal): ServiceContext {
    return {
      supervisor,
      control: new ProcessControl(supervisor), // issue 18
      config,
      log,
      version: this.version,
      startedAt: this.startedAt,
      closing,
      state: () => (closing.aborted ? (closing.reason as DaemonStateName) : this.state),
      requestShutdown: () => this.requestShutdown(),
      requestRestart: async () => {
        const next = await this.readConfigForRestart();
        this.requestRestart(next);
      },
      rereadConfig: async (overrides) => {
        try {
          return await this.opts.rereadConfig(overrides);
        } catch (err) {
          throw rereadFault(err);
        }
      },
    };
  }

  private requestShutdown(): void {
    this.shutdownRequestedAt ??= monotonicNow(); // issue 18: deadlines on the monotonic clock
    this.state = "SHUTDOWN";
    this.resolveStop?.("shutdown");
  }

  private requestRestart(config: Config): void {
    if (this.state !== "RUNNING") return;
    this.state = "RESTARTING";
    this.nextConfig = config;
    this.resolveStop?.("restart");
  }

  /** Throws CANT_REREAD with every problem of the new config (nothing changes then). */
  private async readConfigForRestart(): Promise<Config> {
    try {
      return await this.opts.rereadConfig();
    } catch (err) {
      throw rereadFault(err);
    }
  }

  private async onSignal(signal: HandledSignal): Promise<void> {
    const log = this.generation?.log;
    switch (signal) {
      case "SIGTERM":
      case "SIGINT":
      case "SIGQUIT":
        log?.warn(`received ${signal} indicating exit request`);
        this.requestShutdown();
        return;
      case "SIGHUP": {
        if (this.state !== "RUNNING") {
          log?.warn("ignored SIGHUP indicating restart request (shutdown in progress)");
          return;
        }
        log?.warn("received SIGHUP indicating restart request");
        let next: Config;
        try {
          next = await this.readConfigForRestart();
        } catch (err) {
          log?.error(`restart cancelled, the config cannot be read; still running the old one: ${(err as Error).message}`);
          return;
        }
        this.requestRestart(next);
        return;
      }
      case "SIGUSR2":
        log?.info("received SIGUSR2 indicating log reopen request");
        // issue 19: certificates are files rotated in place too (SIGHUP would restart every program).
        this.generation?.servers.reloadTls();
        await log?.reopen();
        if (this.state === "RUNNING") await this.generation?.supervisor.reopenLogs();
        return;
    }
  }
}

/** `[supervisord] stop_deadline` (or TSUPERVISORD_STOP_DEADLINE) as a monotonic-clock time, or null without one. */
function shutdownDeadline(config: Config, requestedAt: number): { at: number; label: string } | null {
  const settings = config.supervisord.container;
  if (settings === undefined || settings.stopDeadlineMs === null) return null;
  const source = settings.stopDeadlineSource === "env" ? ` from ${STOP_DEADLINE_ENV}` : "";
  return { at: requestedAt + settings.stopDeadlineMs, label: `${settings.stopDeadlineMs / 1000}s${source}` };
}

function passwordsOf(config: Config): string[] {
  const out: string[] = [];
  for (const server of [...config.unixHttpServers, ...config.inetHttpServers]) {
    if (server.auth !== null) out.push(server.auth.password);
    for (const user of server.access?.users ?? []) out.push(user.password);
  }
  if (config.supervisorctl?.password != null) out.push(config.supervisorctl.password);
  return out;
}

/**
 * The engine's output port, served by `@tsupervisord/logs` (AUTO names under childlogdir, rotation, capture mode
 * but never for an event listener's stdout (CAP-06), strip_ansi, LOG-02 debug lines). PROCESS_LOG_* /
 * PROCESS_COMMUNICATION_* events the logs detect are published on the engine's bus with the process's pid.
 */
function processOutput(config: Config, log: ActivityLog, supervisor: () => Supervisor | null): ProcessOutputPort {
  const s = config.supervisord;
  const port = createProcessOutputPort<ProcessConfig>({
    pump: logPump(),
    childlogdir: s.childlogdir,
    identifier: s.identifier,
    stripAnsi: s.stripAnsi,
    activityLog: log,
    onEvent: (process, event) => {
      const engine = supervisor();
      if (engine === null) return;
      const base = {
        processName: process.name,
        groupName: process.groupName,
        pid: engine.pidOf(process.groupName, process.name),
        data: event.data.toString("utf8"),
      };
      if (event.type === "PROCESS_LOG_STDOUT" || event.type === "PROCESS_LOG_STDERR") {
        engine.emit({ name: event.type, channel: event.channel, ...base });
      } else {
        engine.emit({ name: event.type, ...base });
      }
    },
    onError: (process, err, channel) => log.error(`${process.name} ${channel} log: ${err.message}`),
    onWarn: (process, message, channel) => log.warn(`${process.name} ${channel} log: ${message}`),
    pidOf: (process) => supervisor()?.pidOf(process.groupName, process.name) ?? 0,
  });
  return {
    create(process) {
      const sink = port.create(process);
      for (const [channel, decision] of Object.entries(sink.pumpPaths)) {
        if (decision === null) continue;
        const how =
          decision.path === "splice"
            ? "splice pump"
            : decision.path === "discard"
              ? "no file, discarded by a splice pump"
              : `JS writer (${decision.reason})`;
        log.debug(`${process.name} ${channel} log: ${how}`);
      }
      return sink;
    },
  };
}
