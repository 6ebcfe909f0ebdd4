/**
 * Faults on the wire. A handler that throws `SupervisorError(code, detail)` ends the call with the gRPC status
 * of FAULT_STATUS[code] and the fault's name and detail in trailing metadata; the client rebuilds the very same
 * SupervisorError from them. Anything else a handler throws becomes INTERNAL with a generic message, so no
 * stack, path or internal message leaks to a client.
 */
import { Metadata, type ServiceError, type StatusObject, type status } from "@grpc/grpc-js";
import type { ErrorCode, SupervisorError } from "@tsupervisord/errors";
import { FAULT_DETAIL_METADATA_KEY, FAULT_METADATA_KEY, faultFrom } from "./fault-trailers.js";
import { FAULT_STATUS as FAULT_STATUS_CODES, faultStatus } from "./fault-status.js";

export { FAULT_DETAIL_METADATA_KEY, FAULT_METADATA_KEY } from "./fault-trailers.js";
export { INTERNAL_ERROR_MESSAGE, faultStatus, type CallStatus } from "./fault-status.js";

/** The fault -> status table; typed with grpc-js's enum here (the numbers are the same). */
export const FAULT_STATUS = FAULT_STATUS_CODES as Record<ErrorCode, status>;

/** What a grpc-js handler callback / `call.emit("error")` takes. */
export type ServerErrorStatus = Partial<StatusObject> & { code: status; details: string; metadata: Metadata };

/** faultStatus() (fault-status.ts) with the trailers as grpc-js Metadata. */
export function toGrpcStatus(err: unknown, onUnexpected?: (err: unknown) => void): ServerErrorStatus {
  const { code, details, trailers } = faultStatus(err, onUnexpected);
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers ?? {})) metadata.set(key, value);
  return { code: code as status, details, metadata };
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
