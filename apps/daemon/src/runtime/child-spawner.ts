import { nativeSpawner, type NativeSpawner } from "@tsupervisord/reaper";
import type { LogPumpChoice } from "./log-pump.js";

/** issue 20: posix_spawn for the engine, or why every child goes through node:child_process. */
export type SpawnerChoice = { spawner: NativeSpawner } | { unavailable: string };

let choice: SpawnerChoice | undefined;

/**
 * Loaded once per daemon (the addon is the same for every generation). posix_spawn serves only children whose
 * output goes to splice pumps (engine/src/spawn.ts), so without the pump it would never be used: say so.
 */
export function childSpawner(pump: LogPumpChoice, env: NodeJS.ProcessEnv = process.env): SpawnerChoice {
  if (choice !== undefined) return choice;
  const found = nativeSpawner(env);
  if ("reason" in found) choice = { unavailable: found.reason };
  else if ("unavailable" in pump) choice = { unavailable: "it serves children whose output goes to splice pumps, and there is none" };
  else choice = { spawner: found.spawner };
  return choice;
}

export const spawnerOf = (choice: SpawnerChoice): NativeSpawner | null => ("spawner" in choice ? choice.spawner : null);

/** The daemon log's startup line (and `--version --verbose`). */
export function describeSpawner(spawner: SpawnerChoice): string {
  return "spawner" in spawner
    ? "spawn: posix_spawn for children whose stdout and stderr go to splice pumps (native addon loaded); node:child_process for the others (output read in the daemon, user=, fcgi)"
    : `spawn: node:child_process for every child (posix_spawn unavailable: ${spawner.unavailable})`;
}
