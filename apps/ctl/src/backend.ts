/**
 * What tsctl needs from a supervisord: one method per supervisor.* call the commands make, in the shapes of
 * spec §5.3. Commands, formatting and exit codes are written against this interface only; the gRPC
 * implementation (grpc-backend.ts) is loaded lazily, and tests can plug in a scripted one.
 *
 * Faults arrive as `SupervisorError` (from @tsupervisord/errors); failures to reach the daemon at all as
 * `BackendConnectionError`.
 */

import type { CtlTls } from "./tls.js";

export interface ProcessInfo {
  name: string;
  group: string;
  /** supervisord's status text (CMD-STATUS-4); computed client-side when the server sends none. */
  description?: string;
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
  // issue 14 (gRPC only; absent from XML-RPC-shaped sources): readiness beside the state, depends_on.
  readiness?: string;
  readinessStatus?: string;
  liveness?: string;
  livenessStatus?: string;
  waitingFor?: string;
  dependsOn?: string[];
  program?: string;
  /** issue 18 (gRPC only): `restartsignal=` without SIG (`HUP`), "" when restart is stop+start. */
  restartSignal?: string;
  /** Spawns after the first since the daemon started; a tsupervisord extra (gRPC only: undefined over XML-RPC,
   * as supervisord has no such counter). Shown only by `--json`. */
  restarts?: number;
  /** issue 18 (gRPC only): the wish recorded in the daemon's statefile, "started" / "stopped" / "" (none). */
  desiredState?: string;
  /** Tree stats, restarts and limits (issue 17); only when asked with `{ stats: true }` (status --json, top). */
  resources?: ProcessResources;
  /** issue 20: which writer moves each channel to its log ("splice", "discard" or "js: <why>"); gRPC only, `--json` only. */
  logPump?: { stdout: string; stderr: string };
}

/** Issue 17: what `tsctl status --json` adds under `resources` (snake_case like supervisord's fields). */
export interface ProcessResources {
  cpu_percent: number;
  cpu_seconds: number;
  rss_bytes: number;
  fds: number | null;
  tree_processes: number;
  rss_restarts: number;
  descendants_killed: number;
  last_exit_signal: string;
  cgroup: string;
  limits: {
    rlimits: string;
    memory_max_bytes: number | null;
    memory_high_bytes: number | null;
    cpu_max: string;
    pids_max: number | null;
    restart_if_rss_over_bytes: number;
    restart_if_rss_over_for_ms: number;
  } | null;
}

/** issue 14: one message of the daemon's Watch stream, as `tsctl wait` needs it. */
export type WatchUpdate =
  | { kind: "snapshot"; processes: ProcessInfo[] }
  /** A process changed (state or readiness); `process` is its info after the change. */
  | { kind: "process"; process: ProcessInfo }
  | { kind: "group-added"; processes: ProcessInfo[] }
  | { kind: "group-removed"; group: string };

/** The outcome for one process of a group/all operation: `status` is a fault number (80 = SUCCESS). */
export interface ProcessResult {
  name: string;
  group: string;
  status: number;
  description: string;
}

export interface ConfigInfo {
  name: string;
  group: string;
  inuse: boolean;
  autostart: boolean;
  groupPrio: number;
  processPrio: number;
}

export interface ConfigChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/** issue 18: one option that differs; changeClass is hot, restart or structural (environment values never sent). */
export interface PlanChange {
  option: string;
  changeClass: string;
  oldValue: string;
  newValue: string;
}

/** issue 18: what update does to a member (keep, hot, restart, add, remove). */
export interface MemberPlanInfo {
  name: string;
  action: string;
  changes: PlanChange[];
  processNum: number;
}

/** issue 18: a group of the plan: status added/changed/removed; action add, remove, replace or members. */
export interface GroupPlanInfo {
  name: string;
  status: string;
  action: string;
  changes: PlanChange[];
  members: MemberPlanInfo[];
}

/** issue 18: what ApplyUpdate did to a group (and its members). */
export interface GroupUpdateResult {
  group: string;
  action: string;
  faultCode?: number | undefined;
  faultString: string;
  plan?: GroupPlanInfo | undefined;
  members: { name: string; action: string; faultCode?: number | undefined; faultString: string }[];
}

export interface ScaleResult {
  group: string;
  added: string[];
  removed: string[];
}

export type LogChannel = "stdout" | "stderr";

/** Receives the bytes of a followed log; `truncated` when the file shrank or was replaced. */
export type LogSink = (data: Uint8Array, truncated: boolean) => void;

export interface CtlBackend {
  getAPIVersion(): Promise<string>;
  getSupervisorVersion(): Promise<string>;
  getPID(): Promise<number>;
  getProcessInfo(name: string): Promise<ProcessInfo>;
  /** `stats`: also read the process trees' resources (issue 17). */
  getAllProcessInfo(options?: { stats?: boolean }): Promise<ProcessInfo[]>;
  getAllConfigInfo(): Promise<ConfigInfo[]>;

  startProcess(name: string): Promise<void>;
  startProcessGroup(group: string): Promise<ProcessResult[]>;
  startAllProcesses(): Promise<ProcessResult[]>;
  stopProcess(name: string): Promise<void>;
  stopProcessGroup(group: string): Promise<ProcessResult[]>;
  stopAllProcesses(): Promise<ProcessResult[]>;
  signalProcess(name: string, signal: string): Promise<void>;
  signalProcessGroup(group: string, signal: string): Promise<ProcessResult[]>;
  signalAllProcesses(signal: string): Promise<ProcessResult[]>;

  /** RD-*: `offset < 0, length 0` = the last |offset| bytes. */
  readProcessLog(name: string, channel: LogChannel, offset: number, length: number): Promise<Uint8Array>;
  readMainLog(offset: number, length: number): Promise<Uint8Array>;
  /** TLF-01/02: the last 1024 bytes, then appended bytes, until `signal` aborts (then resolves). */
  followProcessLog(name: string, channel: LogChannel, sink: LogSink, signal: AbortSignal): Promise<void>;
  followMainLog(sink: LogSink, signal: AbortSignal): Promise<void>;
  clearProcessLogs(name: string): Promise<void>;
  clearAllProcessLogs(): Promise<ProcessResult[]>;
  sendProcessStdin(name: string, data: string): Promise<void>;
  /** issue 15 (tsctl only): reopen, or with `now` rotate, log files; [] names = all and the activity log. */
  rotateLogs?(names: string[], now: boolean): Promise<ProcessResult[]>;
  /** issue 15 (tsctl only): a log from `sinceMs` on across rotated files, chunk by chunk into `sink`. */
  readProcessLogSince?(name: string, channel: LogChannel, sinceMs: number, sink: (data: Uint8Array) => void): Promise<void>;
  /** issue 18 (tsctl only): record `started` in the daemon's statefile, then start what does not run. */
  enableProcess?(name: string): Promise<ProcessResult[]>;
  /** issue 18 (tsctl only): record `stopped` in the daemon's statefile, then stop what runs. */
  disableProcess?(name: string): Promise<ProcessResult[]>;

  reloadConfig(): Promise<ConfigChanges>;
  /** issue 18 (tsctl only): the update plan against the last reread config; update applying only it; scale. */
  planUpdate?(): Promise<GroupPlanInfo[]>;
  applyUpdate?(groups: string[]): Promise<GroupUpdateResult[]>;
  scaleProgram?(name: string, numprocs: number): Promise<ScaleResult>;
  addProcessGroup(name: string): Promise<void>;
  removeProcessGroup(name: string): Promise<void>;
  shutdown(): Promise<void>;
  restart(): Promise<void>;

  /** issue 19 (tsctl only, gRPC): who the daemon takes us for. */
  whoAmI?(): Promise<{ user: string; role: string; peer: string; uid?: number | undefined }>;

  /** issue 14: the Watch stream (a snapshot, then every change) until `signal` aborts or the daemon ends it. */
  watch?(signal: AbortSignal): AsyncIterable<WatchUpdate>;

  // issue 18 (gRPC only): operations in the daemon (rolling restart, --no-wait verbs), graceful reload.
  /** Begins an operation and answers at once with it. */
  beginOperation?(request: OperationRequest): Promise<OperationInfo>;
  /** The operation's progress so far, then as it comes, then its end; ends early when `signal` aborts. */
  followOperation?(id: number, signal: AbortSignal): AsyncIterable<OperationMessage>;
  cancelOperation?(id: number): Promise<boolean>;
  listOperations?(): Promise<OperationInfo[]>;
  /** Sends each named process its restartsignal. */
  reloadProcesses?(names: string[]): Promise<ProcessResult[]>;

  /** Releases the connection so the process can exit. */
  close(): void;
}

/** issue 18: the server lacks a tsctl-only call (a real supervisord, reached over XML-RPC). */
export class UnsupportedCallError extends Error {
  override readonly name = "UnsupportedCallError";
}

export function isUnsupportedCall(err: unknown): err is UnsupportedCallError {
  return err instanceof UnsupportedCallError;
}

export type ConnectionFailure = "refused" | "no-such-file" | "unauthenticated" | "other";

/** The daemon could not be reached (or would not talk to us): no fault, no answer. */
export class BackendConnectionError extends Error {
  override readonly name = "BackendConnectionError";
  readonly reason: ConnectionFailure;
  readonly url: string;

  constructor(reason: ConnectionFailure, url: string, message?: string, options?: { cause?: unknown }) {
    super(message ?? `${url}: ${reason}`, options);
    this.reason = reason;
    this.url = url;
  }
}

export function isBackendConnectionError(err: unknown): err is BackendConnectionError {
  return err instanceof BackendConnectionError;
}

/** Where and as whom to connect: what `open` and the credential prompt change. */
export interface ServerTarget {
  serverurl: string;
  username: string | null;
  password: string | null;
  /** issue 19: for an `https://` serverurl (absent: the system roots, no client certificate). */
  tls?: CtlTls;
}

export type BackendFactory = (target: ServerTarget) => CtlBackend;

/** issue 18: what to begin. `rolling-restart` takes batch and wait; the verbs run supervisorctl's start/stop/restart. */
export interface OperationRequest {
  action: "rolling-restart" | "start" | "stop" | "restart";
  names: string[];
  batch?: number;
  wait?: "running" | "ready";
}

/** issue 18: an operation as the daemon reports it. */
export interface OperationInfo {
  id: number;
  kind: string;
  description: string;
  /** running, succeeded, failed, cancelled. */
  state: string;
  summary: string;
  startedMs: number;
  finishedMs: number;
}

/** issue 18: one message of a followed operation: a step (a note or one process's result), or the end. */
export type OperationMessage =
  | { kind: "step"; operation: OperationInfo; text: string; verb: string; result: ProcessResult | null }
  | { kind: "done"; operation: OperationInfo };
