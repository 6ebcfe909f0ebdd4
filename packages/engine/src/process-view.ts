/**
 * Pure read-outs of a ManagedProcess: the state machine's settings taken from its config, and the read-only view
 * handed to lifecycle hooks (SupervisorHooks).
 */
import type { ProcessConfig } from "@tsupervisord/config";
import type { MachineConfig } from "./machine.js";
import type { ManagedProcess } from "./process.js";
import type { ProcessView } from "./types.js";

export function machineConfigOf(config: ProcessConfig): MachineConfig {
  return {
    name: config.name,
    autostart: config.autostart,
    autorestart: config.autorestart,
    startsecs: config.startsecs,
    startretries: config.startretries,
    exitcodes: config.exitcodes,
    stopsignal: config.stopsignal.number,
    stopwaitsecs: config.stopwaitsecs,
    stopasgroup: config.stopasgroup,
    killasgroup: config.killasgroup || config.stopasgroup,
  };
}

/**
 * The hooks' view of a process: a class, so its getters live once on the prototype instead of as five closures
 * and a dictionary-mode object per process (issue 20, ~0.7 KiB of heap per program, stopped or running).
 */
class LiveProcessView implements ProcessView {
  constructor(private readonly p: ManagedProcess) {}

  get name(): string {
    return this.p.config.name;
  }

  get group(): string {
    return this.p.config.groupName;
  }

  get config(): ProcessConfig {
    return this.p.config;
  }

  get state(): ProcessView["state"] {
    return this.p.machine.state;
  }

  get pid(): number {
    return this.p.machine.pid;
  }

  get childStart(): ProcessView["childStart"] {
    return this.p.childStart;
  }
}

export function viewOf(p: ManagedProcess): ProcessView {
  return new LiveProcessView(p);
}
