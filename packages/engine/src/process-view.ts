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

export function viewOf(p: ManagedProcess): ProcessView {
  return {
    get name() {
      return p.config.name;
    },
    get group() {
      return p.config.groupName;
    },
    get config() {
      return p.config;
    },
    get state() {
      return p.machine.state;
    },
    get pid() {
      return p.machine.pid;
    },
  };
}
