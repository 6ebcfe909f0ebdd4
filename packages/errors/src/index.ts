/**
 * One closed set of error codes, named and numbered as supervisord's XML-RPC faults (spec §0, §5.2), so that
 * the gRPC status table, tsctl's messages and exit codes, and the XML-RPC fault mapping can each be a total
 * `Record<ErrorCode, …>`: adding a code here without a mapping there fails to compile.
 */
export const ErrorCodes = {
  UNKNOWN_METHOD: 1,
  INCORRECT_PARAMETERS: 2,
  BAD_ARGUMENTS: 3,
  SIGNATURE_UNSUPPORTED: 4,
  SHUTDOWN_STATE: 6,
  BAD_NAME: 10,
  BAD_SIGNAL: 11,
  NO_FILE: 20,
  NOT_EXECUTABLE: 21,
  FAILED: 30,
  ABNORMAL_TERMINATION: 40,
  SPAWN_ERROR: 50,
  ALREADY_STARTED: 60,
  NOT_RUNNING: 70,
  SUCCESS: 80,
  ALREADY_ADDED: 90,
  STILL_RUNNING: 91,
  CANT_REREAD: 92,
  // issue 19 (not supervisord's): the caller's role does not allow the method (see ./access.ts).
  PERMISSION_DENIED: 100,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;
export type FaultNumber = (typeof ErrorCodes)[ErrorCode];

export const ALL_ERROR_CODES = Object.keys(ErrorCodes) as ErrorCode[];

/** Reverse lookup: supervisord fault number -> code name (undefined for numbers supervisord never uses). */
export function errorCodeFromFault(fault: number): ErrorCode | undefined {
  return ALL_ERROR_CODES.find((code) => ErrorCodes[code] === fault);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(ErrorCodes, value);
}

/**
 * The one error type that crosses layers. `detail` is what supervisord appends after the fault name
 * (usually the name the caller passed in): the fault string is `CODE` or `CODE: detail` (spec RPC-09).
 */
export class SupervisorError extends Error {
  override readonly name = "SupervisorError";
  readonly code: ErrorCode;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined || detail === "" ? code : `${code}: ${detail}`, options);
    this.code = code;
    this.detail = detail;
  }

  /** supervisord's numeric fault code. */
  get fault(): FaultNumber {
    return ErrorCodes[this.code];
  }

  /** The XML-RPC `faultString`: `BAD_NAME: foo`. */
  get faultString(): string {
    return this.message;
  }
}

export function isSupervisorError(err: unknown): err is SupervisorError {
  return err instanceof SupervisorError;
}

/** Where a config problem is: every field is optional because some problems are file-level only. */
export interface ConfigIssueLocation {
  file?: string;
  line?: number;
  section?: string;
  option?: string;
}

/** One problem found while reading a config. `message` keeps supervisord's wording where it has one. */
export interface ConfigIssue extends ConfigIssueLocation {
  message: string;
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const where: string[] = [];
  if (issue.file !== undefined) where.push(issue.line !== undefined ? `${issue.file}:${issue.line}` : issue.file);
  if (issue.section !== undefined) where.push(`[${issue.section}]`);
  if (issue.option !== undefined) where.push(issue.option);
  return where.length > 0 ? `${where.join(" ")}: ${issue.message}` : issue.message;
}

/**
 * Every problem of one config read, reported at once. Thrown by the config reader; the daemon prints each
 * issue and exits 2 at start, or returns CANT_REREAD on reread (nothing running changes).
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    if (issues.length === 0) throw new TypeError("ConfigError needs at least one issue");
    super(issues.map(formatConfigIssue).join("\n"));
    this.issues = issues;
  }

  /** As a SupervisorError for the wire: CANT_REREAD with every issue in the detail. */
  toSupervisorError(): SupervisorError {
    return new SupervisorError("CANT_REREAD", this.message, { cause: this });
  }
}

export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof ConfigError;
}

export { resultLine, resultReason, type ResultVerb } from "./ctl-results.js";
export { ROLES, isRole, roleAllows, describeCaller, type Role, type Caller } from "./access.js";
