/**
 * Faults on the wire. A handler that throws `SupervisorError(code, detail)` ends the call with the gRPC status
 * of FAULT_STATUS[code] and the fault's name and detail in trailing metadata; the client rebuilds the very same
 * SupervisorError from them. Anything else a handler throws becomes INTERNAL with a generic message, so no
 * stack, path or internal message leaks to a client.
 */
import { Metadata, status, type ServiceError, type StatusObject } from "@grpc/grpc-js";
import { ConfigError, SupervisorError, type ErrorCode } from "@tsupervisord/errors";
import { FAULT_DETAIL_METADATA_KEY, FAULT_METADATA_KEY, faultFrom } from "./fault-trailers.js";

export { FAULT_DETAIL_METADATA_KEY, FAULT_METADATA_KEY } from "./fault-trailers.js";

/** The message clients see for an unexpected server error: deliberately says nothing. */
export const INTERNAL_ERROR_MESSAGE = "internal error";

/**
 * One total table: adding an ErrorCode without a status here fails to compile. The status is a courtesy for
 * generic gRPC tooling; clients of ours read the fault from metadata.
 */
export const FAULT_STATUS: Record<ErrorCode, status> = {
  UNKNOWN_METHOD: status.UNIMPLEMENTED,
  INCORRECT_PARAMETERS: status.INVALID_ARGUMENT,
  BAD_ARGUMENTS: status.INVALID_ARGUMENT,
  SIGNATURE_UNSUPPORTED: status.UNIMPLEMENTED,
  // Not UNAVAILABLE: that one means "could not reach the daemon" to tsctl, and grpc may retry it.
  SHUTDOWN_STATE: status.FAILED_PRECONDITION,
  BAD_NAME: status.NOT_FOUND,
  BAD_SIGNAL: status.INVALID_ARGUMENT,
  NO_FILE: status.NOT_FOUND,
  NOT_EXECUTABLE: status.FAILED_PRECONDITION,
  FAILED: status.ABORTED,
  ABNORMAL_TERMINATION: status.ABORTED,
  SPAWN_ERROR: status.ABORTED,
  ALREADY_STARTED: status.ALREADY_EXISTS,
  NOT_RUNNING: status.FAILED_PRECONDITION,
  // Never thrown (it is the per-process "OK" result), but the table is total.
  SUCCESS: status.UNKNOWN,
  ALREADY_ADDED: status.ALREADY_EXISTS,
  STILL_RUNNING: status.FAILED_PRECONDITION,
  CANT_REREAD: status.FAILED_PRECONDITION,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
};

/** What a grpc-js handler callback / `call.emit("error")` takes. */
export type ServerErrorStatus = Partial<StatusObject> & { code: status; details: string; metadata: Metadata };

/**
 * The status a handler failure ends its call with. `onUnexpected` sees errors that are neither a
 * SupervisorError nor a ConfigError (the daemon logs them); the client sees only INTERNAL_ERROR_MESSAGE.
 */
export function toGrpcStatus(err: unknown, onUnexpected?: (err: unknown) => void): ServerErrorStatus {
  const fault = err instanceof ConfigError ? err.toSupervisorError() : err;
  if (fault instanceof SupervisorError) {
    const metadata = new Metadata();
    metadata.set(FAULT_METADATA_KEY, fault.code);
    if (fault.detail !== undefined) metadata.set(FAULT_DETAIL_METADATA_KEY, Buffer.from(fault.detail, "utf8"));
    return { code: FAULT_STATUS[fault.code], details: fault.message, metadata };
  }
  onUnexpected?.(err);
  return { code: status.INTERNAL, details: INTERNAL_ERROR_MESSAGE, metadata: new Metadata() };
}

/** The SupervisorError a failed call carried, or undefined when the status has no fault metadata. */
export function faultFromMetadata(metadata: Metadata | undefined): SupervisorError | undefined {
  if (metadata === undefined) return undefined;
  const [code] = metadata.get(FAULT_METADATA_KEY);
  const name = typeof code === "string" ? code : code?.toString("utf8");
  const [detail] = metadata.get(FAULT_DETAIL_METADATA_KEY);
  return faultFrom(name, typeof detail === "string" || detail === undefined ? detail : detail.toString("utf8"));
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === "number" && "metadata" in err;
}
