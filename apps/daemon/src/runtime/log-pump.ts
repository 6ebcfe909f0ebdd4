import { splicePump } from "@tsupervisord/reaper";
import type { SplicePumpApi } from "@tsupervisord/logs";

/** issue 20: the splice pump for the output port, or why every channel takes the JS writer. */
export type LogPumpChoice = { api: SplicePumpApi } | { unavailable: string };

let choice: LogPumpChoice | undefined;

/** Loaded once per daemon (the addon is the same for every generation). */
export function logPump(env: NodeJS.ProcessEnv = process.env): LogPumpChoice {
  if (choice !== undefined) return choice;
  const found = splicePump(env);
  choice = "pump" in found ? { api: found.pump } : { unavailable: found.reason };
  return choice;
}

/** The daemon log's startup line (and `--version --verbose`). */
export function describeLogPump(pump: LogPumpChoice): string {
  return "api" in pump
    ? "log pump: splice (native addon loaded; channels whose bytes nothing in the daemon reads are moved in the kernel)"
    : `log pump: JS writer for every channel (splice pump unavailable: ${pump.unavailable})`;
}
