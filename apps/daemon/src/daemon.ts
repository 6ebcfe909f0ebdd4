import type { Config } from "@tsupervisord/config";
import { Supervisor } from "@tsupervisord/engine";
import { cleanupAutoLogs, createActivityLog, type ActivityLog } from "@tsupervisord/logs";
import { SupervisorError } from "@tsupervisord/errors";
import type { CliOptions } from "./cli/options.js";
import { usageError, UsageExit } from "./cli/terminal.js";
import { ListenerError } from "./listeners/errors.js";
import { PidFile } from "./runtime/pidfile.js";
import { checkLimits } from "./runtime/rlimits.js";
import { dropPrivileges, ROOT_WARNING } from "./runtime/privileges.js";
import { SignalQueue, type HandledSignal } from "./runtime/signal-queue.js";
import { openServers, serverUrlFor, type OpenServers } from "./runtime/listeners.js";
import { createOutputPort } from "./runtime/output.js";
import { terminalEcho } from "./runtime/terminal-echo.js";
import { ensureOrphanReaper } from "./runtime/orphan-reaper.js";
import { withoutSupervisorNamespace } from "./service/namespace.js";
import { createHandlers } from "./service/handlers.js";
import { createXmlRpcBackend } from "./service/xmlrpc-backend.js";
import { rereadFault } from "./service/reread-fault.js";
import { withBoundedFaults } from "./service/bounded-faults.js";
import { withCallLog } from "./service/call-log.js";
import type { DaemonStateName, ServiceContext } from "./service/context.js";
import { daemonVersion } from "./version.js";
import { collectMetrics } from "./metrics/collect.js";
import { DaemonStatsSource } from "./metrics/daemon-stats.js";

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
  rereadConfig: () => Promise<Config>;
}

/** One start of §7.2 with one config: its log, its engine, its servers. A restart makes a new one. */
interface Generation {
  config: Config;
  log: ActivityLog;
  supervisor: Supervisor;
  servers: OpenServers;
  closing: AbortController;
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

  constructor(private readonly opts: RunDaemonOptions) {}

  async run(): Promise<number> {
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
        if (this.state === "SHUTDOWN") return 0;
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
    });
    log.addSecrets(passwordsOf(config));
    for (const m of config.messages.filter((x) => x.level === "critical")) criticals.push(m.message);
    for (const m of criticals) log.critical(m);
    for (const m of config.messages.filter((x) => x.level === "warn")) log.warn(m.message);
    for (const m of [...config.messages.filter((x) => x.level === "info").map((x) => x.message), ...infos]) log.info(m);

    // Step 5: old AUTO logs (LOG-08).
    if (!s.nocleanup) {
      const cleanup = await cleanupAutoLogs(s.childlogdir, s.identifier);
      for (const w of cleanup.warnings) log.warn(w);
    }

    // Step 6: the engine with every group of the config.
    let supervisor: Supervisor | null = null;
    const closing = new AbortController();
    supervisor = new Supervisor({
      config,
      output: createOutputPort(config, log, () => supervisor),
      logger: log,
      serverUrl: serverUrlFor(config),
    });

    // Step 7: the servers.
    const context = this.serviceContext(config, log, supervisor, closing.signal);
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
        });
      servers = await openServers(config, handlers, log, this.opts.toTerminal, createXmlRpcBackend(service, context), metrics);
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
    const generation: Generation = { config, log, supervisor, servers, closing };
    this.generation = generation;
    // RAP-01: before the first spawn, so no orphan of a program can slip past. Logs go to the current generation.
    const reaperProblem = ensureOrphanReaper(() => this.generation?.log);
    if (reaperProblem !== null) log.warn(reaperProblem);
    try {
      supervisor.start();
    } catch (err) {
      // An [fcgi-program] socket that cannot be created (a port in use…): supervisord dies at startup with the
      // error, exit 2. On a restart generation too (it has no old config to fall back to any more); the CRIT
      // line says why in the log. In daemon mode the waiting parent has left already: only the log tells.
      if (!(err instanceof SupervisorError)) throw err;
      const message = err.detail ?? err.message;
      if (!this.firstStart) log.critical(message);
      this.generation = null;
      await servers.close();
      await log.close();
      throw new UsageExit([`Error: ${message}`]);
    }
    return generation;
  }

  private async stopGeneration(generation: Generation): Promise<void> {
    const restart = this.state === "RESTARTING";
    // The reason is the state this generation's handlers report from now on, even after the next one runs.
    generation.closing.abort(this.state);
    // The engine also ends what is left in the programs' process groups (engine leftovers.ts): one mechanism.
    await generation.supervisor.shutdown({ restart });
    await generation.servers.close();
    await generation.log.close();
    this.generation = null;
  }

  private serviceContext(config: Config, log: ActivityLog, supervisor: Supervisor, closing: AbortSignal): ServiceContext {
    return {
      supervisor,
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
      rereadConfig: async () => {
        try {
          return await this.opts.rereadConfig();
        } catch (err) {
          throw rereadFault(err);
        }
      },
    };
  }

  private requestShutdown(): void {
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
        await log?.reopen();
        if (this.state === "RUNNING") await this.generation?.supervisor.reopenLogs();
        return;
    }
  }
}

function passwordsOf(config: Config): string[] {
  const out: string[] = [];
  for (const server of [...config.unixHttpServers, ...config.inetHttpServers]) {
    if (server.auth !== null) out.push(server.auth.password);
  }
  if (config.supervisorctl?.password != null) out.push(config.supervisorctl.password);
  return out;
}
