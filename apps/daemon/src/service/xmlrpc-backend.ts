import fs from "node:fs";
import { SupervisorError } from "@tsupervisord/errors";
import { decodeLogBytes, TRUNCATED_MARKER } from "@tsupervisord/logs";
import type { CallContext, ConfigInfo, LogChannel, MethodName, ProcessInfo, ProcessResult, SupervisorHandlers } from "@tsupervisord/protocol";
import { LogChannels } from "@tsupervisord/protocol/light";
import type {
  ConfigInfoStruct,
  FollowedLog,
  LogChannel as RpcChannel,
  ProcessFeedEvent,
  ProcessInfoStruct,
  ProcessResultStruct,
  SupervisorRpcBackend,
  TailResult,
} from "@tsupervisord/xmlrpc";
import { DAEMON_STATE_CODES, type ServiceContext } from "./context.js";
import { followFile, mainLogfileOf, processLogfile } from "./handlers.js";

/** A handler's reply as the protocol types it (every field optional, ts-proto's DeepPartial, one level deep). */
type WireReply<T> = { [K in keyof T]?: T[K] | undefined };

/**
 * supervisord's XML-RPC face (`SupervisorRpcBackend` of @tsupervisord/xmlrpc) over the very handlers the gRPC
 * service runs: every operation goes through the same function, so both faces answer the same (same checks,
 * same faults, same call log). Only the shapes differ: plain JS values and snake_case structs here.
 */
export function createXmlRpcBackend(handlers: SupervisorHandlers, ctx: ServiceContext): SupervisorRpcBackend {
  const call = (method: MethodName, signal?: AbortSignal): CallContext => ({
    method,
    signal: signal ?? new AbortController().signal,
    // No gRPC metadata: XML-RPC authentication happened in the HTTP layer already.
    peer: "xml-rpc",
  });
  const results = (list: Array<WireReply<ProcessResult> | undefined> | undefined): ProcessResultStruct[] =>
    (list ?? []).map((r) => ({
      name: r?.name ?? "",
      group: r?.group ?? "",
      status: r?.status ?? 0,
      description: r?.description ?? "",
    }));
  const channelOf = (channel: RpcChannel): LogChannel => (channel === "stderr" ? LogChannels.STDERR : LogChannels.STDOUT);
  const text = (data: Uint8Array | undefined): string => decodeLogBytes(data ?? new Uint8Array());

  const readProcessLog = async (name: string, channel: LogChannel, offset: number, length: number): Promise<string> =>
    text((await handlers.readProcessLog({ name, channel, offset, length }, call("readProcessLog"))).data);
  const tailProcessLog = async (name: string, channel: LogChannel, offset: number, length: number): Promise<TailResult> => {
    const r = await handlers.tailProcessLog({ name, channel, offset, length }, call("tailProcessLog"));
    return [text(r.data), r.offset ?? 0, r.overflow ?? false];
  };

  return {
    getSupervisorVersion: async () => (await handlers.getSupervisorVersion({}, call("getSupervisorVersion"))).version ?? "",
    getIdentification: async () => (await handlers.getIdentification({}, call("getIdentification"))).identifier ?? "",
    // Not through the handler: that one refuses outside RUNNING, and the dispatcher asks precisely to know that.
    getState: () => {
      const statename = ctx.state();
      return Promise.resolve({ statecode: DAEMON_STATE_CODES[statename], statename });
    },
    getPID: async () => (await handlers.getPid({}, call("getPid"))).pid ?? process.pid,
    readLog: async (offset, length) => text((await handlers.readLog({ offset, length }, call("readLog"))).data),
    clearLog: async () => void (await handlers.clearLog({}, call("clearLog"))),
    shutdown: async () => void (await handlers.shutdown({}, call("shutdown"))),
    restart: async () => void (await handlers.restart({}, call("restart"))),
    reloadConfig: async () => {
      const r = await handlers.reloadConfig({}, call("reloadConfig"));
      return { added: strings(r.added), changed: strings(r.changed), removed: strings(r.removed) };
    },
    addProcessGroup: async (name) => void (await handlers.addProcessGroup({ name }, call("addProcessGroup"))),
    removeProcessGroup: async (name) => void (await handlers.removeProcessGroup({ name }, call("removeProcessGroup"))),

    startProcess: async (name, wait) => void (await handlers.startProcess({ name, wait }, call("startProcess"))),
    startProcessGroup: async (name, wait) =>
      results((await handlers.startProcessGroup({ name, wait }, call("startProcessGroup"))).results),
    startAllProcesses: async (wait) => results((await handlers.startAllProcesses({ wait }, call("startAllProcesses"))).results),
    stopProcess: async (name, wait) => void (await handlers.stopProcess({ name, wait }, call("stopProcess"))),
    stopProcessGroup: async (name, wait) =>
      results((await handlers.stopProcessGroup({ name, wait }, call("stopProcessGroup"))).results),
    stopAllProcesses: async (wait) => results((await handlers.stopAllProcesses({ wait }, call("stopAllProcesses"))).results),
    signalProcess: async (name, signal) =>
      void (await handlers.signalProcess({ name, signal: String(signal) }, call("signalProcess"))),
    signalProcessGroup: async (name, signal) =>
      results((await handlers.signalProcessGroup({ name, signal: String(signal) }, call("signalProcessGroup"))).results),
    signalAllProcesses: async (signal) =>
      results((await handlers.signalAllProcesses({ signal: String(signal) }, call("signalAllProcesses"))).results),

    getProcessInfo: async (name) => processInfoStruct((await handlers.getProcessInfo({ name, includeStats: false }, call("getProcessInfo"))).info),
    getAllProcessInfo: async () =>
      ((await handlers.getAllProcessInfo({ includeStats: false }, call("getAllProcessInfo"))).processes ?? []).map(processInfoStruct),
    getAllConfigInfo: async () =>
      ((await handlers.getAllConfigInfo({}, call("getAllConfigInfo"))).configs ?? []).map(configInfoStruct),

    readProcessStdoutLog: (name, offset, length) => readProcessLog(name, LogChannels.STDOUT, offset, length),
    readProcessStderrLog: (name, offset, length) => readProcessLog(name, LogChannels.STDERR, offset, length),
    tailProcessStdoutLog: (name, offset, length) => tailProcessLog(name, LogChannels.STDOUT, offset, length),
    tailProcessStderrLog: (name, offset, length) => tailProcessLog(name, LogChannels.STDERR, offset, length),
    clearProcessLogs: async (name) => void (await handlers.clearProcessLogs({ name }, call("clearProcessLogs"))),
    clearAllProcessLogs: async () => results((await handlers.clearAllProcessLogs({}, call("clearAllProcessLogs"))).results),
    sendProcessStdin: async (name, chars) =>
      void (await handlers.sendProcessStdin({ name, data: Buffer.from(chars, "utf8") }, call("sendProcessStdin"))),
    sendRemoteCommEvent: async (type, data) =>
      void (await handlers.sendRemoteCommEvent({ type, data }, call("sendRemoteCommEvent"))),

    followProcessLog: (name, channel, signal) => {
      if (ctx.state() !== "RUNNING") throw new SupervisorError("SHUTDOWN_STATE");
      return Promise.resolve(followed(processLogfile(ctx.supervisor, name, channelOf(channel)), signal, ctx));
    },
    followMainLog: (signal) => Promise.resolve(followed(mainLogfileOf(ctx), signal, ctx)),
    watchProcesses: (signal) => processFeed(handlers, call("watch", signal)),
  };
}

/**
 * The web UI's live feed over the same Watch stream the TUI reads (the engine's event bus): the snapshot,
 * then each process state change; a group added or removed sends the whole list again.
 */
async function* processFeed(handlers: SupervisorHandlers, context: CallContext): AsyncGenerator<ProcessFeedEvent> {
  for await (const message of handlers.watch({ includeStats: false }, context)) {
    const event = message.event;
    switch (event?.$case) {
      case "snapshot":
        yield { kind: "snapshot", processes: (event.snapshot?.processes ?? []).map(processInfoStruct) };
        break;
      case "processStateChanged":
        yield { kind: "process", process: processInfoStruct(event.processStateChanged?.process) };
        break;
      case "groupAdded":
      case "groupRemoved": {
        const all = await handlers.getAllProcessInfo({ includeStats: false }, { ...context, method: "getAllProcessInfo" });
        yield { kind: "snapshot", processes: (all.processes ?? []).map(processInfoStruct) };
        break;
      }
      default:
        break;
    }
  }
}

/** /logtail and /mainlogtail: NO_FILE (404) up front, then the same follower the gRPC stream uses. */
function followed(file: string | null, signal: AbortSignal, ctx: ServiceContext): FollowedLog {
  let lastModified: Date;
  try {
    if (file === null) throw new Error("no file");
    lastModified = fs.statSync(file).mtime;
  } catch {
    throw new SupervisorError("NO_FILE", file ?? "None");
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of followFile(file, 1024, AbortSignal.any([signal, ctx.closing]))) {
      yield chunk.truncated ? TRUNCATED_MARKER : chunk.data;
    }
  }
  return { lastModified, chunks: chunks() };
}

function strings(list: Array<string | undefined> | undefined): string[] {
  return (list ?? []).filter((x): x is string => x !== undefined);
}

// `limits` (issue 17), `logStats` (issue 15) and `logPump` (issue 20) are tsupervisord additions XML-RPC does not carry.
function processInfoStruct(
  info:
    | (WireReply<Omit<ProcessInfo, "limits" | "logStats" | "logPump">> & { limits?: unknown; logStats?: unknown; logPump?: unknown })
    | undefined,
): ProcessInfoStruct {
  if (info === undefined) throw new SupervisorError("FAILED", "no process info");
  return {
    name: info.name ?? "",
    group: info.group ?? "",
    description: info.description ?? "",
    start: info.start ?? 0,
    stop: info.stop ?? 0,
    now: info.now ?? 0,
    state: info.state ?? 0,
    statename: info.statename ?? "",
    spawnerr: info.spawnerr ?? "",
    exitstatus: info.exitstatus ?? 0,
    logfile: info.logfile ?? info.stdoutLogfile ?? "",
    stdout_logfile: info.stdoutLogfile ?? "",
    stderr_logfile: info.stderrLogfile ?? "",
    pid: info.pid ?? 0,
  };
}

/** The keys supervisord 4.2.5 sends (see ConfigInfoStruct); the wire form's extras (autorestart…) are dropped. */
function configInfoStruct(c: WireReply<ConfigInfo> | undefined): ConfigInfoStruct {
  if (c === undefined) return {};
  const uid = c.uid === undefined || c.uid === "none" ? "none" : Number(c.uid);
  return {
    autostart: c.autostart ?? false,
    directory: c.directory ?? "none",
    uid,
    command: c.command ?? "",
    exitcodes: (c.exitcodes ?? []).filter((x): x is number => x !== undefined),
    group: c.group ?? "",
    group_prio: c.groupPrio ?? 0,
    inuse: c.inuse ?? false,
    killasgroup: c.killasgroup ?? false,
    name: c.name ?? "",
    process_prio: c.processPrio ?? 0,
    redirect_stderr: c.redirectStderr ?? false,
    startretries: c.startretries ?? 0,
    startsecs: c.startsecs ?? 0,
    stdout_capture_maxbytes: c.stdoutCaptureMaxbytes ?? 0,
    stdout_events_enabled: c.stdoutEventsEnabled ?? false,
    stdout_logfile: c.stdoutLogfile ?? "none",
    stdout_logfile_backups: c.stdoutLogfileBackups ?? 0,
    stdout_logfile_maxbytes: c.stdoutLogfileMaxbytes ?? 0,
    stdout_syslog: c.stdoutSyslog ?? false,
    stopsignal: c.stopsignal ?? 15,
    stopwaitsecs: c.stopwaitsecs ?? 0,
    stderr_capture_maxbytes: c.stderrCaptureMaxbytes ?? 0,
    stderr_events_enabled: c.stderrEventsEnabled ?? false,
    stderr_logfile: c.stderrLogfile ?? "none",
    stderr_logfile_backups: c.stderrLogfileBackups ?? 0,
    stderr_logfile_maxbytes: c.stderrLogfileMaxbytes ?? 0,
    stderr_syslog: c.stderrSyslog ?? false,
    serverurl: c.serverurl ?? "none",
  };
}
