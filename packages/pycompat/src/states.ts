/**
 * Process and daemon states with supervisord's numeric codes (spec §0, §2.1), and the state sets that drive almost
 * every API decision and supervisorctl's exit codes.
 */

export const ProcessStates = {
  STOPPED: 0,
  STARTING: 10,
  RUNNING: 20,
  BACKOFF: 30,
  STOPPING: 40,
  EXITED: 100,
  FATAL: 200,
  UNKNOWN: 1000,
} as const;

export type ProcessStateName = keyof typeof ProcessStates;
export type ProcessStateCode = (typeof ProcessStates)[ProcessStateName];

/** Every state name, in code order. */
export const PROCESS_STATE_NAMES = Object.keys(ProcessStates) as readonly ProcessStateName[];

/** The name of a code; UNKNOWN for a code supervisord does not have. */
export function processStateName(code: number): ProcessStateName {
  for (const name of PROCESS_STATE_NAMES) if (ProcessStates[name] === code) return name;
  return "UNKNOWN";
}

/** start refuses these (ALREADY_STARTED); stop accepts only these. */
export const RUNNING_STATES: ReadonlySet<ProcessStateName> = new Set(["RUNNING", "BACKOFF", "STARTING"]);
/** removeProcessGroup requires these; shutdown waits for these; `status` exits 3 on one (CMD-STATUS-3). */
export const STOPPED_STATES: ReadonlySet<ProcessStateName> = new Set(["STOPPED", "EXITED", "FATAL", "UNKNOWN"]);
/** signalProcess accepts these (STP-06). */
export const SIGNALLABLE_STATES: ReadonlySet<ProcessStateName> = new Set(["RUNNING", "STARTING", "STOPPING"]);

export const SupervisorStates = {
  FATAL: 2,
  RUNNING: 1,
  RESTARTING: 0,
  SHUTDOWN: -1,
} as const;

export type SupervisorStateName = keyof typeof SupervisorStates;
