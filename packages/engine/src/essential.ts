/**
 * Container mode's rules, as pure functions the daemon applies to the engine's events and process infos:
 * when an `essential = true` program has ended for good, when `exit_when = all-exited` is met, which exit
 * code the daemon leaves with, and what "ready" means for `/readyz`.
 */
import os from "node:os";
import type { AutoRestart } from "@tsupervisord/config";
import { exitStatusOf, type ExitRecord } from "./signals.js";
import type { ProcessStateName } from "@tsupervisord/pycompat";

/**
 * The daemon's exit codes in container mode (README "Container mode"). An essential program's own exit code
 * passes through instead of CONTAINER_EXIT.ESSENTIAL_ENDED when it has one (1..255; 128+N for signal N), so
 * `kubectl describe pod` shows the program's own status.
 */
export const CONTAINER_EXIT = {
  /** Stopped on request (SIGTERM/SIGINT/SIGQUIT, `tsctl shutdown`) in time; or all-exited, every end expected. */
  OK: 0,
  /** exit_when = all-exited and some program ended unexpectedly (FATAL, or an exit code not in exitcodes). */
  ALL_EXITED_WITH_FAILURES: 1,
  /** Could not start (bad config, sockets, no orphan reaper as PID 1): supervisord's own start-up code. */
  STARTUP_FAILED: 2,
  /** An essential program ended with nothing to pass on: FATAL after a spawn error, or it exited with 0. */
  ESSENTIAL_ENDED: 3,
  /** A requested stop overran stop_deadline: processes had to be SIGKILLed (they are named in the log). */
  STOP_DEADLINE_KILLED: 4,
} as const;


/** The options of a ProcessConfig these rules read. */
export interface EssentialConfig {
  essential?: boolean;
  autorestart: AutoRestart;
  exitcodes: readonly number[];
}

/** The part of a PROCESS_STATE_* event these rules read. */
export interface StateChangeView {
  toState: ProcessStateName;
  expected?: boolean;
}

/**
 * Whether this state change ends an essential program for good: FATAL (start retries used up, or a spawn
 * error), or EXITED with no automatic restart to follow (autorestart=false, or =unexpected and the exit was
 * expected). An operator's `stop` (STOPPED) is not an end: the program is then simply not ready.
 */
export function essentialEnded(config: EssentialConfig, change: StateChangeView): "fatal" | "exited" | null {
  if (config.essential !== true) return null;
  if (change.toState === "FATAL") return "fatal";
  if (change.toState !== "EXITED") return null;
  const restarts = config.autorestart === true || (config.autorestart === "unexpected" && change.expected !== true);
  return restarts ? null : "exited";
}

/** The daemon's exit code after an essential program ended with `exit` (its last child's end, if any). */
export function essentialExitCode(exit: ExitRecord | null): number {
  if (exit === null) return CONTAINER_EXIT.ESSENTIAL_ENDED;
  if (exit.code !== null) return exit.code > 0 ? Math.min(exit.code, 255) : CONTAINER_EXIT.ESSENTIAL_ENDED;
  const num = exit.signal === null ? undefined : (os.constants.signals as Record<string, number>)[exit.signal];
  return num === undefined ? CONTAINER_EXIT.ESSENTIAL_ENDED : 128 + num;
}

/** What `exit_when = all-exited` looks at, per process (fields of the engine's ProcessInfo, plus exitcodes). */
export interface ProcessEndView {
  state: ProcessStateName;
  /** Epoch ms of the last spawn attempt, null if never started. */
  startedAt: number | null;
  exit: ExitRecord | null;
  exitcodes: readonly number[];
}

const ENDED: ReadonlySet<ProcessStateName> = new Set(["STOPPED", "EXITED", "FATAL"]);

/**
 * `exit_when = all-exited`: null while anything still runs (or will be restarted, or nothing has started yet),
 * else the exit code: 0 when every end was expected, CONTAINER_EXIT.ALL_EXITED_WITH_FAILURES otherwise.
 */
export function allExitedCode(processes: readonly ProcessEndView[]): number | null {
  if (processes.length === 0 || !processes.some((p) => p.startedAt !== null)) return null;
  if (!processes.every((p) => ENDED.has(p.state))) return null;
  const failed = processes.some(
    (p) => p.state === "FATAL" || (p.state === "EXITED" && !p.exitcodes.includes(exitStatusOf(p.exit))),
  );
  return failed ? CONTAINER_EXIT.ALL_EXITED_WITH_FAILURES : CONTAINER_EXIT.OK;
}

/**
 * Whether one process counts as ready for `/readyz`, the single definition: RUNNING (startsecs passed) and, when
 * the process info carries the readiness of `ready_check=` (issue 14: `none` without a check, `pending`,
 * `checking`, `failing`, `ready`), that readiness passed.
 */
export function processReady(info: { state: ProcessStateName; readiness?: string }): boolean {
  if (info.state !== "RUNNING") return false;
  return info.readiness === undefined || info.readiness === "none" || info.readiness === "ready";
}

