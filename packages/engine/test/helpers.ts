/** Test fixtures: config factories, a real in-memory output port, a collecting logger, an event recorder. */
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { waitFor, waitForSignal } from "@tsupervisord/testkit";
import type { Config, GroupConfig, LogChannelConfig, ProcessConfig } from "@tsupervisord/config";
import type { SupervisorEvent } from "../src/events.js";
import type { EngineLogger } from "../src/logger.js";
import type { ProcessOutputPort, ProcessOutputSink } from "../src/output-port.js";
import { Supervisor } from "../src/supervisor.js";
import type { Subscription, SupervisorOptions } from "../src/types.js";

function channel(): LogChannelConfig {
  return {
    logfile: { kind: "none" },
    maxbytes: 0,
    backups: 0,
    captureMaxbytes: 0,
    eventsEnabled: false,
    syslog: false,
  };
}

export function proc(name: string, command: string, overrides: Partial<ProcessConfig> = {}): ProcessConfig {
  return {
    name,
    groupName: name,
    programName: name,
    kind: "program",
    command,
    directory: null,
    umask: null,
    user: null,
    priority: 999,
    autostart: true,
    autorestart: "unexpected",
    startsecs: 1,
    startretries: 3,
    exitcodes: [0],
    stopsignal: { name: "TERM", number: 15 },
    stopwaitsecs: 10,
    stopasgroup: false,
    killasgroup: false,
    redirectStderr: false,
    stdout: channel(),
    stderr: channel(),
    environment: {},
    serverurl: null,
    processNum: 0,
    numprocs: 1,
    section: `program:${name}`,
    source: { file: "/test/supervisord.conf", line: 1 },
    ...overrides,
  };
}

/** A group; its processes get the group's name as groupName. */
export function group(name: string, processes: ProcessConfig[], priority = 999): GroupConfig {
  return {
    name,
    priority,
    kind: processes.length === 1 && processes[0]?.name === name ? "program" : "heterogeneous",
    processes: processes.map((p) => ({ ...p, groupName: name })),
  };
}

/** One program = one group of the same name. */
export function program(name: string, command: string, overrides: Partial<ProcessConfig> = {}): GroupConfig {
  return group(name, [proc(name, command, overrides)], overrides.priority ?? 999);
}

export function config(groups: GroupConfig[]): Config {
  return {
    file: "/test/supervisord.conf",
    here: "/test",
    files: ["/test/supervisord.conf"],
    supervisord: {
      logfile: "/test/supervisord.log",
      logfileMaxbytes: 0,
      logfileBackups: 0,
      loglevel: "info",
      pidfile: "/test/supervisord.pid",
      umask: 0o022,
      nodaemon: true,
      silent: false,
      minfds: 1024,
      minprocs: 200,
      nocleanup: false,
      childlogdir: "/tmp",
      user: null,
      directory: null,
      stripAnsi: false,
      environment: {},
      identifier: "supervisor",
    },
    unixHttpServers: [],
    inetHttpServers: [],
    supervisorctl: null,
    groups,
    standardRpcInterface: true,
    rpcInterfaces: [],
    messages: [],
  };
}

/** A real sink that keeps every byte in memory. */
export class MemorySink implements ProcessOutputSink {
  readonly out: Buffer[] = [];
  readonly err: Buffer[] = [];
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdoutLogfile: string | null;
  readonly stderrLogfile: string | null = null;
  closed = false;
  clears = 0;
  failClear = false;
  /** When set, clear() waits for it (to make clears finish out of order). */
  clearGate: Promise<void> | null = null;
  private readonly writeListeners = new Set<() => void>();

  constructor(readonly name: string) {
    this.stdout = collector(this.out, () => this.wrote());
    this.stderr = collector(this.err, () => this.wrote());
    this.stdoutLogfile = `/logs/${name}-stdout.log`;
  }

  /** Resolves once `check(this)` holds: checked now and after every chunk the child writes (no polling). */
  async until(check: (sink: MemorySink) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const subscribe = (listener: () => void) => {
      this.writeListeners.add(listener);
      return () => void this.writeListeners.delete(listener);
    };
    await waitForSignal(what, subscribe, () => check(this), timeoutMs);
  }

  private wrote(): void {
    for (const listener of [...this.writeListeners]) listener();
  }

  get stdoutText(): string {
    return Buffer.concat(this.out).toString("utf8");
  }

  get stderrText(): string {
    return Buffer.concat(this.err).toString("utf8");
  }

  async clear(): Promise<void> {
    if (this.clearGate !== null) await this.clearGate;
    if (this.failClear) throw new Error("EACCES");
    this.clears += 1;
    this.out.length = 0;
    this.err.length = 0;
  }

  async reopen(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
  }
}

function collector(chunks: Buffer[], wrote: () => void): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      wrote();
      cb();
    },
  });
}

export class MemoryPort implements ProcessOutputPort {
  readonly sinks = new Map<string, MemorySink>();
  readonly created: string[] = [];

  create(process: ProcessConfig): MemorySink {
    const sink = new MemorySink(process.name);
    this.sinks.set(`${process.groupName}:${process.name}`, sink);
    this.created.push(`${process.groupName}:${process.name}`);
    return sink;
  }

  sink(groupName: string, name = groupName): MemorySink {
    const s = this.sinks.get(`${groupName}:${name}`);
    if (s === undefined) throw new Error(`no sink ${groupName}:${name}`);
    return s;
  }
}

export class CollectingLogger implements EngineLogger {
  readonly lines: string[] = [];
  private readonly listeners = new Set<() => void>();
  critical = (m: string): void => this.add(`CRIT ${m}`);
  error = (m: string): void => this.add(`ERRO ${m}`);
  warn = (m: string): void => this.add(`WARN ${m}`);
  info = (m: string): void => this.add(`INFO ${m}`);
  debug = (m: string): void => this.add(`DEBG ${m}`);
  trace = (m: string): void => this.add(`TRAC ${m}`);
  blather = (m: string): void => this.add(`BLAT ${m}`);

  /** Resolves once `check(lines)` holds: checked now and after every logged line (no polling). */
  async until(check: (lines: readonly string[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const subscribe = (listener: () => void) => {
      this.listeners.add(listener);
      return () => void this.listeners.delete(listener);
    };
    await waitForSignal(what, subscribe, () => check(this.lines), timeoutMs);
  }

  private add(line: string): void {
    this.lines.push(line);
    for (const listener of [...this.listeners]) listener();
  }
}

/** Records every event of a subscription; waits for a matching one with a deadline (never a sleep). */
export class Recorder {
  readonly events: SupervisorEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly sub: Subscription;

  constructor(sup: Supervisor) {
    const sub = sup.subscribe({ maxQueue: 100_000 });
    this.sub = sub;
    void (async () => {
      for await (const e of sub) {
        this.events.push(e);
        for (const w of [...this.waiters]) w();
      }
    })();
  }

  close(): void {
    this.sub.close();
  }

  /** Resolve with the first event (at or after index `from`) matching `pred`. */
  waitFor(pred: (e: SupervisorEvent) => boolean, timeoutMs = 20_000, from = 0): Promise<SupervisorEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.events.slice(from).find(pred);
        if (hit === undefined) return false;
        cleanup();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for an event; got: ${this.events.map((e) => `${e.name} ${e.payload}`).join(" | ")}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        const i = this.waiters.indexOf(check as () => void);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      if (!check()) this.waiters.push(check as () => void);
    });
  }

  /** Wait for `count` events matching `pred` (counted incrementally, so thousands of events stay cheap). */
  waitForCount(pred: (e: SupervisorEvent) => boolean, count: number, timeoutMs = 30_000): Promise<SupervisorEvent[]> {
    return new Promise((resolve, reject) => {
      const hits: SupervisorEvent[] = [];
      let seen = 0;
      const check = (): void => {
        for (; seen < this.events.length; seen++) {
          const e = this.events[seen] as SupervisorEvent;
          if (pred(e)) hits.push(e);
        }
        if (hits.length >= count) {
          cleanup();
          resolve(hits);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out: ${hits.length}/${count} events`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        const i = this.waiters.indexOf(check);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      this.waiters.push(check);
      check();
    });
  }

  /** `NAME payload` of process state events for one process. */
  statesOf(processName: string): string[] {
    return this.events.flatMap((e) =>
      e.name.startsWith("PROCESS_STATE_") && "processName" in e && e.processName === processName
        ? [e.name.slice("PROCESS_STATE_".length)]
        : [],
    );
  }
}

export const isState =
  (processName: string, state: string) =>
  (e: SupervisorEvent): boolean =>
    e.name === `PROCESS_STATE_${state}` && "processName" in e && e.processName === processName;

/** Poll a condition with a deadline (for things without an event, e.g. a pid vanishing): testkit's waitFor. */
export async function until(cond: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  await waitFor(what, cond, timeoutMs, 20);
}

/** A pid is gone when /proc has no entry for it or it is a zombie (dead, waiting for its parent). */
export function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return true;
  }
}

/** Build, start and track a supervisor; `cleanup()` shuts every one down. */
export class Harness {
  private readonly supervisors: Supervisor[] = [];

  make(groups: GroupConfig[], options: Partial<SupervisorOptions> = {}) {
    const port = new MemoryPort();
    const logger = new CollectingLogger();
    const sup = new Supervisor({ config: config(groups), output: port, logger, ...options });
    const rec = new Recorder(sup);
    this.supervisors.push(sup);
    return { sup, port, logger, rec };
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.supervisors.splice(0).map((s) => s.shutdown()));
  }
}
