/**
 * The status a handler failure ends its call with, without grpc-js (the daemon's server, http2-server.ts, does
 * not load it). A `SupervisorError(code, detail)` becomes the gRPC status FAULT_STATUS[code] with the fault's
 * name and detail in trailing metadata; anything else INTERNAL with a message that says nothing, so no stack,
 * path or internal message leaks to a client. errors.ts gives the same as grpc-js `Metadata` for its users.
 */
import { ConfigError, SupervisorError, type ErrorCode } from "@tsupervisord/errors";
import { FAULT_DETAIL_METADATA_KEY, FAULT_METADATA_KEY } from "./fault-trailers.js";
import { GrpcStatus, type GrpcStatusCode } from "./grpc-framing.js";

/** The message clients see for an unexpected server error: deliberately says nothing. */
export const INTERNAL_ERROR_MESSAGE = "internal error";

/**
 * One total table: adding an ErrorCode without a status here fails to compile. The status is a courtesy for
 * generic gRPC tooling; clients of ours read the fault from metadata.
 */
export const FAULT_STATUS: Record<ErrorCode, GrpcStatusCode> = {
  UNKNOWN_METHOD: GrpcStatus.UNIMPLEMENTED,
  INCORRECT_PARAMETERS: GrpcStatus.INVALID_ARGUMENT,
  BAD_ARGUMENTS: GrpcStatus.INVALID_ARGUMENT,
  SIGNATURE_UNSUPPORTED: GrpcStatus.UNIMPLEMENTED,
  // Not UNAVAILABLE: that one means "could not reach the daemon" to tsctl, and grpc may retry it.
  SHUTDOWN_STATE: GrpcStatus.FAILED_PRECONDITION,
  BAD_NAME: GrpcStatus.NOT_FOUND,
  BAD_SIGNAL: GrpcStatus.INVALID_ARGUMENT,
  NO_FILE: GrpcStatus.NOT_FOUND,
  NOT_EXECUTABLE: GrpcStatus.FAILED_PRECONDITION,
  FAILED: GrpcStatus.ABORTED,
  ABNORMAL_TERMINATION: GrpcStatus.ABORTED,
  SPAWN_ERROR: GrpcStatus.ABORTED,
  ALREADY_STARTED: GrpcStatus.ALREADY_EXISTS,
  NOT_RUNNING: GrpcStatus.FAILED_PRECONDITION,
  // Never thrown (it is the per-process "OK" result), but the table is total.
  SUCCESS: GrpcStatus.UNKNOWN,
  ALREADY_ADDED: GrpcStatus.ALREADY_EXISTS,
  STILL_RUNNING: GrpcStatus.FAILED_PRECONDITION,
  CANT_REREAD: GrpcStatus.FAILED_PRECONDITION,
  PERMISSION_DENIED: GrpcStatus.PERMISSION_DENIED,
};

/** A call's final status with its custom trailing metadata (text values; `-bin` keys carry raw bytes). */
export interface CallStatus {
  code: GrpcStatusCode;
  details: string;
  trailers?: Readonly<Record<string, string | Buffer>>;
}

/**
 * The status for what a handler threw. `onUnexpected` sees errors that are neither a SupervisorError nor a
 * ConfigError (the daemon logs them); the client sees only INTERNAL_ERROR_MESSAGE.
 */
export function faultStatus(err: unknown, onUnexpected?: (err: unknown) => void): CallStatus {
  const fault = err instanceof ConfigError ? err.toSupervisorError() : err;
  if (fault instanceof SupervisorError) {
    const trailers: Record<string, string | Buffer> = { [FAULT_METADATA_KEY]: fault.code };
    if (fault.detail !== undefined) trailers[FAULT_DETAIL_METADATA_KEY] = Buffer.from(fault.detail, "utf8");
    return { code: FAULT_STATUS[fault.code], details: fault.message, trailers };
  }
  onUnexpected?.(err);
  return { code: GrpcStatus.INTERNAL, details: INTERNAL_ERROR_MESSAGE };
}
