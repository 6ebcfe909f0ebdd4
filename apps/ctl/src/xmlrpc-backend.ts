/**
 * CtlBackend over supervisord's XML-RPC (`POST /RPC2`) and its streaming tails (`GET /logtail/…`,
 * `/mainlogtail`): what tsctl falls back to when the server does not speak gRPC, i.e. a real supervisord
 * (issue 21 defect 6). Same calls as supervisorctl makes, so the commands print what supervisorctl prints.
 * Loaded with `await import()` only on that fallback.
 */
import http from "node:http";
import https from "node:https";
import { errorCodeFromFault, SupervisorError } from "@tsupervisord/errors";
import { BackendConnectionError } from "./backend.js";
import type { ConfigInfo, CtlBackend, LogChannel, LogSink, ProcessInfo, ProcessResult, ServerTarget } from "./backend.js";
import { dumpCall, parseResponse, XmlRpcFault, type WireValue } from "./xmlrpc-wire.js";
import { describeTlsFailure, isHttpsUrl, loadCtlTls, NO_TLS, probeTlsFailure } from "./tls.js";

type Struct = { [key: string]: WireValue };

interface Endpoint {
  socketPath?: string;
  host?: string;
  port?: number;
}

function endpointOf(serverurl: string): Endpoint {
  if (serverurl.startsWith("unix://")) return { socketPath: serverurl.slice("unix://".length) };
  const url = new URL(serverurl);
  const defaultPort = url.protocol === "https:" ? 443 : 80;
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port: url.port === "" ? defaultPort : Number(url.port) };
}

function connectionFailure(err: unknown, serverurl: string): BackendConnectionError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason = code === "ENOENT" ? "no-such-file" : code === "ECONNREFUSED" ? "refused" : "other";
  // issue 19: a failed handshake in words (node's code carries the verification failure).
  const tls = describeTlsFailure((err as Error).message, code);
  const message = tls ?? (err as Error).message;
  return new BackendConnectionError(reason, serverurl, `${serverurl}: ${message}`, { cause: err });
}

/** http, or https with tsctl's CA, client certificate and --insecure (issue 19). */
function transportOf(target: ServerTarget): { request: typeof http.request; get: typeof http.get; agent: http.Agent } {
  if (!isHttpsUrl(target.serverurl)) {
    return { request: http.request, get: http.get, agent: new http.Agent({ keepAlive: true, maxSockets: 4 }) };
  }
  const m = loadCtlTls(target.tls ?? NO_TLS);
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 4,
    ...(m.ca === undefined ? {} : { ca: m.ca }),
    ...(m.cert === undefined ? {} : { cert: m.cert }),
    ...(m.key === undefined ? {} : { key: m.key }),
    ...(m.insecure ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {}),
  });
  return { request: https.request, get: https.get, agent };
}

/** supervisord's fault as our SupervisorError: the fault string is `CODE` or `CODE: detail`. */
function faultToError(fault: XmlRpcFault): Error {
  const code = errorCodeFromFault(fault.faultCode);
  if (code === undefined) return new Error(`${String(fault.faultCode)}: ${fault.faultString}`);
  const detail = fault.faultString.startsWith(`${code}: `) ? fault.faultString.slice(code.length + 2) : undefined;
  return new SupervisorError(code, detail, { cause: fault });
}

const str = (s: Struct, key: string): string => (typeof s[key] === "string" ? (s[key] as string) : String(s[key] ?? ""));
const num = (s: Struct, key: string): number => Number(s[key] ?? 0);
const asStruct = (v: WireValue): Struct =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) ? v : {};
const asArray = (v: WireValue): WireValue[] => (Array.isArray(v) ? v : []);

function toProcessInfo(v: WireValue): ProcessInfo {
  const s = asStruct(v);
  return {
    name: str(s, "name"),
    group: str(s, "group"),
    description: str(s, "description"),
    start: num(s, "start"),
    stop: num(s, "stop"),
    now: num(s, "now"),
    state: num(s, "state"),
    statename: str(s, "statename"),
    spawnerr: str(s, "spawnerr"),
    exitstatus: num(s, "exitstatus"),
    stdoutLogfile: str(s, "stdout_logfile"),
    stderrLogfile: str(s, "stderr_logfile"),
    pid: num(s, "pid"),
  };
}

function toConfigInfo(v: WireValue): ConfigInfo {
  const s = asStruct(v);
  return {
    name: str(s, "name"),
    group: str(s, "group"),
    inuse: s["inuse"] === true,
    autostart: s["autostart"] === true,
    groupPrio: num(s, "group_prio"),
    processPrio: num(s, "process_prio"),
  };
}

function toResults(v: WireValue): ProcessResult[] {
  return asArray(v).map((r) => {
    const s = asStruct(r);
    return { name: str(s, "name"), group: str(s, "group"), status: num(s, "status"), description: str(s, "description") };
  });
}

const bytes = (v: WireValue): Uint8Array => (v instanceof Uint8Array ? v : Buffer.from(typeof v === "string" ? v : "", "utf8"));

export function createXmlRpcBackend(target: ServerTarget): CtlBackend {
  const endpoint = endpointOf(target.serverurl);
  const { request, get, agent } = transportOf(target);
  /** issue 19: over https, a hang-up without words gets one diagnostic handshake (tls.ts probeTlsFailure). */
  const failure = async (err: unknown): Promise<BackendConnectionError> => {
    const plain = connectionFailure(err, target.serverurl);
    if (!isHttpsUrl(target.serverurl) || plain.reason !== "other" || /certificate|TLS/.test(plain.message)) return plain;
    const found = await probeTlsFailure(endpoint.host ?? "localhost", endpoint.port ?? 443, loadCtlTls(target.tls ?? NO_TLS), "http/1.1");
    return found === null ? plain : new BackendConnectionError("other", target.serverurl, `${target.serverurl}: ${found}`, { cause: err });
  };
  const headers = (): http.OutgoingHttpHeaders =>
    target.username !== null
      ? { Authorization: `Basic ${Buffer.from(`${target.username}:${target.password ?? ""}`).toString("base64")}` }
      : {};

  const call = (method: string, ...params: Array<string | number | boolean>): Promise<WireValue> => {
    const body = dumpCall(method, params);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          ...endpoint,
          agent,
          method: "POST",
          path: "/RPC2",
          headers: { ...headers(), "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (d: Buffer) => chunks.push(d));
          res.on("error", (err) => reject(connectionFailure(err, target.serverurl)));
          res.on("end", () => {
            if (res.statusCode === 401) {
              reject(new BackendConnectionError("unauthenticated", target.serverurl, `${target.serverurl}: 401 Unauthorized`));
              return;
            }
            if (res.statusCode !== 200) {
              reject(new BackendConnectionError("other", target.serverurl, `${target.serverurl}: HTTP ${String(res.statusCode)}`));
              return;
            }
            try {
              resolve(parseResponse(Buffer.concat(chunks).toString("utf8")));
            } catch (err) {
              reject(err instanceof XmlRpcFault ? faultToError(err) : err);
            }
          });
        },
      );
      req.on("error", (err) => void failure(err).then(reject));
      req.end(body);
    });
  };

  /** `/logtail/…` or `/mainlogtail`: chunks to the sink until the server ends or `signal` aborts. */
  const stream = (path: string, sink: LogSink, signal: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      // Plain http keeps the global agent for streams; https needs ours (it carries the CA and client cert).
      const req = get({ ...endpoint, ...(isHttpsUrl(target.serverurl) ? { agent } : {}), path, headers: headers() }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new SupervisorError(res.statusCode === 404 ? "NO_FILE" : "FAILED", path));
          return;
        }
        res.on("data", (d: Buffer) => sink(d, false));
        res.on("end", () => resolve());
        res.on("error", () => resolve());
      });
      const onAbort = (): void => {
        req.destroy();
        resolve();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      req.on("error", (err) => (signal.aborted ? resolve() : void failure(err).then(reject)));
      req.on("close", () => signal.removeEventListener("abort", onAbort));
    });

  const channelMethod = (channel: LogChannel): string => (channel === "stderr" ? "Stderr" : "Stdout");

  return {
    getAPIVersion: async () => String(await call("supervisor.getAPIVersion")),
    getSupervisorVersion: async () => String(await call("supervisor.getSupervisorVersion")),
    getPID: async () => Number(await call("supervisor.getPID")),
    getProcessInfo: async (name) => toProcessInfo(await call("supervisor.getProcessInfo", name)),
    getAllProcessInfo: async () => asArray(await call("supervisor.getAllProcessInfo")).map(toProcessInfo),
    getAllConfigInfo: async () => asArray(await call("supervisor.getAllConfigInfo")).map(toConfigInfo),
    startProcess: async (name) => void (await call("supervisor.startProcess", name, true)),
    startProcessGroup: async (name) => toResults(await call("supervisor.startProcessGroup", name, true)),
    startAllProcesses: async () => toResults(await call("supervisor.startAllProcesses", true)),
    stopProcess: async (name) => void (await call("supervisor.stopProcess", name, true)),
    stopProcessGroup: async (name) => toResults(await call("supervisor.stopProcessGroup", name, true)),
    stopAllProcesses: async () => toResults(await call("supervisor.stopAllProcesses", true)),
    signalProcess: async (name, signal) => void (await call("supervisor.signalProcess", name, signal)),
    signalProcessGroup: async (name, signal) => toResults(await call("supervisor.signalProcessGroup", name, signal)),
    signalAllProcesses: async (signal) => toResults(await call("supervisor.signalAllProcesses", signal)),
    readProcessLog: async (name, channel, offset, length) =>
      bytes(await call(`supervisor.readProcess${channelMethod(channel)}Log`, name, offset, length)),
    readMainLog: async (offset, length) => bytes(await call("supervisor.readLog", offset, length)),
    followProcessLog: (name, channel, sink, signal) => stream(`/logtail/${name}/${channel}`, sink, signal),
    followMainLog: (sink, signal) => stream("/mainlogtail", sink, signal),
    clearProcessLogs: async (name) => void (await call("supervisor.clearProcessLogs", name)),
    clearAllProcessLogs: async () => toResults(await call("supervisor.clearAllProcessLogs")),
    sendProcessStdin: async (name, data) => void (await call("supervisor.sendProcessStdin", name, data)),
    reloadConfig: async () => {
      const [changes] = asArray(await call("supervisor.reloadConfig"));
      const [added, changed, removed] = asArray(changes ?? []).map((l) => asArray(l).map(String));
      return { added: added ?? [], changed: changed ?? [], removed: removed ?? [] };
    },
    addProcessGroup: async (name) => void (await call("supervisor.addProcessGroup", name)),
    removeProcessGroup: async (name) => void (await call("supervisor.removeProcessGroup", name)),
    shutdown: async () => void (await call("supervisor.shutdown")),
    restart: async () => void (await call("supervisor.restart")),
    close: () => agent.destroy(),
  };
}
