import { EventEmitter, on } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import { SupervisorError } from "@tsupervisord/errors";
import type {
  ConfigInfoStruct,
  FollowedLog,
  LogChannel,
  ProcessInfoStruct,
  ProcessResultStruct,
  ReloadResult,
  SupervisorRpcBackend,
  SupervisorStateStruct,
  TailResult,
} from "../src/index.js";
import { splitNamespec } from "@tsupervisord/pycompat";

/**
 * The port's other side for tests: a small but real implementation holding a few fake processes (no
 * children), real log files in a temp dir, supervisord's read/tail arithmetic and a follow that yields what
 * `appendLog` writes. It records every call so tests can check what the dispatcher passed through.
 */
interface FakeProcess {
  name: string;
  group: string;
  state: number;
  pid: number;
  start: number;
  stop: number;
  stdout: string;
  stderr: string;
}

const STATE_NAMES: Record<number, string> = {
  0: "STOPPED", 10: "STARTING", 20: "RUNNING", 30: "BACKOFF", 40: "STOPPING", 100: "EXITED", 200: "FATAL", 1000: "UNKNOWN",
};
const RUNNING_STATES = new Set([10, 20, 30]);
const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, KILL: 9, USR1: 10, USR2: 12, TERM: 15 };

export class FakeBackend implements SupervisorRpcBackend {
  readonly calls: string[] = [];
  state: SupervisorStateStruct = { statecode: 1, statename: "RUNNING" };
  readonly mainLog: string;
  private readonly processes: FakeProcess[] = [];
  private nextPid = 4000;
  private readonly appended = new EventEmitter();
  /** Resolves a pending waited start; tests use it to prove long calls do not block other connections. */
  startGate: Promise<void> | null = null;

  constructor(readonly dir: string, groups: Record<string, string[]>) {
    this.mainLog = path.join(dir, "supervisord.log");
    fs.writeFileSync(this.mainLog, "2026-11-25 13:00:00,000 INFO supervisord started with pid 1234\n");
    for (const [group, names] of Object.entries(groups)) {
      for (const name of names) {
        const stdout = path.join(dir, `${name}-stdout.log`);
        fs.writeFileSync(stdout, "");
        this.processes.push({ name, group, state: 0, pid: 0, start: 0, stop: 0, stdout, stderr: "" });
      }
    }
    this.appended.setMaxListeners(100);
  }

  /** Appends to a process's stdout log (or the main log for name null) and wakes followers. */
  appendLog(name: string | null, text: string): void {
    const file = name === null ? this.mainLog : this.find(name).stdout;
    fs.appendFileSync(file, text);
    this.appended.emit(file);
  }

  private find(namespec: string): FakeProcess {
    const { group, process: name } = splitNamespec(namespec);
    const found = this.processes.find((p) => p.group === group && p.name === name);
    if (found === undefined) throw new SupervisorError("BAD_NAME", namespec);
    return found;
  }

  private inGroup(group: string): FakeProcess[] {
    const members = this.processes.filter((p) => p.group === group);
    if (members.length === 0) throw new SupervisorError("BAD_NAME", group);
    return members;
  }

  private info(p: FakeProcess): ProcessInfoStruct {
    const now = Math.floor(Date.now() / 1000);
    const description = p.state === 20
      ? `pid ${p.pid}, uptime 0:00:${String(Math.max(0, now - p.start)).padStart(2, "0")}`
      : p.start === 0 ? "Not started" : "Nov 25 01:00 PM";
    return {
      name: p.name, group: p.group, description, start: p.start, stop: p.stop, now, state: p.state,
      statename: STATE_NAMES[p.state] ?? "UNKNOWN", spawnerr: "", exitstatus: 0,
      stdout_logfile: p.stdout, stderr_logfile: p.stderr, pid: p.pid,
    };
  }

  private result(p: FakeProcess, err?: unknown): ProcessResultStruct {
    if (err === undefined) return { name: p.name, group: p.group, status: 80, description: "OK" };
    if (!(err instanceof SupervisorError)) throw err;
    return { name: p.name, group: p.group, status: err.fault, description: err.faultString };
  }

  private async each(list: FakeProcess[], op: (p: FakeProcess) => Promise<void>): Promise<ProcessResultStruct[]> {
    const out: ProcessResultStruct[] = [];
    for (const p of list) {
      try {
        await op(p);
        out.push(this.result(p));
      } catch (err) {
        out.push(this.result(p, err));
      }
    }
    return out;
  }

  async getSupervisorVersion(): Promise<string> { this.calls.push("getSupervisorVersion"); return "4.2.5"; }
  async getIdentification(): Promise<string> { return "supervisor"; }
  async getState(): Promise<SupervisorStateStruct> { return this.state; }
  async getPID(): Promise<number> { this.calls.push("getPID"); return 1234; }
  async readLog(offset: number, length: number): Promise<string> { return readFile(this.mainLog, offset, length); }
  async clearLog(): Promise<void> { fs.writeFileSync(this.mainLog, ""); }
  async shutdown(): Promise<void> { this.state = { statecode: -1, statename: "SHUTDOWN" }; }
  async restart(): Promise<void> { this.state = { statecode: 0, statename: "RESTARTING" }; }
  async reloadConfig(): Promise<ReloadResult> { return { added: ["new"], changed: [], removed: ["old"] }; }
  async addProcessGroup(name: string): Promise<void> { throw new SupervisorError("BAD_NAME", name); }
  async removeProcessGroup(name: string): Promise<void> { this.inGroup(name); throw new SupervisorError("STILL_RUNNING", name); }

  async startProcess(name: string, wait: boolean): Promise<void> {
    this.calls.push(`startProcess ${name} ${wait}`);
    const p = this.find(name);
    if (RUNNING_STATES.has(p.state)) throw new SupervisorError("ALREADY_STARTED", name);
    if (wait && this.startGate !== null) await this.startGate;
    p.state = 20;
    p.pid = this.nextPid++;
    p.start = Math.floor(Date.now() / 1000);
  }
  async startProcessGroup(name: string, wait: boolean): Promise<ProcessResultStruct[]> {
    this.calls.push(`startProcessGroup ${name} ${wait}`);
    return this.each(this.inGroup(name).filter((p) => !RUNNING_STATES.has(p.state)), (p) => this.startProcess(`${p.group}:${p.name}`, wait));
  }
  async startAllProcesses(wait: boolean): Promise<ProcessResultStruct[]> {
    return this.each(this.processes.filter((p) => !RUNNING_STATES.has(p.state)), (p) => this.startProcess(`${p.group}:${p.name}`, wait));
  }
  async stopProcess(name: string, wait: boolean): Promise<void> {
    this.calls.push(`stopProcess ${name} ${wait}`);
    const p = this.find(name);
    if (!RUNNING_STATES.has(p.state)) throw new SupervisorError("NOT_RUNNING", name);
    p.state = 0;
    p.pid = 0;
    p.stop = Math.floor(Date.now() / 1000);
  }
  async stopProcessGroup(name: string, wait: boolean): Promise<ProcessResultStruct[]> {
    this.calls.push(`stopProcessGroup ${name} ${wait}`);
    return this.each(this.inGroup(name).filter((p) => RUNNING_STATES.has(p.state)), (p) => this.stopProcess(`${p.group}:${p.name}`, wait));
  }
  async stopAllProcesses(wait: boolean): Promise<ProcessResultStruct[]> {
    return this.each(this.processes.filter((p) => RUNNING_STATES.has(p.state)), (p) => this.stopProcess(`${p.group}:${p.name}`, wait));
  }
  async signalProcess(name: string, signal: string | number): Promise<void> {
    this.calls.push(`signalProcess ${name} ${JSON.stringify(signal)}`);
    const p = this.find(name);
    const known = typeof signal === "number" ? Object.values(SIGNALS).includes(signal) : SIGNALS[signal.replace(/^SIG/, "")] !== undefined;
    if (!known) throw new SupervisorError("BAD_SIGNAL", String(signal));
    if (!RUNNING_STATES.has(p.state)) throw new SupervisorError("NOT_RUNNING", name);
  }
  async signalProcessGroup(name: string, signal: string | number): Promise<ProcessResultStruct[]> {
    this.calls.push(`signalProcessGroup ${name} ${JSON.stringify(signal)}`);
    return this.each(this.inGroup(name).filter((p) => RUNNING_STATES.has(p.state)), (p) => this.signalProcess(`${p.group}:${p.name}`, signal));
  }
  async signalAllProcesses(signal: string | number): Promise<ProcessResultStruct[]> {
    return this.each(this.processes.filter((p) => RUNNING_STATES.has(p.state)), (p) => this.signalProcess(`${p.group}:${p.name}`, signal));
  }
  async getProcessInfo(name: string): Promise<ProcessInfoStruct> {
    if (splitNamespec(name).process === null) throw new SupervisorError("BAD_NAME", name);
    return this.info(this.find(name));
  }
  async getAllProcessInfo(): Promise<ProcessInfoStruct[]> {
    return [...this.processes].sort((a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name)).map((p) => this.info(p));
  }
  async getAllConfigInfo(): Promise<ConfigInfoStruct[]> {
    return this.processes.map((p) => ({ name: p.name, group: p.group, inuse: true, directory: "none", exitcodes: [0], stopsignal: 15 }));
  }
  async readProcessStdoutLog(name: string, offset: number, length: number): Promise<string> {
    return readFile(this.find(name).stdout, offset, length);
  }
  async readProcessStderrLog(name: string, _offset: number, _length: number): Promise<string> {
    throw new SupervisorError("NO_FILE", this.find(name).stderr || "None");
  }
  async tailProcessStdoutLog(name: string, offset: number, length: number): Promise<TailResult> {
    return tailFile(this.find(name).stdout, offset, length);
  }
  async tailProcessStderrLog(name: string, _offset: number, _length: number): Promise<TailResult> {
    this.find(name);
    return ["", 0, false];
  }
  async clearProcessLogs(name: string): Promise<void> {
    if (splitNamespec(name).process === null) throw new SupervisorError("BAD_NAME", name);
    fs.writeFileSync(this.find(name).stdout, "");
  }
  async clearAllProcessLogs(): Promise<ProcessResultStruct[]> {
    return this.each(this.processes, async (p) => fs.writeFileSync(p.stdout, ""));
  }
  async sendProcessStdin(name: string, chars: string): Promise<void> {
    this.calls.push(`sendProcessStdin ${name} ${chars}`);
    if (this.find(name).pid === 0) throw new SupervisorError("NOT_RUNNING", name);
  }
  async sendRemoteCommEvent(type: string, data: string): Promise<void> {
    this.calls.push(`sendRemoteCommEvent ${type} ${data}`);
  }
  async followProcessLog(name: string, channel: LogChannel, signal: AbortSignal): Promise<FollowedLog> {
    const p = this.find(name);
    const file = channel === "stdout" ? p.stdout : p.stderr;
    if (file === "" || !fs.existsSync(file)) throw new SupervisorError("NO_FILE", file || "None");
    return this.follow(file, signal);
  }
  async followMainLog(signal: AbortSignal): Promise<FollowedLog> {
    return this.follow(this.mainLog, signal);
  }

  private follow(file: string, signal: AbortSignal): FollowedLog {
    const emitter = this.appended;
    const stat = fs.statSync(file);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      let offset = Math.max(0, stat.size - 1024);
      // Subscribe before the first read so nothing appended in between is missed.
      const events = on(emitter, file, { signal });
      try {
        while (true) {
          const size = fs.statSync(file).size;
          if (size > offset) {
            const fd = fs.openSync(file, "r");
            const buffer = Buffer.alloc(size - offset);
            fs.readSync(fd, buffer, 0, buffer.length, offset);
            fs.closeSync(fd);
            offset = size;
            yield buffer;
          }
          const next = await events.next();
          if (next.done === true) return;
        }
      } catch (err) {
        if ((err as Error).name !== "AbortError") throw err;
      }
    }
    return { lastModified: stat.mtime, chunks: chunks() };
  }
}

/** supervisord's readFile (RD-01…04). */
export function readFile(file: string, offset: number, length: number): string {
  if ((offset < 0 && length !== 0) || (offset >= 0 && length < 0)) throw new SupervisorError("BAD_ARGUMENTS");
  if (!fs.existsSync(file)) throw new SupervisorError("NO_FILE", file);
  const data = fs.readFileSync(file);
  if (offset < 0) return data.subarray(Math.max(0, data.length + offset)).toString("utf8");
  return data.subarray(offset, length === 0 ? data.length : offset + length).toString("utf8");
}

/** supervisord's tailFile (TL-01…03). */
export function tailFile(file: string, offsetIn: number, lengthIn: number): TailResult {
  if (!fs.existsSync(file)) return ["", 0, false];
  const data = fs.readFileSync(file);
  const sz = data.length;
  let offset = offsetIn;
  let length = lengthIn;
  let overflow = false;
  if (sz > offset + length) {
    overflow = true;
    offset = sz - 1;
  }
  if (offset + length > sz) {
    if (offset > sz - 1) length = 0;
    offset = sz - length;
  }
  offset = Math.max(offset, 0);
  length = Math.max(length, 0);
  return [length === 0 ? "" : data.subarray(offset, offset + length).toString("utf8"), sz, overflow];
}
