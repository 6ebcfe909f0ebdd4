/** Process state codes (spec §0, §2.1) and the sets supervisorctl tests against. */
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

/** `status` exits 3 when a shown process is in one of these (CMD-STATUS-3). */
export const STOPPED_STATES: readonly number[] = [
  ProcessStates.STOPPED,
  ProcessStates.EXITED,
  ProcessStates.FATAL,
  ProcessStates.UNKNOWN,
];

/** LSB init-script exit statuses as supervisorctl assigns them (spec §4.6). */
export const ExitStatus = {
  SUCCESS: 0,
  GENERIC: 1,
  INVALID_ARGS: 2,
  UNIMPLEMENTED_FEATURE: 3,
  INSUFFICIENT_PRIVILEGES: 4,
  NOT_INSTALLED: 5,
  NOT_RUNNING: 7,
} as const;

/** `status`'s own meanings of 3 and 4 (CMD-STATUS-3). */
export const StatusExitStatus = {
  NOT_RUNNING: 3,
  UNKNOWN: 4,
} as const;
