/** The Supervisor: groups, processes, priorities, selectors, the RPC-shaped operations (stub, being filled in). */
import type { Config, GroupConfig } from "@tsupervisord/config";
import type { EventInput, SupervisorEvent } from "./events.js";
import type { ProcessOutputSink } from "./output-port.js";
import type { SupervisorStateName } from "./states.js";
import type {
  InfoOptions,
  ProcessInfo,
  ProcessResult,
  ReloadResult,
  Snapshot,
  SubscribeOptions,
  Subscription,
  SupervisorOptions,
  UpdateOutcome,
} from "./types.js";

const NI = (): never => {
  throw new Error("not implemented yet");
};

export class Supervisor {
  constructor(readonly options: SupervisorOptions) {}
  get state(): SupervisorStateName {
    return NI();
  }
  get activeConfig(): Config {
    return NI();
  }
  get pendingConfig(): Config {
    return NI();
  }
  activeGroups(): GroupConfig[] {
    return NI();
  }
  start(): void {
    NI();
  }
  startProcess(_name: string, _wait = true): Promise<true | ProcessResult[]> {
    return NI();
  }
  startProcessGroup(_name: string, _wait = true): Promise<ProcessResult[]> {
    return NI();
  }
  startAllProcesses(_wait = true): Promise<ProcessResult[]> {
    return NI();
  }
  stopProcess(_name: string, _wait = true): Promise<true | ProcessResult[]> {
    return NI();
  }
  stopProcessGroup(_name: string, _wait = true): Promise<ProcessResult[]> {
    return NI();
  }
  stopAllProcesses(_wait = true): Promise<ProcessResult[]> {
    return NI();
  }
  signalProcess(_name: string, _signal: string | number): true | ProcessResult[] {
    return NI();
  }
  signalProcessGroup(_name: string, _signal: string | number): ProcessResult[] {
    return NI();
  }
  signalAllProcesses(_signal: string | number): ProcessResult[] {
    return NI();
  }
  sendProcessStdin(_name: string, _chars: string | Uint8Array): true {
    return NI();
  }
  getProcessInfo(_name: string, _options?: InfoOptions): ProcessInfo {
    return NI();
  }
  getAllProcessInfo(_options?: InfoOptions): ProcessInfo[] {
    return NI();
  }
  getProcessSink(_name: string): ProcessOutputSink {
    return NI();
  }
  reloadConfig(_config: Config): ReloadResult {
    return NI();
  }
  addProcessGroup(_name: string): true {
    return NI();
  }
  removeProcessGroup(_name: string): true {
    return NI();
  }
  update(_groups?: string[]): Promise<UpdateOutcome[]> {
    return NI();
  }
  clearProcessLogs(_name: string): Promise<true> {
    return NI();
  }
  clearAllProcessLogs(): Promise<ProcessResult[]> {
    return NI();
  }
  reopenLogs(): Promise<void> {
    return NI();
  }
  shutdown(_options?: { restart?: boolean }): Promise<void> {
    return NI();
  }
  emit(_event: EventInput): SupervisorEvent {
    return NI();
  }
  subscribe(_options?: SubscribeOptions): Subscription {
    return NI();
  }
  subscribeWithSnapshot(_options?: SubscribeOptions): Snapshot {
    return NI();
  }
}
