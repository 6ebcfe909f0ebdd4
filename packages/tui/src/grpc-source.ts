// The real TopDataSource: @tsupervisord/protocol's promise client (`connect()`), mapped onto the TUI's model.
// The wire shapes are written out here structurally (the subset of the generated ts-proto types this file
// reads), so the mapping is unit-tested with plain objects and a regeneration that keeps these fields changes
// nothing here.

import type { DaemonInfo, LogChannel, ProcessInfo, ProcessStateName, TopDataSource, WatchEvent } from "./model.js";
import { errorCodeFromFault, resultLine, type ResultVerb } from "@tsupervisord/errors";
import { OpFailure, PROCESS_STATES, processKey, stateFromCode } from "./model.js";
import type { TopOptions } from "./run-top.js";
import { formatBytes, formatDuration } from "./format.js";

export interface WireProcessInfo {
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
  pid: number;
  cpuPercent: number;
  rssBytes: number;
  // issue 14 (absent from older daemons)
  readiness?: string;
  readinessStatus?: string;
  waitingFor?: string;
  /** Spawns after the first since the daemon started (proto field 55). */
  restarts: number;
  /** Issue 17 (absent from older daemons). */
  fds?: number | undefined;
  limits?: WireLimits | undefined;
}

/** Issue 17: the program's configured limits. */
export interface WireLimits {
  rlimits: string;
  memoryMaxBytes?: number | undefined;
  cpuMax: string;
  pidsMax?: number | undefined;
  rssRestartBytes: number;
  rssRestartForMs: number;
}

export interface WireSnapshot {
  processes: WireProcessInfo[];
  statename: string;
  identification: string;
  supervisorVersion: string;
  startTime: number;
  pid: number;
}

export interface WireProcessResult {
  name: string;
  group: string;
  status: number;
  description: string;
}

export interface WireWatchResponse {
  event:
    | { $case: "snapshot"; snapshot: WireSnapshot }
    | { $case: "processStateChanged"; processStateChanged: { process?: WireProcessInfo | undefined } }
    | { $case: "processReadinessChanged"; processReadinessChanged: { process?: WireProcessInfo | undefined } }
    | { $case: "groupAdded"; groupAdded: { name: string; processes: WireProcessInfo[] } }
    | { $case: "groupRemoved"; groupRemoved: { name: string } }
    | { $case: "supervisorStateChanged"; supervisorStateChanged: { statename: string } }
    | {
        $case: "processStats";
        processStats: {
          processes: Array<{ name: string; group: string; pid: number; cpuPercent: number; rssBytes: number; fds?: number | undefined }>;
        };
      }
    // issue 19: audit events of the control plane; `top` does not show them.
    | { $case: "audit"; audit: unknown }
    | undefined;
}

interface Call {
  signal?: AbortSignal | undefined;
}
type Results = Promise<{ results: WireProcessResult[] }>;

/** The subset of protocol's `SupervisorClient` used here. */
export interface WireClient {
  watch(request: { includeStats: boolean }, options?: Call): AsyncIterable<WireWatchResponse>;
  tailProcessLogFollow(
    request: { name: string; channel: number; tailBytes?: number },
    options?: Call,
  ): AsyncIterable<{ data: Uint8Array; truncated: boolean }>;
  startProcess(request: { name: string; wait?: boolean }): Promise<unknown>;
  stopProcess(request: { name: string; wait?: boolean }): Promise<unknown>;
  startProcessGroup(request: { name: string; wait?: boolean }): Results;
  stopProcessGroup(request: { name: string; wait?: boolean }): Results;
  signalProcess(request: { name: string; signal: string }): Promise<unknown>;
  signalProcessGroup(request: { name: string; signal: string }): Results;
  clearProcessLogs(request: { name: string }): Promise<unknown>;
  close(): void;
}

/** protocol's LogChannel enum values (STDOUT = 1, STDERR = 2). */
const WIRE_CHANNEL: Record<LogChannel, number> = { stdout: 1, stderr: 2 };
/** How much existing output the log pane shows when it starts following. */
const TAIL_BYTES = 16 * 1024;
const SUCCESS = 80;
const NOT_RUNNING = 70;

export function mapProcess(p: WireProcessInfo): ProcessInfo {
  const alive = p.pid > 0;
  return {
    name: p.name,
    group: p.group,
    state: (PROCESS_STATES as readonly string[]).includes(p.statename)
      ? (p.statename as ProcessStateName)
      : stateFromCode(p.state),
    description: p.description,
    start: p.start,
    stop: p.stop,
    now: p.now,
    spawnerr: p.spawnerr,
    exitstatus: p.exitstatus,
    pid: p.pid,
    // proto3 cannot say "not sampled": a process without a pid has no figures, and a live process always has
    // some resident memory, so RSS 0 means no sample yet (a pid just spawned).
    cpuPercent: alive && p.rssBytes > 0 ? p.cpuPercent : null,
    rssBytes: alive && p.rssBytes > 0 ? p.rssBytes : null,
    restarts: p.restarts,
    ...(alive && p.fds !== undefined ? { fds: p.fds } : {}),
    ...(p.limits !== undefined ? { limits: limitsText(p.limits) } : {}),
    ...(p.readiness !== undefined && p.readiness !== "" ? { readiness: p.readiness } : {}),
    ...(p.readinessStatus ? { readinessStatus: p.readinessStatus } : {}),
    ...(p.waitingFor ? { waitingFor: p.waitingFor } : {}),
  };
}

/** Turns the Watch stream's messages into WatchEvents; keeps the daemon info to update it on state changes. */
export class WatchMapper {
  private daemon: DaemonInfo | null = null;

  map(response: WireWatchResponse): WatchEvent[] {
    const event = response.event;
    if (event === undefined || event.$case === "audit") return [];
    switch (event.$case) {
      case "snapshot": {
        const s = event.snapshot;
        const now = s.processes[0]?.now ?? Math.floor(Date.now() / 1000);
        this.daemon = {
          identification: s.identification,
          version: s.supervisorVersion,
          pid: s.pid,
          startedAt: s.startTime,
          now,
          state: s.statename,
        };
        return [{ kind: "snapshot", daemon: this.daemon, processes: s.processes.map(mapProcess) }];
      }
      case "processStateChanged": {
        const p = event.processStateChanged.process;
        return p ? [{ kind: "process", info: mapProcess(p) }] : [];
      }
      case "processReadinessChanged": {
        // issue 14: same process, new readiness (the state is unchanged, so no restart is counted).
        const p = event.processReadinessChanged.process;
        return p ? [{ kind: "process", info: mapProcess(p) }] : [];
      }
      case "groupAdded":
        return event.groupAdded.processes.map((p) => ({ kind: "process", info: mapProcess(p) }));
      case "groupRemoved":
        return [{ kind: "groupRemoved", group: event.groupRemoved.name }];
      case "supervisorStateChanged":
        if (!this.daemon) return [];
        this.daemon = { ...this.daemon, state: event.supervisorStateChanged.statename };
        return [{ kind: "daemon", daemon: this.daemon }];
      case "processStats":
        return [
          {
            kind: "stats",
            stats: event.processStats.processes.map((s) => ({
              key: processKey(s),
              cpuPercent: s.cpuPercent,
              rssBytes: s.rssBytes,
              ...(s.fds !== undefined ? { fds: s.fds } : {}),
            })),
          },
        ];
    }
  }
}

/** `web:*` → `web`; anything else is a single process. */
function groupOf(target: string): string | null {
  return target.endsWith(":*") ? target.slice(0, -2) : null;
}

/**
 * A group call answers with one result per process: fail with supervisorctl's line for each fault, ignoring the
 * tolerated ones.
 */
function checkResults(verb: ResultVerb, results: WireProcessResult[], tolerated: number[] = []): void {
  const failed = results.filter((r) => r.status !== SUCCESS && !tolerated.includes(r.status));
  if (failed.length === 0) return;
  throw new OpFailure(
    failed.map((r) => resultLine(verb, `${r.group}:${r.name}`, errorCodeFromFault(r.status) ?? "FAILED", r.description)),
  );
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

export class GrpcSource implements TopDataSource {
  constructor(
    private readonly client: WireClient,
    readonly label: string,
  ) {}

  async *watch(signal: AbortSignal): AsyncIterable<WatchEvent> {
    const mapper = new WatchMapper();
    for await (const response of this.client.watch({ includeStats: true }, { signal })) {
      for (const event of mapper.map(response)) yield event;
    }
  }

  async *followLog(key: string, channel: LogChannel, signal: AbortSignal): AsyncIterable<string> {
    // Streaming decode: a multi-byte character split across two messages still comes out whole.
    const decoder = new TextDecoder("utf-8");
    const stream = this.client.tailProcessLogFollow(
      { name: key, channel: WIRE_CHANNEL[channel], tailBytes: TAIL_BYTES },
      { signal },
    );
    for await (const chunk of stream) {
      if (chunk.truncated) yield "\n── log rotated or cleared ──\n";
      const text = decoder.decode(chunk.data, { stream: true });
      if (text !== "") yield text;
    }
  }

  async start(target: string): Promise<void> {
    const group = groupOf(target);
    if (group === null) await this.client.startProcess({ name: target, wait: true });
    else checkResults("start", (await this.client.startProcessGroup({ name: group, wait: true })).results);
  }

  async stop(target: string): Promise<void> {
    const group = groupOf(target);
    if (group === null) await this.client.stopProcess({ name: target, wait: true });
    else checkResults("stop", (await this.client.stopProcessGroup({ name: group, wait: true })).results);
  }

  /** supervisorctl's restart: stop (a process that is not running is fine), then start. */
  async restart(target: string): Promise<void> {
    const group = groupOf(target);
    if (group === null) {
      try {
        await this.client.stopProcess({ name: target, wait: true });
      } catch (error) {
        if (!hasCode(error, "NOT_RUNNING")) throw error;
      }
      await this.client.startProcess({ name: target, wait: true });
      return;
    }
    checkResults("stop", (await this.client.stopProcessGroup({ name: group, wait: true })).results, [NOT_RUNNING]);
    checkResults("start", (await this.client.startProcessGroup({ name: group, wait: true })).results);
  }

  async signal(target: string, signal: string): Promise<void> {
    const group = groupOf(target);
    if (group === null) await this.client.signalProcess({ name: target, signal });
    else checkResults("signal", (await this.client.signalProcessGroup({ name: group, signal })).results);
  }

  async clearLogs(target: string): Promise<void> {
    await this.client.clearProcessLogs({ name: target });
  }

  close(): void {
    this.client.close();
  }
}

/** Connects to the daemon tsctl resolved (no call is made until the first watch). */
export async function createGrpcSource(options: TopOptions): Promise<TopDataSource> {
  const { connect } = await import("@tsupervisord/protocol");
  // protocol's client satisfies the structural WireClient above; the assignment is the compile-time check.
  const client: WireClient = connect(options.serverUrl, { username: options.username, password: options.password, tls: options.tls });
  return new GrpcSource(client, options.serverUrl);
}

/** Issue 17: the program's limits in a few characters for the table (null when it has none). */
export function limitsText(l: WireLimits | undefined): string | null {
  if (l === undefined) return null;
  const parts: string[] = [];
  if (l.rlimits !== "") parts.push(l.rlimits);
  if (l.memoryMaxBytes !== undefined && l.memoryMaxBytes >= 0) parts.push(`mem≤${formatBytes(l.memoryMaxBytes)}`);
  if (l.cpuMax !== "" && !l.cpuMax.startsWith("max")) {
    const [quota, period] = l.cpuMax.split(" ").map(Number);
    if (quota !== undefined && period !== undefined && period > 0) parts.push(`cpu≤${Math.round((quota / period) * 100)}%`);
  }
  if (l.pidsMax !== undefined && l.pidsMax >= 0) parts.push(`pids≤${l.pidsMax}`);
  if (l.rssRestartBytes > 0) parts.push(`rss>${formatBytes(l.rssRestartBytes)}/${formatDuration(l.rssRestartForMs / 1000)}`);
  return parts.length > 0 ? parts.join(" ") : null;
}
