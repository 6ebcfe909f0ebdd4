/**
 * issue 18: the desired state of each process, persisted in `[supervisord] statefile`. A hand start (`start`,
 * `restart`, `tsctl enable`) records `started`, a hand stop (`stop`, `tsctl disable`) records `stopped`, over
 * every face (gRPC and XML-RPC both go through the service handlers). The engine reads the wishes at autostart
 * (engine desired-state.ts): a `stopped` process stays down after a daemon restart (SIGHUP, Restart RPC, a new
 * daemon after a crash or a reboot) although `autostart=true`, a `started` one comes up although
 * `autostart=false`. Processes not in the config any more drop out of the file.
 *
 * The file is JSON, written durably (temp + fsync + rename + fsync dir) before the operation it records runs,
 * so a daemon killed in the middle of a stop still comes back with the program stopped. An unreadable or corrupt
 * file is reported in the activity log and ignored: the daemon starts as if nothing was recorded.
 */
import type { Config } from "@tsupervisord/config";
import type { DesiredState, DesiredStatePort } from "@tsupervisord/engine";
import { readIfExists, writeFileDurable } from "./atomic-file.js";

export interface StateLog {
  info(message: string): void;
  warn(message: string): void;
}

interface StateFileV1 {
  version: 1;
  /** `group:name` -> the last wish given by hand. */
  processes: Record<string, DesiredState>;
}

/** Parses the file's text; a string says why it cannot be used. */
export function parseStateFile(text: string): Map<string, DesiredState> | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  if (typeof data !== "object" || data === null || (data as { version?: unknown }).version !== 1) {
    return "not a version 1 state file";
  }
  const processes = (data as { processes?: unknown }).processes;
  if (typeof processes !== "object" || processes === null || Array.isArray(processes)) return "no `processes` object";
  const out = new Map<string, DesiredState>();
  for (const [key, value] of Object.entries(processes)) {
    if (value !== "started" && value !== "stopped") return `bad state ${JSON.stringify(value)} for ${key}`;
    out.set(key, value);
  }
  return out;
}

export function keyOf(group: string, name: string): string {
  return `${group}:${name}`;
}

/** Every process key of a config. */
function processKeys(config: Config): Set<string> {
  return new Set(config.groups.flatMap((g) => g.processes.map((p) => keyOf(g.name, p.name))));
}

export class DesiredStore implements DesiredStatePort {
  private wishes = new Map<string, DesiredState>();
  /** The write in flight or queued; a write queued behind another takes every change made until it runs. */
  private queued: Promise<void> | null = null;
  private last: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly log: StateLog,
  ) {}

  /**
   * Reads the file (a missing file is an empty one), keeps the wishes of processes `config` still has and
   * rewrites the file when some dropped out. Never throws: a bad file is logged (path and reason) and ignored.
   */
  async load(config: Config): Promise<void> {
    let parsed: Map<string, DesiredState> | string;
    try {
      const text = readIfExists(this.file);
      parsed = text === null ? new Map() : parseStateFile(text);
    } catch (err) {
      parsed = (err as Error).message;
    }
    if (typeof parsed === "string") {
      this.log.warn(`statefile ${this.file} ignored: ${parsed}; every program follows its autostart`);
      parsed = new Map();
    }
    const known = processKeys(config);
    this.wishes = new Map([...parsed].filter(([key]) => known.has(key)));
    if (this.wishes.size !== parsed.size) await this.persist();
    const stopped = [...this.wishes].filter(([, d]) => d === "stopped").map(([k]) => k);
    const started = [...this.wishes].filter(([, d]) => d === "started").map(([k]) => k);
    if (stopped.length > 0 || started.length > 0) {
      this.log.info(`statefile ${this.file}: ${stopped.length} stopped by hand, ${started.length} started by hand`);
    }
  }

  desired(group: string, name: string): DesiredState | null {
    return this.wishes.get(keyOf(group, name)) ?? null;
  }

  /** Records a wish for processes (`group:name` keys) and resolves once it is on disk (or the write failed). */
  async record(keys: Iterable<string>, desired: DesiredState): Promise<void> {
    let changed = false;
    for (const key of keys) {
      if (this.wishes.get(key) === desired) continue;
      this.wishes.set(key, desired);
      changed = true;
    }
    // Unchanged: still wait for a write of the same wish that may be in flight (a concurrent identical call).
    await (changed ? this.persist() : this.last);
  }

  /** Drops the wishes of these processes (their group left the active set). */
  async forget(keys: Iterable<string>): Promise<void> {
    let changed = false;
    for (const key of keys) changed = this.wishes.delete(key) || changed;
    if (changed) await this.persist();
  }

  /** Coalesced, serialised durable writes; a failure is logged and never reaches the caller. */
  private persist(): Promise<void> {
    if (this.queued !== null) return this.queued;
    const run = this.last.then(async () => {
      this.queued = null;
      const data: StateFileV1 = { version: 1, processes: Object.fromEntries([...this.wishes].sort(([a], [b]) => (a < b ? -1 : 1))) };
      try {
        await writeFileDurable(this.file, `${JSON.stringify(data, null, 2)}\n`);
      } catch (err) {
        this.log.warn(`statefile ${this.file} not written: ${(err as Error).message}`);
      }
    });
    this.queued = run;
    this.last = run;
    return run;
  }
}

