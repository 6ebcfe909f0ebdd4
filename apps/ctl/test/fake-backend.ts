/**
 * An in-memory supervisord for unit tests of commands: a process table with supervisord's rules for the calls
 * tsctl makes (names, groups, faults, result structs). The real daemon is exercised by test/ctl (e2e).
 */
import { ErrorCodes, SupervisorError } from "@tsupervisord/errors";
import type {
  ConfigChanges,
  ConfigInfo,
  CtlBackend,
  LogChannel,
  LogSink,
  ProcessInfo,
  ProcessResult,
} from "../src/backend.js";
import { BackendConnectionError } from "../src/backend.js";
import { ProcessStates } from "@tsupervisord/pycompat";

export interface FakeProcess {
  name: string;
  group: string;
  state: keyof typeof ProcessStates;
  pid?: number;
  start?: number;
  stop?: number;
  spawnerr?: string;
  /** What a start does: reach RUNNING (default), or fail like this. */
  onStart?: "SPAWN_ERROR" | "NO_FILE" | "ABNORMAL_TERMINATION" | "FAILED";
  stdout?: string;
  stderr?: string | null;
}

const NOW = 1_700_000_000;

export class FakeBackend implements CtlBackend {
  processes: FakeProcess[];
  calls: string[] = [];
  apiVersion = "3.0";
  /** Every call fails with this before reaching the table. */
  failure: Error | null = null;
  mainLog = "main log line\n";
  stdinReceived: string[] = [];
  configInfo: ConfigInfo[] = [];
  changes: ConfigChanges = { added: [], changed: [], removed: [] };
  closed = false;

  constructor(processes: FakeProcess[]) {
    this.processes = processes;
  }

  static refused(url: string): FakeBackend {
    const b = new FakeBackend([]);
    b.failure = new BackendConnectionError("refused", url);
    return b;
  }

  static noSuchFile(url: string): FakeBackend {
    const b = new FakeBackend([]);
    b.failure = new BackendConnectionError("no-such-file", url);
    return b;
  }

  private enter(call: string): void {
    this.calls.push(call);
    if (this.failure !== null) throw this.failure;
  }

  private info(p: FakeProcess): ProcessInfo {
    return {
      name: p.name,
      group: p.group,
      start: p.start ?? (p.state === "STOPPED" ? 0 : NOW - 65),
      stop: p.stop ?? 0,
      now: NOW,
      state: ProcessStates[p.state],
      statename: p.state,
      spawnerr: p.spawnerr ?? "",
      exitstatus: 0,
      stdoutLogfile: "",
      stderrLogfile: "",
      pid: p.state === "RUNNING" || p.state === "STARTING" || p.state === "STOPPING" ? (p.pid ?? 4242) : 0,
    };
  }

  private sorted(): FakeProcess[] {
    return [...this.processes].sort((a, b) =>
      a.group === b.group ? (a.name < b.name ? -1 : 1) : a.group < b.group ? -1 : 1,
    );
  }

  /** supervisord's name resolution: `g:p`, `g:*`/`g:` (group), `p` (= `p:p`). */
  private resolve(name: string): { group: string; process: FakeProcess | null } {
    const colon = name.indexOf(":");
    const group = colon === -1 ? name : name.slice(0, colon);
    const proc = colon === -1 ? name : name.slice(colon + 1);
    if (!this.processes.some((p) => p.group === group)) throw new SupervisorError("BAD_NAME", name);
    if (proc === "" || proc === "*") return { group, process: null };
    const found = this.processes.find((p) => p.group === group && p.name === proc);
    if (found === undefined) throw new SupervisorError("BAD_NAME", name);
    return { group, process: found };
  }

  private one(name: string): FakeProcess {
    const { process } = this.resolve(name);
    if (process === null) throw new SupervisorError("BAD_NAME", name);
    return process;
  }

  private result(p: FakeProcess, err: SupervisorError | null): ProcessResult {
    return err === null
      ? { name: p.name, group: p.group, status: ErrorCodes.SUCCESS, description: "OK" }
      : { name: p.name, group: p.group, status: err.fault, description: err.faultString };
  }

  private doStart(p: FakeProcess): void {
    const ns = p.group === p.name ? p.name : `${p.group}:${p.name}`;
    if (p.onStart === "NO_FILE") throw new SupervisorError("NO_FILE", `no such file: ${ns}`);
    if (p.state === "RUNNING" || p.state === "STARTING" || p.state === "BACKOFF") {
      throw new SupervisorError("ALREADY_STARTED", ns);
    }
    if (p.onStart === "SPAWN_ERROR") {
      p.state = "FATAL";
      p.spawnerr = "Exited too quickly (process log may have details)";
      throw new SupervisorError("SPAWN_ERROR", ns);
    }
    if (p.onStart === "ABNORMAL_TERMINATION") throw new SupervisorError("ABNORMAL_TERMINATION", ns);
    if (p.onStart === "FAILED") throw new SupervisorError("FAILED", `${ns} is in an unknown process state`);
    p.state = "RUNNING";
    p.start = NOW;
  }

  private doStop(p: FakeProcess): void {
    const ns = p.group === p.name ? p.name : `${p.group}:${p.name}`;
    if (!(p.state === "RUNNING" || p.state === "STARTING" || p.state === "BACKOFF")) {
      throw new SupervisorError("NOT_RUNNING", ns);
    }
    p.state = "STOPPED";
    p.stop = NOW;
    p.start = NOW - 100;
  }

  private doSignal(p: FakeProcess, signal: string): void {
    const ns = p.group === p.name ? p.name : `${p.group}:${p.name}`;
    if (!/^(SIG)?(HUP|TERM|KILL|USR1|USR2|INT|QUIT)$/i.test(signal) && !/^\d+$/.test(signal)) {
      throw new SupervisorError("BAD_SIGNAL", signal);
    }
    if (!(p.state === "RUNNING" || p.state === "STARTING" || p.state === "STOPPING")) {
      throw new SupervisorError("NOT_RUNNING", ns);
    }
  }

  private each(list: FakeProcess[], action: (p: FakeProcess) => void): ProcessResult[] {
    return list.map((p) => {
      try {
        action(p);
        return this.result(p, null);
      } catch (err) {
        if (err instanceof SupervisorError) return this.result(p, err);
        throw err;
      }
    });
  }

  private groupMembers(group: string): FakeProcess[] {
    const { process } = this.resolve(`${group}:*`);
    void process;
    return this.sorted().filter((p) => p.group === group);
  }

  private startable = (p: FakeProcess): boolean => !(p.state === "RUNNING" || p.state === "STARTING" || p.state === "BACKOFF");
  private stoppable = (p: FakeProcess): boolean => p.state === "RUNNING" || p.state === "STARTING" || p.state === "BACKOFF";

  async getAPIVersion(): Promise<string> {
    this.enter("getAPIVersion");
    return this.apiVersion;
  }
  async getSupervisorVersion(): Promise<string> {
    this.enter("getSupervisorVersion");
    return "4.2.5";
  }
  async getPID(): Promise<number> {
    this.enter("getPID");
    return 1234;
  }
  async getProcessInfo(name: string): Promise<ProcessInfo> {
    this.enter(`getProcessInfo ${name}`);
    return this.info(this.one(name));
  }
  async getAllProcessInfo(): Promise<ProcessInfo[]> {
    this.enter("getAllProcessInfo");
    return this.sorted().map((p) => this.info(p));
  }
  async getAllConfigInfo(): Promise<ConfigInfo[]> {
    this.enter("getAllConfigInfo");
    return this.configInfo;
  }
  async startProcess(name: string): Promise<void> {
    this.enter(`startProcess ${name}`);
    this.doStart(this.one(name));
  }
  async startProcessGroup(group: string): Promise<ProcessResult[]> {
    this.enter(`startProcessGroup ${group}`);
    return this.each(this.groupMembers(group).filter(this.startable), (p) => this.doStart(p));
  }
  async startAllProcesses(): Promise<ProcessResult[]> {
    this.enter("startAllProcesses");
    return this.each(this.sorted().filter(this.startable), (p) => this.doStart(p));
  }
  async stopProcess(name: string): Promise<void> {
    this.enter(`stopProcess ${name}`);
    this.doStop(this.one(name));
  }
  async stopProcessGroup(group: string): Promise<ProcessResult[]> {
    this.enter(`stopProcessGroup ${group}`);
    return this.each(this.groupMembers(group).filter(this.stoppable), (p) => this.doStop(p));
  }
  async stopAllProcesses(): Promise<ProcessResult[]> {
    this.enter("stopAllProcesses");
    return this.each(this.sorted().filter(this.stoppable), (p) => this.doStop(p));
  }
  async signalProcess(name: string, signal: string): Promise<void> {
    this.enter(`signalProcess ${name} ${signal}`);
    this.doSignal(this.one(name), signal);
  }
  async signalProcessGroup(group: string, signal: string): Promise<ProcessResult[]> {
    this.enter(`signalProcessGroup ${group} ${signal}`);
    return this.each(this.groupMembers(group), (p) => this.doSignal(p, signal));
  }
  async signalAllProcesses(signal: string): Promise<ProcessResult[]> {
    this.enter(`signalAllProcesses ${signal}`);
    return this.each(this.sorted(), (p) => this.doSignal(p, signal));
  }
  async readProcessLog(name: string, channel: LogChannel, offset: number, length: number): Promise<Uint8Array> {
    this.enter(`readProcessLog ${name} ${channel} ${offset} ${length}`);
    const p = this.one(name);
    const text = channel === "stdout" ? p.stdout : p.stderr;
    if (text === undefined || text === null) throw new SupervisorError("NO_FILE", "None");
    return Buffer.from(text).subarray(offset < 0 ? Math.max(0, Buffer.byteLength(text) + offset) : offset);
  }
  async readMainLog(offset: number, _length: number): Promise<Uint8Array> {
    this.enter(`readMainLog ${offset}`);
    const data = Buffer.from(this.mainLog);
    return data.subarray(Math.max(0, data.length + offset));
  }
  async followProcessLog(name: string, channel: LogChannel, sink: LogSink, signal: AbortSignal): Promise<void> {
    this.enter(`followProcessLog ${name} ${channel}`);
    const p = this.one(name);
    const text = channel === "stdout" ? p.stdout : p.stderr;
    if (text === undefined || text === null) throw new SupervisorError("NO_FILE", "None");
    sink(Buffer.from(text), false);
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }
  async followMainLog(sink: LogSink, signal: AbortSignal): Promise<void> {
    this.enter("followMainLog");
    sink(Buffer.from(this.mainLog), false);
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
  }
  async clearProcessLogs(name: string): Promise<void> {
    this.enter(`clearProcessLogs ${name}`);
    this.one(name);
  }
  async clearAllProcessLogs(): Promise<ProcessResult[]> {
    this.enter("clearAllProcessLogs");
    return this.each(this.sorted(), () => undefined);
  }
  async sendProcessStdin(name: string, data: string): Promise<void> {
    this.enter(`sendProcessStdin ${name}`);
    const p = this.one(name);
    if (p.state !== "RUNNING") throw new SupervisorError("NOT_RUNNING", name);
    this.stdinReceived.push(data);
    if (data === "die\n") p.state = "EXITED";
  }
  async reloadConfig(): Promise<ConfigChanges> {
    this.enter("reloadConfig");
    return this.changes;
  }
  async addProcessGroup(name: string): Promise<void> {
    this.enter(`addProcessGroup ${name}`);
    if (this.processes.some((p) => p.group === name)) throw new SupervisorError("ALREADY_ADDED", name);
    if (!this.changes.added.includes(name) && !this.changes.changed.includes(name)) {
      throw new SupervisorError("BAD_NAME", name);
    }
    this.processes.push({ name, group: name, state: "RUNNING" });
  }
  async removeProcessGroup(name: string): Promise<void> {
    this.enter(`removeProcessGroup ${name}`);
    const members = this.processes.filter((p) => p.group === name);
    if (members.length === 0) throw new SupervisorError("BAD_NAME", name);
    if (members.some((p) => this.stoppable(p))) throw new SupervisorError("STILL_RUNNING", name);
    this.processes = this.processes.filter((p) => p.group !== name);
  }
  async shutdown(): Promise<void> {
    this.enter("shutdown");
  }
  async restart(): Promise<void> {
    this.enter("restart");
  }
  close(): void {
    this.closed = true;
  }
}
