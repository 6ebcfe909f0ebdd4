import type { Config, ReadConfigOptions } from "@tsupervisord/config";
import type { ProcessControl, Supervisor } from "@tsupervisord/engine";
import type { ActivityLog } from "@tsupervisord/logs";
import type { DesiredStore } from "../state/desired-store.js";

export type DaemonStateName = "RUNNING" | "RESTARTING" | "SHUTDOWN";

/** supervisord's daemon state codes (spec §0). */
export const DAEMON_STATE_CODES: Record<DaemonStateName | "FATAL", number> = {
  FATAL: 2,
  RUNNING: 1,
  RESTARTING: 0,
  SHUTDOWN: -1,
};

/** What the gRPC service needs from one running generation of the daemon (one config, one engine). */
export interface ServiceContext {
  readonly supervisor: Supervisor;
  /** issue 18: this generation's long operations (rolling restart, --no-wait verbs) and graceful reloads. */
  readonly control: ProcessControl;
  /** The config this generation started from ([supervisord] settings, sockets). */
  readonly config: Config;
  readonly log: ActivityLog;
  readonly version: string;
  /** Epoch seconds at which the daemon first started (survives restarts). */
  readonly startedAt: number;
  state(): DaemonStateName;
  /** Aborted when this generation stops serving (shutdown or restart): streams end cleanly on it. */
  readonly closing: AbortSignal;
  /** supervisor.shutdown: returns at once, the daemon stops after the reply has gone out. */
  requestShutdown(): void;
  /** supervisor.restart: re-reads the config first (CANT_REREAD if it is broken, nothing changes). */
  requestRestart(): Promise<void>;
  /** Parse the config file again, with the command line laid over it. Throws CANT_REREAD (supervisord wording). */
  rereadConfig(overrides?: Pick<ReadConfigOptions, "numprocsOverrides">): Promise<Config>;
  /** issue 18: hand starts and stops are recorded here (null without `[supervisord] statefile`). */
  readonly desired?: DesiredStore | null;
}
