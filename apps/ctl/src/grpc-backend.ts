/**
 * CtlBackend over tsupervisord's gRPC API. Loaded with `await import()` on first use, so commands that never
 * talk to the daemon (help, completion scripts, usage errors) never load it; unary calls go over node:http2 and
 * only streams and https:// load grpc-js (hybrid-client.ts, issue 20).
 */
import { ConnectionError, LogChannel as WireChannel } from "@tsupervisord/protocol/unary";
import type { SupervisorClient, TlsClientOptions } from "@tsupervisord/protocol";
import type {
  ConnectionFailure,
  CtlBackend,
  LogChannel,
  LogSink,
  ProcessInfo,
  ProcessResources,
  ServerTarget,
  WatchUpdate,
} from "./backend.js";
import { BackendConnectionError } from "./backend.js";
import { operationMethods } from "./grpc-operations.js";
import { hybridClient } from "./hybrid-client.js";
import { describeTlsFailure, isHttpsUrl, loadCtlTls, NO_TLS, probeTlsFailure } from "./tls.js";

const REASONS: Readonly<Record<string, ConnectionFailure>> = {
  refused: "refused",
  no_such_file: "no-such-file",
  unauthenticated: "unauthenticated",
  unavailable: "other",
};

/** The protocol's ConnectionError as ours; faults (SupervisorError) and the rest pass through unchanged. */
function translate(err: unknown): unknown {
  if (err instanceof ConnectionError) {
    // issue 19: a failed handshake said in words (grpc-js passes OpenSSL's text on in the status details).
    const tls = err.reason === "unavailable" ? describeTlsFailure(err.message) : null;
    const message = tls === null ? err.message : `${err.url}: ${tls}`;
    return new BackendConnectionError(REASONS[err.reason] ?? "other", err.url, message, { cause: err });
  }
  return err;
}

/** issue 19: the client's TLS options for an https:// serverurl (files read now), or undefined for plain. */
function tlsOptions(target: ServerTarget): TlsClientOptions | undefined {
  if (!isHttpsUrl(target.serverurl)) return undefined;
  const m = loadCtlTls(target.tls ?? NO_TLS, "grpc-js");
  return { ca: m.ca, cert: m.cert, key: m.key, insecure: m.insecure };
}

async function call<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    throw translate(err);
  }
}

function wireChannel(channel: LogChannel): WireChannel {
  return channel === "stderr" ? WireChannel.STDERR : WireChannel.STDOUT;
}

/** Issue 17's fields of the wire ProcessInfo, as `status --json` shows them. */
function resourcesOf(p: {
  cpuPercent: number;
  cpuSeconds: number;
  rssBytes: number;
  fds?: number | undefined;
  treeProcesses: number;
  restarts: number;
  rssRestarts: number;
  descendantsKilled: number;
  lastExitSignal: string;
  cgroup: string;
  limits?:
    | {
        rlimits: string;
        memoryMaxBytes?: number | undefined;
        memoryHighBytes?: number | undefined;
        cpuMax: string;
        pidsMax?: number | undefined;
        rssRestartBytes: number;
        rssRestartForMs: number;
      }
    | undefined;
}): ProcessResources {
  const l = p.limits;
  return {
    cpu_percent: p.cpuPercent,
    cpu_seconds: p.cpuSeconds,
    rss_bytes: p.rssBytes,
    fds: p.fds ?? null,
    tree_processes: p.treeProcesses,
    rss_restarts: p.rssRestarts,
    descendants_killed: p.descendantsKilled,
    last_exit_signal: p.lastExitSignal,
    cgroup: p.cgroup,
    limits:
      l === undefined
        ? null
        : {
            rlimits: l.rlimits,
            memory_max_bytes: l.memoryMaxBytes ?? null,
            memory_high_bytes: l.memoryHighBytes ?? null,
            cpu_max: l.cpuMax,
            pids_max: l.pidsMax ?? null,
            restart_if_rss_over_bytes: l.rssRestartBytes,
            restart_if_rss_over_for_ms: l.rssRestartForMs,
          },
  };
}

function toProcessInfo(info: {
  name: string;
  group: string;
  description: string;
  start: number;
  stop: number;
  now: number;
  state: number;
  statename: string;
  spawnerr: string;
  exitstatus: number;
  stdoutLogfile: string;
  stderrLogfile: string;
  pid: number;
  readiness?: string;
  readinessStatus?: string;
  liveness?: string;
  livenessStatus?: string;
  waitingFor?: string;
  dependsOn?: string[];
  program?: string;
  restarts: number;
  desiredState?: string;
  restartSignal?: string;
  logPump?: { stdout: string; stderr: string } | undefined;
}): ProcessInfo {
  return {
    name: info.name,
    group: info.group,
    description: info.description,
    start: info.start,
    stop: info.stop,
    now: info.now,
    state: info.state,
    statename: info.statename,
    spawnerr: info.spawnerr,
    exitstatus: info.exitstatus,
    stdoutLogfile: info.stdoutLogfile,
    stderrLogfile: info.stderrLogfile,
    pid: info.pid,
    // issue 14
    readiness: info.readiness ?? "",
    readinessStatus: info.readinessStatus ?? "",
    liveness: info.liveness ?? "",
    livenessStatus: info.livenessStatus ?? "",
    waitingFor: info.waitingFor ?? "",
    dependsOn: info.dependsOn ?? [],
    program: info.program ?? "",
    restarts: info.restarts,
    desiredState: info.desiredState ?? "", // issue 18
    restartSignal: info.restartSignal ?? "", // issue 18
    ...(info.logPump !== undefined ? { logPump: { stdout: info.logPump.stdout, stderr: info.logPump.stderr } } : {}),
  };
}

/** Reads a follow stream into the sink until the server ends it or `signal` aborts (which resolves). */
async function pump(
  stream: AsyncIterable<{ data: Uint8Array; truncated: boolean }>,
  sink: LogSink,
  signal: AbortSignal,
): Promise<void> {
  try {
    for await (const chunk of stream) sink(chunk.data, chunk.truncated);
  } catch (err) {
    if (signal.aborted) return;
    throw translate(err);
  }
}

/**
 * issue 19: over https://, a connection failure grpc-js could not put in words gets one diagnostic handshake
 * (tls.ts probeTlsFailure) that names the TLS problem, if there is one.
 */
function withTlsDiagnosis(target: ServerTarget, client: SupervisorClient): <T>(promise: Promise<T>) => Promise<T> {
  if (!isHttpsUrl(target.serverurl) || client.address.kind !== "tcp") return call;
  const { host, port } = client.address;
  return async (promise) => {
    try {
      return await call(promise);
    } catch (err) {
      if (!(err instanceof BackendConnectionError) || err.reason !== "other" || /certificate|TLS/.test(err.message)) throw err;
      const found = await probeTlsFailure(host, port, loadCtlTls(target.tls ?? NO_TLS), "h2");
      throw found === null ? err : new BackendConnectionError("other", target.serverurl, `${target.serverurl}: ${found}`, { cause: err });
    }
  };
}

export function createGrpcBackend(target: ServerTarget): CtlBackend {
  let client: SupervisorClient;
  try {
    client = hybridClient(target.serverurl, {
      username: target.username ?? undefined,
      password: target.password ?? undefined,
      tls: tlsOptions(target),
    });
  } catch (err) {
    // An address the client cannot dial at all (e.g. `unix://relative`): every call fails the same way.
    const failure = new BackendConnectionError("other", target.serverurl, (err as Error).message, { cause: err });
    return new Proxy({} as CtlBackend, {
      // Not a thenable ("then" undefined): the lazy loader resolves a promise with this object.
      get: (_t, prop) => (prop === "then" ? undefined : prop === "close" ? () => undefined : () => Promise.reject(failure)),
    });
  }
  const call = withTlsDiagnosis(target, client);
  return {
    getAPIVersion: async () => (await call(client.getApiVersion({}))).version,
    getSupervisorVersion: async () => (await call(client.getSupervisorVersion({}))).version,
    getPID: async () => (await call(client.getPid({}))).pid,
    getProcessInfo: async (name) => {
      const { info } = await call(client.getProcessInfo({ name }));
      if (info === undefined) throw new Error(`no process info for ${name}`);
      return toProcessInfo(info);
    },
    getAllProcessInfo: async (options) => {
      const { processes } = await call(client.getAllProcessInfo(options?.stats === true ? { includeStats: true } : {}));
      return processes.map((p) => (options?.stats === true ? { ...toProcessInfo(p), resources: resourcesOf(p) } : toProcessInfo(p)));
    },
    getAllConfigInfo: async () =>
      (await call(client.getAllConfigInfo({}))).configs.map((c) => ({
        name: c.name,
        group: c.group,
        inuse: c.inuse,
        autostart: c.autostart,
        groupPrio: c.groupPrio,
        processPrio: c.processPrio,
      })),
    startProcess: async (name) => void (await call(client.startProcess({ name, wait: true }))),
    startProcessGroup: async (name) => (await call(client.startProcessGroup({ name, wait: true }))).results,
    startAllProcesses: async () => (await call(client.startAllProcesses({ wait: true }))).results,
    stopProcess: async (name) => void (await call(client.stopProcess({ name, wait: true }))),
    stopProcessGroup: async (name) => (await call(client.stopProcessGroup({ name, wait: true }))).results,
    stopAllProcesses: async () => (await call(client.stopAllProcesses({ wait: true }))).results,
    signalProcess: async (name, signal) => void (await call(client.signalProcess({ name, signal }))),
    signalProcessGroup: async (name, signal) => (await call(client.signalProcessGroup({ name, signal }))).results,
    signalAllProcesses: async (signal) => (await call(client.signalAllProcesses({ signal }))).results,
    readProcessLog: async (name, channel, offset, length) =>
      (await call(client.readProcessLog({ name, channel: wireChannel(channel), offset, length }))).data,
    readMainLog: async (offset, length) => (await call(client.readLog({ offset, length }))).data,
    followProcessLog: (name, channel, sink, signal) =>
      pump(client.tailProcessLogFollow({ name, channel: wireChannel(channel) }, { signal }), sink, signal),
    followMainLog: (sink, signal) => pump(client.tailMainLogFollow({}, { signal }), sink, signal),
    clearProcessLogs: async (name) => void (await call(client.clearProcessLogs({ name }))),
    clearAllProcessLogs: async () => (await call(client.clearAllProcessLogs({}))).results,
    rotateLogs: async (names, now) => (await call(client.rotateLogs({ names, now }))).results,
    enableProcess: async (name) => (await call(client.enableProcess({ name }))).results, // issue 18
    disableProcess: async (name) => (await call(client.disableProcess({ name }))).results, // issue 18
    readProcessLogSince: async (name, channel, sinceMs, sink) => {
      try {
        for await (const chunk of client.readProcessLogSince({ name, channel: wireChannel(channel), sinceMs })) sink(chunk.data);
      } catch (err) {
        throw translate(err);
      }
    },
    sendProcessStdin: async (name, data) =>
      void (await call(client.sendProcessStdin({ name, data: Buffer.from(data, "utf8") }))),
    reloadConfig: async () => {
      const r = await call(client.reloadConfig({}));
      return { added: r.added, changed: r.changed, removed: r.removed };
    },
    planUpdate: async () => (await call(client.planUpdate({}))).groups, // issue 18
    applyUpdate: async (groups) => (await call(client.applyUpdate({ groups }))).outcomes,
    scaleProgram: async (name, numprocs) => await call(client.scaleProgram({ name, numprocs })),
    addProcessGroup: async (name) => void (await call(client.addProcessGroup({ name }))),
    removeProcessGroup: async (name) => void (await call(client.removeProcessGroup({ name }))),
    shutdown: async () => void (await call(client.shutdown({}))),
    restart: async () => void (await call(client.restart({}))),
    watch: (signal) => watchUpdates(client, signal), // issue 14
    ...operationMethods(client, call), // issue 18
    whoAmI: async () => await call(client.whoAmI({})), // issue 19
    close: () => client.close(),
  };
}

/** issue 14: the Watch stream as WatchUpdates (stats are not asked for). */
async function* watchUpdates(client: SupervisorClient, signal: AbortSignal): AsyncGenerator<WatchUpdate> {
  try {
    for await (const message of client.watch({ includeStats: false }, { signal })) {
      const e = message.event;
      if (e === undefined) continue;
      switch (e.$case) {
        case "snapshot":
          yield { kind: "snapshot", processes: e.snapshot.processes.map(toProcessInfo) };
          break;
        case "processStateChanged":
          if (e.processStateChanged.process !== undefined) yield { kind: "process", process: toProcessInfo(e.processStateChanged.process) };
          break;
        case "processReadinessChanged":
          if (e.processReadinessChanged.process !== undefined) {
            yield { kind: "process", process: toProcessInfo(e.processReadinessChanged.process) };
          }
          break;
        case "groupAdded":
          yield { kind: "group-added", processes: e.groupAdded.processes.map(toProcessInfo) };
          break;
        case "groupRemoved":
          yield { kind: "group-removed", group: e.groupRemoved.name };
          break;
        default:
          break;
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    throw translate(err);
  }
}
