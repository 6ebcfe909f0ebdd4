/** supervisorctl's exit statuses (the process-state table itself is in @tsupervisord/pycompat). */

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
