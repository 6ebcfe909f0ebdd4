/**
 * supervisorctl's words for the outcome of start, stop, signal and clear on one process (its `_startresult`,
 * `_stopresult`, `_signalresult`, `_clearresult`): `web:web_00: ERROR (spawn error)`, `web:web_00: stopped`. Here so
 * that tsctl's commands and `tsctl top`'s status line say the same thing in the same words.
 */
import type { ErrorCode } from "./index.js";

export type ResultVerb = "start" | "stop" | "signal" | "clear";

/** No words: supervisorctl raises for such a code (start), or prints the fault string (FAILED on stop/signal). */
const NO_WORDS = {
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
  PERMISSION_DENIED: null,
} as const satisfies Record<ErrorCode, string | null>;

// issue 19: a call the caller's role does not allow, in every verb's words.
const DENIED = { PERMISSION_DENIED: "permission denied" } as const;

// Total over ErrorCode (spread from NO_WORDS): a new code cannot compile without a decision here.
const STOP_SIGNAL_REASONS = {
  ...NO_WORDS,
  ...DENIED,
  BAD_NAME: "no such process",
  BAD_SIGNAL: "bad signal name",
  NOT_RUNNING: "not running",
} as const satisfies Record<ErrorCode, string | null>;

const REASONS: Record<ResultVerb, Readonly<Record<ErrorCode, string | null>>> = {
  start: {
    ...NO_WORDS,
    ...DENIED,
    BAD_NAME: "no such process",
    NO_FILE: "no such file",
    NOT_EXECUTABLE: "file is not executable",
    ALREADY_STARTED: "already started",
    SPAWN_ERROR: "spawn error",
    ABNORMAL_TERMINATION: "abnormal termination",
  } satisfies Record<ErrorCode, string | null>,
  stop: STOP_SIGNAL_REASONS,
  signal: STOP_SIGNAL_REASONS,
  clear: { ...NO_WORDS, ...DENIED, BAD_NAME: "no such process", FAILED: "failed" } satisfies Record<ErrorCode, string | null>,
};

const SUCCESS_WORD: Record<ResultVerb, string> = { start: "started", stop: "stopped", signal: "signalled", clear: "cleared" };

/** The words in `ERROR (…)` for `code`, or undefined where supervisorctl has none (it then raises). */
export function resultReason(verb: ResultVerb, code: ErrorCode): string | undefined {
  return REASONS[verb][code] ?? undefined;
}

/**
 * The whole line for one process, `namespec: started` or `namespec: ERROR (reason)`. Where supervisorctl has no
 * words (FAILED on stop/signal: it prints the fault string alone; a code it does not expect: it raises), the
 * line carries the fault string, so nothing is lost.
 */
export function resultLine(verb: ResultVerb, namespec: string, code: ErrorCode, faultString: string = code): string {
  if (code === "SUCCESS") return `${namespec}: ${SUCCESS_WORD[verb]}`;
  const reason = resultReason(verb, code);
  if (reason !== undefined) return `${namespec}: ERROR (${reason})`;
  if (code === "FAILED" && verb !== "start") return faultString;
  return `${namespec}: ERROR (${faultString})`;
}
