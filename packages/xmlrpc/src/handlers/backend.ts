import { ErrorCodes, isSupervisorError } from "@tsupervisord/errors";

/**
 * The port the XML-RPC surface calls into: one async method per `supervisor.*` operation, in plain JS
 * values. The daemon implements it over the engine; this package never sees the engine. Every method
 * signals failure by throwing `SupervisorError(code, detail)` from @tsupervisord/errors; the dispatcher turns
 * that into the fault `CODE: detail` (RPC-09). Anything else thrown is an internal error (HTTP 500).
 *
 * What the dispatcher already does, so implementations need not:
 * - the SHUTDOWN_STATE check before every `supervisor.*` call except sendRemoteCommEvent (via `getState()`:
 *   a statecode below 1, i.e. RESTARTING 0 or SHUTDOWN -1, refuses the call);
 * - arity checks, aliases, `system.*`, multicall;
 * - `g:` / `g:*` delegation of startProcess/stopProcess/signalProcess to the group form (a BAD_NAME from the
 *   group call is re-reported with the full name the caller passed);
 * - the non-string check of sendProcessStdin's `chars`;
 * - clamping of start/stop/now into the int32 range and the key order of the structs on the wire.
 */

/** `getProcessInfo` / `getAllProcessInfo` (§5.3). Timestamps are epoch seconds, 0 when never. */
export interface ProcessInfoStruct {
  name: string;
  group: string;
  /** CMD-STATUS-4 text (SHP-01), e.g. `pid 123, uptime 0:01:02`. */
  description: string;
  start: number;
  stop: number;
  now: number;
  state: number;
  statename: string;
  spawnerr: string;
  exitstatus: number;
  /** Legacy alias of stdout_logfile; the dispatcher fills it from stdout_logfile when omitted. */
  logfile?: string;
  stdout_logfile: string;
  stderr_logfile: string;
  pid: number;
}

/** One entry of a group/all operation or clearAllProcessLogs (§5.3): status 80 = SUCCESS with `OK`. */
export interface ProcessResultStruct {
  name: string;
  group: string;
  status: number;
  description: string;
}

export interface SupervisorStateStruct {
  statecode: number;
  statename: string;
}

/** `reloadConfig` (§5.4): group names; the wire form is `[[added, changed, removed]]`. */
export interface ReloadResult {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * `getAllConfigInfo` (§5.3), one per process of the last read config. supervisord 4.2.5 sends exactly these
 * keys: autostart, directory, uid, command, exitcodes (int array), group, group_prio, inuse, killasgroup, name,
 * process_prio, redirect_stderr, startretries, startsecs, stdout_capture_maxbytes, stdout_events_enabled,
 * stdout_logfile, stdout_logfile_backups, stdout_logfile_maxbytes, stdout_syslog, stopsignal (int),
 * stopwaitsecs, the same six stderr_* keys, serverurl. Values XML-RPC cannot carry are replaced: AUTO → "auto",
 * None → "none" (see `withConfigPlaceholders`). The dispatcher sorts the list by `name`.
 */
export type ConfigInfoStruct = Record<string, string | number | boolean | number[]>;

/** supervisord's substitution for config values XML-RPC cannot carry: null/undefined → "none", AUTO → "auto". */
export function withConfigPlaceholders(
  record: Record<string, unknown>,
  isAuto: (value: unknown) => boolean = () => false,
): ConfigInfoStruct {
  const out: ConfigInfoStruct = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null || value === undefined) out[key] = "none";
    else if (isAuto(value)) out[key] = "auto";
    else out[key] = value as string | number | boolean | number[];
  }
  return out;
}

/** `[data, newOffset, overflow]` of tailProcess*Log (TL-01). */
export type TailResult = [string, number, boolean];

export type LogChannel = "stdout" | "stderr";

/**
 * A log being followed for `/logtail` and `/mainlogtail` (TLF-01/02): the implementation starts with the last
 * 1024 bytes, then yields appended bytes, `==> File truncated <==\n` on shrink, and follows rotation. The
 * iteration ends when the signal aborts (the HTTP client went away).
 */
export interface FollowedLog {
  /** The file's mtime, sent as Last-Modified. */
  lastModified: Date;
  chunks: AsyncIterable<Uint8Array>;
}

/**
 * What the web UI's live view is told (`/events`): a full list first and whenever groups come or go, then
 * one process each time its state changes. Pushed by the daemon from its event bus, never polled.
 */
export type ProcessFeedEvent =
  | { kind: "snapshot"; processes: ProcessInfoStruct[] }
  | { kind: "process"; process: ProcessInfoStruct };

export interface SupervisorRpcBackend {
  // --- status and control of the daemon ---
  /** Package version, e.g. "4.2.5" (getSupervisorVersion). */
  getSupervisorVersion(): Promise<string>;
  /** `identifier` from [supervisord]. */
  getIdentification(): Promise<string>;
  /** Daemon state (FATAL 2, RUNNING 1, RESTARTING 0, SHUTDOWN -1). Also used for the SHUTDOWN_STATE check. */
  getState(): Promise<SupervisorStateStruct>;
  getPID(): Promise<number>;
  /** Activity log, RD-01…05 (NO_FILE when there is no log file, BAD_ARGUMENTS for bad offset/length). */
  readLog(offset: number, length: number): Promise<string>;
  /** CLR-03. */
  clearLog(): Promise<void>;
  /** Sets SHUTDOWN and returns before anything stops. */
  shutdown(): Promise<void>;
  /** Sets RESTARTING and returns before anything stops. */
  restart(): Promise<void>;
  /** Re-parse the config without touching processes; CANT_REREAD on error. */
  reloadConfig(): Promise<ReloadResult>;
  addProcessGroup(name: string): Promise<void>;
  removeProcessGroup(name: string): Promise<void>;

  // --- processes (names are namespecs `name` / `group:name`; groups are plain group names) ---
  /** §5.5; resolves once started (wait) or spawned (!wait). Only called with a process namespec. */
  startProcess(name: string, wait: boolean): Promise<void>;
  startProcessGroup(name: string, wait: boolean): Promise<ProcessResultStruct[]>;
  startAllProcesses(wait: boolean): Promise<ProcessResultStruct[]>;
  stopProcess(name: string, wait: boolean): Promise<void>;
  stopProcessGroup(name: string, wait: boolean): Promise<ProcessResultStruct[]>;
  stopAllProcesses(wait: boolean): Promise<ProcessResultStruct[]>;
  /** `signal` is a name (`HUP`, `SIGHUP`) or a number exactly as sent (a double is already truncated). */
  signalProcess(name: string, signal: string | number): Promise<void>;
  signalProcessGroup(name: string, signal: string | number): Promise<ProcessResultStruct[]>;
  signalAllProcesses(signal: string | number): Promise<ProcessResultStruct[]>;
  /** BAD_NAME for unknown names and for `g:` / `g:*`. */
  getProcessInfo(name: string): Promise<ProcessInfoStruct>;
  /** Sorted by group name, then process name. */
  getAllProcessInfo(): Promise<ProcessInfoStruct[]>;
  getAllConfigInfo(): Promise<ConfigInfoStruct[]>;
  readProcessStdoutLog(name: string, offset: number, length: number): Promise<string>;
  readProcessStderrLog(name: string, offset: number, length: number): Promise<string>;
  tailProcessStdoutLog(name: string, offset: number, length: number): Promise<TailResult>;
  tailProcessStderrLog(name: string, offset: number, length: number): Promise<TailResult>;
  clearProcessLogs(name: string): Promise<void>;
  clearAllProcessLogs(): Promise<ProcessResultStruct[]>;
  sendProcessStdin(name: string, chars: string): Promise<void>;
  /** Emits REMOTE_COMMUNICATION; works even during shutdown. */
  sendRemoteCommEvent(type: string, data: string): Promise<void>;

  // --- HTTP streaming tails (not XML-RPC methods) ---
  /** `/logtail/<namespec>[/<channel>]`: BAD_NAME or NO_FILE (→ 404) when the process or its log is missing. */
  followProcessLog(name: string, channel: LogChannel, signal: AbortSignal): Promise<FollowedLog>;
  /** `/mainlogtail`: NO_FILE (→ 404) when the activity log is absent. */
  followMainLog(signal: AbortSignal): Promise<FollowedLog>;

  // --- the web UI's live feed (not an XML-RPC method; optional: without it the pages are static) ---
  /** Ends when the signal aborts or the daemon stops serving; may throw SHUTDOWN_STATE before the first event. */
  watchProcesses?(signal: AbortSignal): AsyncIterable<ProcessFeedEvent>;
}

/**
 * Helper for backends building group/all results (§5.3): SUCCESS/`OK` without an error, otherwise the
 * SupervisorError's fault number and `CODE: detail` text. Anything that is not a SupervisorError is rethrown.
 */
export function processResult(name: string, group: string, error?: unknown): ProcessResultStruct {
  if (error === undefined) return { name, group, status: ErrorCodes.SUCCESS, description: "OK" };
  if (!isSupervisorError(error)) throw error;
  return { name, group, status: error.fault, description: error.faultString };
}
