import fs from "node:fs";
import { ProcessStates, type StatsLease, type Supervisor, type SupervisorEvent } from "@tsupervisord/engine";
import { SupervisorError } from "@tsupervisord/errors";
import { followLog, readLogRangeBytes, tailLog, TRUNCATED_MARKER } from "@tsupervisord/logs";
import type { LogChannel, ProcessStat, SupervisorHandlers, WatchResponse } from "@tsupervisord/protocol";
import { LogChannels } from "@tsupervisord/protocol/light";
import { configInfosToWire, processInfoToWire, processResultToWire } from "./convert.js";
import { DAEMON_STATE_CODES, type ServiceContext } from "./context.js";
import { readSince, rotateLogs, withLogStats } from "./log-pipeline.js";
import { forgetGroup, recordByHand, setDesiredState, withDesiredState } from "./desired-state.js";
import { operationHandlers } from "./operations.js";
import { applyUpdate, planUpdate, scaleProgram } from "./update-plan.js";

/** supervisorctl's upcheck insists on this (UPC-01). */
export const API_VERSION = "3.0";

/**
 * The supervisor.v1 service: every RPC mapped onto the engine (spec §5.4). Every call but
 * SendRemoteCommEvent first checks the daemon state: while shutting down or restarting they fail with
 * SHUTDOWN_STATE, as supervisord's `_update` does (test_rpcinterfaces › test_update).
 */
export function createHandlers(ctx: ServiceContext): SupervisorHandlers {
  const engine = (): Supervisor => {
    if (ctx.state() !== "RUNNING") throw new SupervisorError("SHUTDOWN_STATE");
    return ctx.supervisor;
  };
  const running = (): void => void engine();
  const wait = (value: boolean | undefined): boolean => value ?? true;

  const logfileOf = (name: string, channel: LogChannel): string | null => processLogfile(engine(), name, channel);
  const mainLogfile = (): string | null => mainLogfileOf(ctx);

  return {
    getApiVersion: () => (running(), { version: API_VERSION }),
    getSupervisorVersion: () => (running(), { version: ctx.version }),
    getIdentification: () => (running(), { identifier: ctx.config.supervisord.identifier }),
    getState: () => {
      running();
      return { statecode: DAEMON_STATE_CODES.RUNNING, statename: "RUNNING" };
    },
    getPid: () => (running(), { pid: process.pid }),

    readLog: async (req) => {
      running();
      return { data: await readLogRangeBytes(mainLogfile(), req.offset, req.length) };
    },
    clearLog: async () => {
      running();
      await ctx.log.clear();
      return {};
    },
    shutdown: () => {
      running();
      ctx.requestShutdown();
      return {};
    },
    restart: async () => {
      running();
      await ctx.requestRestart();
      return {};
    },

    reloadConfig: async () => {
      running();
      const config = await ctx.rereadConfig();
      const result = engine().reloadConfig(config);
      return { added: result.added, changed: result.changed, removed: result.removed };
    },
    addProcessGroup: (req) => (engine().addProcessGroup(req.name), {}),
    removeProcessGroup: async (req) => {
      const supervisor = engine();
      const forget = forgetGroup(ctx, req.name); // issue 18: its wishes go with the group
      supervisor.removeProcessGroup(req.name);
      await forget();
      return {};
    },

    // A group selector (`g:`, `g:*`) runs the group operation; the gRPC reply carries no per-process results.
    startProcess: async (req) => {
      const supervisor = engine();
      const target = supervisor.resolve(req.name);
      await recordByHand(ctx, { kind: "name", name: req.name }, "started"); // issue 18
      if (target.kind === "group") await supervisor.startProcessGroup(target.group, wait(req.wait));
      else await supervisor.startProcess(req.name, wait(req.wait));
      return {};
    },
    startProcessGroup: async (req) => {
      const supervisor = engine();
      await recordByHand(ctx, { kind: "group", name: req.name }, "started"); // issue 18
      return { results: (await supervisor.startProcessGroup(req.name, wait(req.wait))).map(processResultToWire) };
    },
    startAllProcesses: async (req) => {
      const supervisor = engine();
      await recordByHand(ctx, { kind: "all" }, "started"); // issue 18
      return { results: (await supervisor.startAllProcesses(wait(req.wait))).map(processResultToWire) };
    },
    stopProcess: async (req) => {
      const supervisor = engine();
      const target = supervisor.resolve(req.name);
      await recordByHand(ctx, { kind: "name", name: req.name }, "stopped"); // issue 18
      if (target.kind === "group") await supervisor.stopProcessGroup(target.group, wait(req.wait));
      else await supervisor.stopProcess(req.name, wait(req.wait));
      return {};
    },
    stopProcessGroup: async (req) => {
      const supervisor = engine();
      await recordByHand(ctx, { kind: "group", name: req.name }, "stopped"); // issue 18
      return { results: (await supervisor.stopProcessGroup(req.name, wait(req.wait))).map(processResultToWire) };
    },
    stopAllProcesses: async (req) => {
      const supervisor = engine();
      await recordByHand(ctx, { kind: "all" }, "stopped"); // issue 18
      return { results: (await supervisor.stopAllProcesses(wait(req.wait))).map(processResultToWire) };
    },
    signalProcess: (req) => {
      const supervisor = engine();
      const target = supervisor.resolve(req.name);
      if (target.kind === "group") supervisor.signalProcessGroup(target.group, req.signal);
      else supervisor.signalProcess(req.name, req.signal);
      return {};
    },
    signalProcessGroup: (req) => ({
      results: engine().signalProcessGroup(req.name, req.signal).map(processResultToWire),
    }),
    signalAllProcesses: (req) => ({ results: engine().signalAllProcesses(req.signal).map(processResultToWire) }),

    getProcessInfo: (req) => ({
      info: withDesiredState(ctx, withLogStats(engine(), processInfoToWire(engine().getProcessInfo(req.name, { stats: req.includeStats === true })))),
    }),
    getAllProcessInfo: (req) => ({
      processes: engine()
        .getAllProcessInfo({ stats: req.includeStats === true })
        .map((p) => withDesiredState(ctx, withLogStats(ctx.supervisor, processInfoToWire(p)))),
    }),
    getAllConfigInfo: () => {
      const supervisor = engine();
      const active = new Set(supervisor.activeGroups().map((g) => g.name));
      return { configs: configInfosToWire(supervisor.pendingConfig, active) };
    },

    readProcessLog: async (req) => {
      const file = logfileOf(req.name, req.channel);
      return { data: await readLogRangeBytes(file, req.offset, req.length) };
    },
    tailProcessLog: async (req) => {
      const result = await tailLog(logfileOf(req.name, req.channel), req.offset, req.length);
      return { data: Buffer.from(result.data, "utf8"), offset: result.offset, overflow: result.overflow };
    },
    clearProcessLogs: async (req) => (await engine().clearProcessLogs(req.name), {}),
    clearAllProcessLogs: async () => ({ results: (await engine().clearAllProcessLogs()).map(processResultToWire) }),
    sendProcessStdin: (req) => (engine().sendProcessStdin(req.name, req.data), {}),
    // Works even during shutdown (spec §5.4).
    sendRemoteCommEvent: (req) => {
      ctx.supervisor.emit({ name: "REMOTE_COMMUNICATION", commType: req.type, data: req.data });
      return {};
    },

    tailProcessLogFollow: (req, call) => {
      const file = logfileOf(req.name, req.channel);
      return followFile(file, req.tailBytes, anySignal(call.signal, ctx.closing));
    },
    tailMainLogFollow: (req, call) => {
      running();
      return followFile(mainLogfile(), req.tailBytes, anySignal(call.signal, ctx.closing));
    },
    rotateLogs: async (req) => ({ results: await rotateLogs(engine(), ctx, req.names, req.now) }),
    readProcessLogSince: (req) => readSince(logfileOf(req.name, req.channel), Number(req.sinceMs)),
    // issue 18: tsctl enable / disable
    enableProcess: async (req) => ({
      results: (await setDesiredState(ctx, engine(), req.name, "started", wait(req.wait))).map(processResultToWire),
    }),
    disableProcess: async (req) => ({
      results: (await setDesiredState(ctx, engine(), req.name, "stopped", wait(req.wait))).map(processResultToWire),
    }),
    watch: (req, call) => watchEvents(engine(), ctx, anySignal(call.signal, ctx.closing), req.includeStats),
    ...operationHandlers(ctx, engine), // issue 18
    // issue 18: typed update plan, update applying only it, scale
    planUpdate: () => planUpdate(engine()),
    applyUpdate: (req) => applyUpdate(engine(), ctx, req.groups),
    scaleProgram: (req) => scaleProgram(engine(), ctx, req.name, req.numprocs),
    // issue 19: a listener without users has no caller: everyone who reaches it is admin (supervisord's meaning).
    whoAmI: (_req, call) => ({
      user: call.caller?.user ?? "anonymous",
      role: call.caller?.role ?? "admin",
      peer: call.caller?.peer ?? call.peer,
      ...(call.caller?.uid === undefined ? {} : { uid: call.caller.uid }),
    }),
  };
}

/** The log file of a process channel (BAD_NAME for unknown names); shared with the XML-RPC backend. */
export function processLogfile(supervisor: Supervisor, name: string, channel: LogChannel): string | null {
  const sink = supervisor.getProcessSink(name);
  return channel === LogChannels.STDERR ? sink.stderrLogfile : sink.stdoutLogfile;
}

/** The activity log file, or null when it goes to syslog; shared with the XML-RPC backend. */
export function mainLogfileOf(ctx: ServiceContext): string | null {
  const file = ctx.config.supervisord.logfile;
  return file === "syslog" ? null : file;
}

const EMPTY = Buffer.alloc(0);

/** TLF-01/02 over the stream: NO_FILE before the first chunk when there is no file to follow. */
export async function* followFile(
  file: string | null,
  tailBytes: number | undefined,
  signal: AbortSignal,
): AsyncGenerator<{ data: Buffer; truncated: boolean }> {
  if (file === null || !fs.existsSync(file)) throw new SupervisorError("NO_FILE", file ?? "None");
  for await (const chunk of followLog(file, { signal, initialBytes: tailBytes ?? 1024 })) {
    // The logs package marks a truncation/replacement with its marker chunk; on the wire it is a flag.
    yield chunk === TRUNCATED_MARKER ? { data: EMPTY, truncated: true } : { data: chunk, truncated: false };
  }
}

/** The Watch feed: a snapshot, then one message per engine event that changes what a client shows. */
async function* watchEvents(
  supervisor: Supervisor,
  ctx: ServiceContext,
  signal: AbortSignal,
  includeStats: boolean,
): AsyncGenerator<WatchResponse> {
  // The snapshot reads /proc only when stats were asked for (a plain Watch, e.g. `tsctl wait`, costs no pass).
  const snapshot = supervisor.subscribeWithSnapshot(
    { events: ["PROCESS_STATE", "PROCESS_GROUP", "SUPERVISOR_STATE_CHANGE", "PROCESS_READINESS_CHANGED", "CONTROL_AUDIT"] },
    { stats: includeStats },
  );
  const events = snapshot.events;
  const onAbort = (): void => events.close();
  signal.addEventListener("abort", onAbort, { once: true });
  let stats: StatsSampler | null = null;
  try {
    yield {
      event: {
        $case: "snapshot",
        snapshot: {
          processes: snapshot.processes.map(processInfoToWire),
          statecode: DAEMON_STATE_CODES.RUNNING,
          statename: "RUNNING",
          identification: ctx.config.supervisord.identifier,
          supervisorVersion: ctx.version,
          apiVersion: API_VERSION,
          startTime: ctx.startedAt,
          pid: process.pid,
        },
      },
    };
    stats = includeStats ? new StatsSampler(supervisor) : null;
    let pending = events.next();
    let tick = stats?.tick() ?? null;
    for (;;) {
      const next = tick === null ? await pending : await Promise.race([pending, tick]);
      if (next === STATS_TICK) {
        tick = stats?.tick() ?? null;
        const changed = stats?.changed() ?? [];
        if (changed.length > 0) yield { event: { $case: "processStats", processStats: { processes: changed } } };
        continue;
      }
      if (next === undefined) {
        // A client too slow for the event rate is cut off rather than buffered without bound; it says so, so the
        // client can resubscribe (a fresh snapshot) instead of taking the end for a shutdown.
        if (events.overflowed && !signal.aborted) throw new SupervisorError("FAILED", "event queue overflowed; watch again");
        break;
      }
      pending = events.next();
      const message = toWatchMessage(supervisor, next, ctx);
      if (message !== null) yield message;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    events.close();
    stats?.close();
  }
}

function toWatchMessage(supervisor: Supervisor, event: SupervisorEvent, ctx: ServiceContext): WatchResponse | null {
  switch (event.name) {
    case "PROCESS_GROUP_ADDED": {
      const processes = supervisor
        .getAllProcessInfo({ stats: false })
        .filter((p) => p.group === event.groupName)
        .map(processInfoToWire);
      return { event: { $case: "groupAdded", groupAdded: { name: event.groupName, processes } } };
    }
    case "PROCESS_GROUP_REMOVED":
      return { event: { $case: "groupRemoved", groupRemoved: { name: event.groupName } } };
    case "SUPERVISOR_STATE_CHANGE_RUNNING":
    case "SUPERVISOR_STATE_CHANGE_STOPPING": {
      const name = event.name === "SUPERVISOR_STATE_CHANGE_RUNNING" ? "RUNNING" : ctx.state();
      return {
        event: {
          $case: "supervisorStateChanged",
          supervisorStateChanged: { statecode: DAEMON_STATE_CODES[name], statename: name },
        },
      };
    }
    case "CONTROL_AUDIT": {
      // issue 19: the fields as the access control chose them (see apps/daemon/src/access/audit.ts).
      const { user, role, peer, face, method, target, uid, outcome } = event;
      return { event: { $case: "audit", audit: { user, role, peer, face, method, target, outcome, ...(uid === null ? {} : { uid }) } } };
    }
    case "PROCESS_READINESS_CHANGED": {
      // issue 14: the process as it is now; its readiness fields carry the change.
      try {
        const info = supervisor.getProcessInfo(`${event.groupName}:${event.processName}`, { stats: false });
        return { event: { $case: "processReadinessChanged", processReadinessChanged: { process: processInfoToWire(info) } } };
      } catch {
        return null;
      }
    }
    default:
      break;
  }
  if (!("fromState" in event)) return null;
  let info;
  try {
    info = supervisor.getProcessInfo(`${event.groupName}:${event.processName}`, { stats: false });
  } catch {
    return null; // The process went away with its group in the meantime.
  }
  return {
    event: {
      $case: "processStateChanged",
      processStateChanged: {
        // The state the event reports, even if the process has moved on since (the next event follows).
        process: { ...processInfoToWire(info), state: ProcessStates[event.toState], statename: event.toState },
        fromState: ProcessStates[event.fromState],
        fromStatename: event.fromState,
      },
    },
  };
}

function anySignal(...signals: AbortSignal[]): AbortSignal {
  return AbortSignal.any(signals);
}

const STATS_TICK = Symbol("stats tick");
/** How often a Watch with include_stats samples CPU/RSS (only while such a stream is open). */
const STATS_INTERVAL_MS = 2000;

/**
 * CPU%/RSS/fds of running processes for Watch(include_stats): a lease on the engine's stats sampler (one timer
 * for every watcher, only while one is open; issue 17), sent only when changed.
 */
class StatsSampler {
  /** What each client was last sent, per process: changes are measured against that, so drift adds up. */
  private sent = new Map<string, ProcessStat>();
  private readonly lease: StatsLease;
  private passed = false;
  private wake: (() => void) | null = null;

  constructor(private readonly supervisor: Supervisor) {
    this.lease = supervisor.stats.watch(STATS_INTERVAL_MS, () => {
      this.passed = true;
      this.wake?.();
    });
  }

  /** Resolves after the sampler's next pass. */
  tick(): Promise<typeof STATS_TICK> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.wake = null;
        this.passed = false;
        resolve(STATS_TICK);
      };
      if (this.passed) done();
      else this.wake = done;
    });
  }

  close(): void {
    this.lease.close();
    this.wake = null;
  }

  changed(): ProcessStat[] {
    const out: ProcessStat[] = [];
    const sent = new Map<string, ProcessStat>();
    for (const p of this.supervisor.getAllProcessInfo({ stats: true })) {
      if (p.pid === null) continue;
      const stat: ProcessStat = {
        name: p.name,
        group: p.group,
        pid: p.pid,
        cpuPercent: Math.round((p.cpuPercent ?? 0) * 10) / 10,
        rssBytes: p.rssBytes ?? 0,
        cpuSeconds: p.cpuSeconds ?? 0,
        ...(p.fds !== null ? { fds: p.fds } : {}),
      };
      const key = `${p.group}:${p.name}`;
      const previous = this.sent.get(key);
      if (previous === undefined || statChangedMeaningfully(previous, stat)) {
        out.push(stat);
        sent.set(key, stat);
      } else {
        sent.set(key, previous);
      }
    }
    this.sent = sent;
    return out;
  }
}

/** A new pid, another fd count, CPU moved by at least half a point, or RSS by at least 1% (and 64 KiB). */
export function statChangedMeaningfully(before: ProcessStat, after: ProcessStat): boolean {
  if (before.pid !== after.pid) return true;
  if (before.fds !== after.fds) return true;
  if (Math.abs(before.cpuPercent - after.cpuPercent) >= 0.5) return true;
  const rssDelta = Math.abs(before.rssBytes - after.rssBytes);
  return rssDelta >= 64 * 1024 && rssDelta >= before.rssBytes * 0.01;
}
