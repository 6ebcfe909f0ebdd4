// The TUI's own view of the daemon: process info as spec §5.3 has it plus CPU/RSS samples, the daemon's identity,
// and the events of the `Watch` stream. The gRPC adapter (grpc-source.ts) maps the generated protocol types onto
// these, so the store, keymap and views never depend on generated code.

import { PROCESS_STATE_NAMES, ProcessStates, RUNNING_STATES, SIGNALLABLE_STATES, processStateName } from "@tsupervisord/pycompat";
import type { ProcessStateName } from "@tsupervisord/pycompat";

export type { ProcessStateName };

/** Process states, spec §2.1, in the order supervisord numbers them (the one table, in @tsupervisord/pycompat). */
export const PROCESS_STATES: readonly ProcessStateName[] = PROCESS_STATE_NAMES;

export function stateCode(name: ProcessStateName): number {
  return ProcessStates[name];
}

export function stateFromCode(code: number): ProcessStateName {
  return processStateName(code);
}

/** Spec §2.1: the states a signal can be sent to. */
export function isSignallable(state: ProcessStateName): boolean {
  return SIGNALLABLE_STATES.has(state);
}

/** Spec §2.1 RUNNING_STATES: states where the process is alive (or about to be). */
export function isRunningState(state: ProcessStateName): boolean {
  return RUNNING_STATES.has(state);
}

/** One process, as spec §5.3 `ProcessInfo` plus resource usage. Times are epoch seconds (0 = never). */
export interface ProcessInfo {
  name: string;
  group: string;
  state: ProcessStateName;
  /** supervisorctl's status description (CMD-STATUS-4), e.g. `Exited too quickly (process log may have details)`. */
  description: string;
  start: number;
  stop: number;
  /** The daemon's clock when this info was produced, so uptime is computed on the daemon's clock. */
  now: number;
  spawnerr: string;
  /** Last exit status; -1 for a signal death. Meaningful only once `stop` is non-zero. */
  exitstatus: number;
  pid: number;
  /** CPU usage in percent of one core, or null when not sampled (yet). */
  cpuPercent: number | null;
  /** Resident set size in bytes, or null when not sampled (yet). */
  rssBytes: number | null;
  /** Spawns after the first since the daemon started, as the daemon counts them; null when the server has no
   * such counter (shown as `-`: a count of what this session happened to see would be wrong after a reconnect). */
  restarts: number | null;
  /** Open fds of the process tree, or null when not sampled (issue 17). */
  fds?: number | null;
  /** The program's limits as one short text (`nofile=512:1024 mem≤512M rss>1.5G/2m`), null when none. */
  limits?: string | null;
  /** issue 14: readiness beside the state (`none` without a ready_check), its reason, a depends_on wait. */
  readiness?: string;
  readinessStatus?: string;
  waitingFor?: string;
  /** issue 19 (`top --context a,b`): the host this process runs on; its `group` then starts with `host/`. */
  host?: string;
}

/** issue 19: one host of a multi-host view and how its connection stands. */
export interface HostConnection {
  name: string;
  status: "connecting" | "connected" | "lost";
  /** Why the last connection ended (while lost or reconnecting), else null. */
  error: string | null;
}

/** The daemon itself, for the header. */
export interface DaemonInfo {
  identification: string;
  version: string;
  pid: number;
  /** Epoch seconds when the daemon started (0 if unknown). */
  startedAt: number;
  /** The daemon's clock when this info was produced. */
  now: number;
  /** The daemon's own state (RUNNING, RESTARTING, SHUTDOWN…). */
  state: string;
}

/** A resource sample for one process, keyed as `group:name`. */
export interface ProcessStats {
  key: string;
  cpuPercent: number | null;
  rssBytes: number | null;
  /** Open fds of the tree (issue 17), null when not readable. */
  fds?: number | null;
}

/**
 * What the `Watch` stream carries: first one `snapshot` (the whole world), then changes. `process` replaces the
 * info of one process (added or changed), `removed`/`groupRemoved` drop processes (after `update`), `stats`
 * refreshes CPU/RSS, `daemon` updates the header.
 */
export type WatchEvent =
  | { kind: "snapshot"; daemon: DaemonInfo; processes: ProcessInfo[] }
  | { kind: "process"; info: ProcessInfo }
  | { kind: "removed"; key: string }
  | { kind: "groupRemoved"; group: string }
  | { kind: "stats"; stats: ProcessStats[] }
  | { kind: "daemon"; daemon: DaemonInfo }
  /** issue 19 (multi-host): one host's whole world, replacing what was known of that host. */
  | { kind: "hostSnapshot"; host: string; processes: ProcessInfo[] }
  /** issue 19 (multi-host): a host's connection changed. */
  | { kind: "host"; host: HostConnection };

export type LogChannel = "stdout" | "stderr";

/** issue 19: a process's group as its own daemon names it (without the `host/` prefix of a multi-host view). */
export function localGroup(p: { group: string; host?: string | undefined }): string {
  return p.host !== undefined && p.group.startsWith(`${p.host}/`) ? p.group.slice(p.host.length + 1) : p.group;
}

/** The key the TUI uses for a process everywhere: supervisorctl's `group:name` selector. */
export function processKey(p: { group: string; name: string }): string {
  return `${p.group}:${p.name}`;
}

/**
 * A group op that failed for some of its processes, in supervisorctl's words: one line per process that failed
 * (`web:web_00: ERROR (spawn error)`).
 */
export class OpFailure extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join("; "));
    this.name = "OpFailure";
  }
}

/**
 * Everything the TUI needs from a daemon. The real one speaks gRPC (grpc-source.ts); tests use an in-memory one.
 * `target` is a supervisorctl selector: `group:name` or `group:*`. A call on one process rejects with the daemon's
 * fault (an Error with the fault's `code`, e.g. `SPAWN_ERROR`) or a transport error; a call on a group rejects with
 * an OpFailure. The controller turns each into supervisorctl's line. None is expected to throw synchronously.
 */
export interface TopDataSource {
  /** Snapshot then live events; ends or throws when the connection is lost. Stops when `signal` aborts. */
  watch(signal: AbortSignal): AsyncIterable<WatchEvent>;
  /** Recent output of one channel, then live output, as text chunks. Stops when `signal` aborts. */
  followLog(key: string, channel: LogChannel, signal: AbortSignal): AsyncIterable<string>;
  start(target: string): Promise<void>;
  stop(target: string): Promise<void>;
  restart(target: string): Promise<void>;
  signal(target: string, signal: string): Promise<void>;
  clearLogs(target: string): Promise<void>;
  /** A short label for the header, e.g. `unix:///run/supervisor.sock`. */
  readonly label: string;
  close(): void;
}
