/**
 * supervisorctl's answers to faults, as total tables over @tsupervisord/errors' ErrorCode: a new code does not
 * compile until it has its exit status and its text in every result table (spec §4.6 EXIT-01, CMD-START-*,
 * CMD-STOP-*, CMD-SIGNAL-*, CMD-CLEAR-*).
 */
import { errorCodeFromFault, type ErrorCode } from "@tsupervisord/errors";
import { ExitStatus } from "./states.js";

/** EXIT-01: the exit status a fault in a result sets; null leaves it alone (SUCCESS). */
export const FAULT_EXIT_STATUS = {
  UNKNOWN_METHOD: ExitStatus.GENERIC,
  INCORRECT_PARAMETERS: ExitStatus.GENERIC,
  BAD_ARGUMENTS: ExitStatus.GENERIC,
  SIGNATURE_UNSUPPORTED: ExitStatus.GENERIC,
  SHUTDOWN_STATE: ExitStatus.GENERIC,
  BAD_NAME: ExitStatus.GENERIC,
  BAD_SIGNAL: ExitStatus.GENERIC,
  NO_FILE: ExitStatus.GENERIC,
  NOT_EXECUTABLE: ExitStatus.GENERIC,
  FAILED: ExitStatus.GENERIC,
  ABNORMAL_TERMINATION: ExitStatus.NOT_RUNNING,
  SPAWN_ERROR: ExitStatus.NOT_RUNNING,
  ALREADY_STARTED: ExitStatus.GENERIC,
  NOT_RUNNING: ExitStatus.NOT_RUNNING,
  SUCCESS: null,
  ALREADY_ADDED: ExitStatus.GENERIC,
  STILL_RUNNING: ExitStatus.GENERIC,
  CANT_REREAD: ExitStatus.GENERIC,
} as const satisfies Record<ErrorCode, number | null>;

/** The exit status for a result's fault number (a number supervisord never sends counts as a generic failure). */
export function exitStatusForFault(fault: number): number | null {
  const code = errorCodeFromFault(fault);
  return code === undefined ? ExitStatus.GENERIC : FAULT_EXIT_STATUS[code];
}

/**
 * What a result line says after `<name>: `: the success word (`SUCCESS_WORD`, the command's: started, stopped,
 * signalled, cleared), `ERROR (<reason>)`, the result's own description (`DESCRIPTION`), or null where
 * supervisorctl raises `Unknown result code` (its ValueError).
 */
export const SUCCESS_WORD = Symbol("success word");
export const DESCRIPTION = Symbol("description");
export type ResultText = string | typeof SUCCESS_WORD | typeof DESCRIPTION | null;

const UNKNOWN = {
  UNKNOWN_METHOD: null,
  INCORRECT_PARAMETERS: null,
  BAD_ARGUMENTS: null,
  SIGNATURE_UNSUPPORTED: null,
  SHUTDOWN_STATE: null,
  BAD_NAME: null,
  BAD_SIGNAL: null,
  NO_FILE: null,
  NOT_EXECUTABLE: null,
  FAILED: null,
  ABNORMAL_TERMINATION: null,
  SPAWN_ERROR: null,
  ALREADY_STARTED: null,
  NOT_RUNNING: null,
  SUCCESS: null,
  ALREADY_ADDED: null,
  STILL_RUNNING: null,
  CANT_REREAD: null,
} as const satisfies Record<ErrorCode, ResultText>;

/** `_startresult`. */
export const START_RESULT_TEXT = {
  ...UNKNOWN,
  SUCCESS: SUCCESS_WORD,
  BAD_NAME: "ERROR (no such process)",
  NO_FILE: "ERROR (no such file)",
  NOT_EXECUTABLE: "ERROR (file is not executable)",
  ALREADY_STARTED: "ERROR (already started)",
  SPAWN_ERROR: "ERROR (spawn error)",
  ABNORMAL_TERMINATION: "ERROR (abnormal termination)",
} as const satisfies Record<ErrorCode, ResultText>;

/** `_signalresult` (and `_stopresult`, which differs only in its success word). */
export const SIGNAL_RESULT_TEXT = {
  ...UNKNOWN,
  SUCCESS: SUCCESS_WORD,
  BAD_NAME: "ERROR (no such process)",
  BAD_SIGNAL: "ERROR (bad signal name)",
  NOT_RUNNING: "ERROR (not running)",
  FAILED: DESCRIPTION,
} as const satisfies Record<ErrorCode, ResultText>;

/** `_clearresult`. */
export const CLEAR_RESULT_TEXT = {
  ...UNKNOWN,
  SUCCESS: SUCCESS_WORD,
  BAD_NAME: "ERROR (no such process)",
  FAILED: "ERROR (failed)",
} as const satisfies Record<ErrorCode, ResultText>;

/** One result line: `<namespec>: <text>`, the description itself, or supervisorctl's `Unknown result code` error. */
export function resultLine(
  table: Readonly<Record<ErrorCode, ResultText>>,
  result: { status: number; description: string },
  namespec: string,
  successWord: string,
): string {
  const code = errorCodeFromFault(result.status);
  const text = code === undefined ? null : table[code];
  if (text === null) throw new Error(`Unknown result code ${result.status} for ${namespec}`);
  if (text === DESCRIPTION) return result.description;
  return `${namespec}: ${text === SUCCESS_WORD ? successWord : text}`;
}
