// issue 19: `tsctl top --context a,b`: several daemons in one table. Each host keeps its own Watch stream and its own
// reconnect loop (connecting → connected → lost + reason → connecting…, with exponential backoff reset by the
// next snapshot); their events are merged into one stream for the store. A host's processes carry `host` and have
// their group prefixed with `host/`, so keys, group rows and selectors (`web1/app:*`) stay unique across hosts and
// route back to the right daemon with the prefix removed. The only timer is the backoff sleep of a lost host:
// nothing ticks while every host is connected.

import { errorMessage, sleep, type ReconnectOptions } from "./connect.js";
import type { DaemonInfo, HostConnection, LogChannel, ProcessInfo, TopDataSource, WatchEvent } from "./model.js";
import { OpFailure } from "./model.js";

export interface HostSource {
  /** The host's name as the user gave it (context name or URL); shown in the host column. */
  name: string;
  source: TopDataSource;
}

/** A small unbounded queue that one consumer drains; producers never wait. */
class EventQueue<T> {
  private items: T[] = [];
  private wake: (() => void) | null = null;

  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }

  /** The queued items (waiting for at least one), or [] once `signal` aborts. */
  async take(signal: AbortSignal): Promise<T[]> {
    while (this.items.length === 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal.removeEventListener("abort", done);
          this.wake = null;
          resolve();
        };
        this.wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
    return this.items.splice(0);
  }
}

/** The header's stand-in for "the daemon": there are several, each with its own identity in its host row. */
function fleetDaemon(count: number): DaemonInfo {
  return { identification: `${count} hosts`, version: "", pid: 0, startedAt: 0, now: Date.now() / 1000, state: "RUNNING" };
}

export class MultiHostSource implements TopDataSource {
  readonly label: string;
  private readonly byName: Map<string, TopDataSource>;

  constructor(
    private readonly hosts: readonly HostSource[],
    private readonly reconnect: ReconnectOptions = {},
  ) {
    this.byName = new Map(hosts.map((h) => [h.name, h.source]));
    this.label = hosts.map((h) => h.name).join(", ");
  }

  async *watch(signal: AbortSignal): AsyncIterable<WatchEvent> {
    const queue = new EventQueue<WatchEvent>();
    yield { kind: "snapshot", daemon: fleetDaemon(this.hosts.length), processes: [] };
    for (const host of this.hosts) void this.runHost(host, queue, signal);
    while (!signal.aborted) for (const event of await queue.take(signal)) yield event;
  }

  /** One host's watch loop: never throws, every failure is a `lost` state and a retry after the backoff. */
  private async runHost(host: HostSource, queue: EventQueue<WatchEvent>, signal: AbortSignal): Promise<void> {
    const initial = this.reconnect.initialDelayMs ?? 250;
    const max = this.reconnect.maxDelayMs ?? 5000;
    const state = (status: HostConnection["status"], error: string | null): void =>
      queue.push({ kind: "host", host: { name: host.name, status, error } });
    let delay = initial;
    let lastError: string | null = null;
    while (!signal.aborted) {
      state("connecting", lastError);
      let reason = "the daemon closed the event stream";
      try {
        for await (const event of host.source.watch(signal)) {
          if (event.kind === "snapshot") {
            delay = initial;
            lastError = null;
            state("connected", null);
          }
          const mapped = onHost(host.name, event);
          if (mapped !== null) queue.push(mapped);
        }
      } catch (error) {
        reason = errorMessage(error);
      }
      if (signal.aborted) return;
      lastError = reason;
      // What a lost host last said may no longer be true: its rows go, its header entry says why.
      queue.push({ kind: "hostSnapshot", host: host.name, processes: [] });
      state("lost", reason);
      await sleep(delay, signal);
      delay = Math.min(max, delay * 2);
    }
  }

  /** The host a prefixed key or selector belongs to, and the selector as that host knows it. */
  route(target: string): { source: TopDataSource; host: string; target: string } {
    let best: string | null = null;
    for (const name of this.byName.keys()) {
      if (target.startsWith(`${name}/`) && (best === null || name.length > best.length)) best = name;
    }
    if (best === null) throw new Error(`${target}: not a process of any host`);
    return { source: this.byName.get(best) as TopDataSource, host: best, target: target.slice(best.length + 1) };
  }

  followLog(key: string, channel: LogChannel, signal: AbortSignal): AsyncIterable<string> {
    const { source, target } = this.route(key);
    return source.followLog(target, channel, signal);
  }

  start(target: string): Promise<void> {
    return this.op(target, (s, t) => s.start(t));
  }
  stop(target: string): Promise<void> {
    return this.op(target, (s, t) => s.stop(t));
  }
  restart(target: string): Promise<void> {
    return this.op(target, (s, t) => s.restart(t));
  }
  signal(target: string, signal: string): Promise<void> {
    return this.op(target, (s, t) => s.signal(t, signal));
  }
  clearLogs(target: string): Promise<void> {
    return this.op(target, (s, t) => s.clearLogs(t));
  }

  close(): void {
    for (const h of this.hosts) h.source.close();
  }

  /** Runs an op on the target's host; a group's failure lines name the host (`web1/app:app_0: ERROR …`). */
  private async op(target: string, run: (source: TopDataSource, target: string) => Promise<void>): Promise<void> {
    const { source, host, target: local } = this.route(target);
    try {
      await run(source, local);
    } catch (error) {
      if (error instanceof OpFailure) throw new OpFailure(error.lines.map((l) => `${host}/${l}`));
      throw error;
    }
  }
}

function onHostProcess(host: string, info: ProcessInfo): ProcessInfo {
  return { ...info, host, group: `${host}/${info.group}` };
}

/** A host's event in the merged world's terms (null: nothing the merged view shows). */
export function onHost(host: string, event: WatchEvent): WatchEvent | null {
  switch (event.kind) {
    case "snapshot":
      return { kind: "hostSnapshot", host, processes: event.processes.map((p) => onHostProcess(host, p)) };
    case "process":
      return { kind: "process", info: onHostProcess(host, event.info) };
    case "removed":
      return { kind: "removed", key: `${host}/${event.key}` };
    case "groupRemoved":
      return { kind: "groupRemoved", group: `${host}/${event.group}` };
    case "stats":
      return { kind: "stats", stats: event.stats.map((s) => ({ ...s, key: `${host}/${s.key}` })) };
    case "daemon":
      return null; // each host's identity is not shown (one header line for all)
    case "hostSnapshot":
    case "host":
      return null; // hosts do not nest
  }
}
