/**
 * supervisorctl's answers to faults, as total tables over @tsupervisord/errors' ErrorCode: a new code does not
 * compile until it has its exit status here and its words in @tsupervisord/errors' ctl-results.ts (spec §4.6
 * EXIT-01, CMD-START-*, CMD-STOP-*, CMD-SIGNAL-*, CMD-CLEAR-*).
 */
import { errorCodeFromFault, resultLine as sharedResultLine, resultReason, type ErrorCode, type ResultVerb } from "@tsupervisord/errors";
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
  PERMISSION_DENIED: ExitStatus.GENERIC,
} as const satisfies Record<ErrorCode, number | null>;

/** The exit status for a result's fault number (a number supervisord never sends counts as a generic failure). */
export function exitStatusForFault(fault: number): number | null {
  const code = errorCodeFromFault(fault);
  return code === undefined ? ExitStatus.GENERIC : FAULT_EXIT_STATUS[code];
}

/**
 * One result line as supervisorctl prints it (`_startresult`, `_stopresult`, `_signalresult`, `_clearresult`): the
 * words are the shared table in @tsupervisord/errors (total over ErrorCode; `tsctl top` uses it too); FAILED on
 * stop/signal prints the fault string alone; a code supervisorctl has no words for raises its ValueError.
 */
export function resultLine(verb: ResultVerb, result: { status: number; description: string }, namespec: string): string {
  const code = errorCodeFromFault(result.status);
  if (code === "SUCCESS") return sharedResultLine(verb, namespec, code);
  if (code !== undefined && resultReason(verb, code) !== undefined) return sharedResultLine(verb, namespec, code);
  if (code === "FAILED" && (verb === "stop" || verb === "signal")) return result.description;
  throw new Error(`Unknown result code ${result.status} for ${namespec}`);
}
