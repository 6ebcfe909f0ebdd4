/**
 * The fault in a failed call's trailers, read the same way by both clients: grpc-js's Metadata (errors.ts) and
 * the raw HTTP/2 trailers of the node:http2 client (unary-client.ts). No grpc-js here.
 */
import { SupervisorError, isErrorCode } from "@tsupervisord/errors";

/** Trailing-metadata key carrying the fault name (`BAD_NAME`). */
export const FAULT_METADATA_KEY = "supervisor-fault";
/**
 * Trailing-metadata key carrying the fault detail as UTF-8. Binary (`-bin`) because details hold paths and
 * config errors, which may be non-ASCII or span lines; plain header values may not.
 */
export const FAULT_DETAIL_METADATA_KEY = "supervisor-fault-detail-bin";

/** The SupervisorError for a fault name and (decoded) detail, or undefined when the name is no fault's. */
export function faultFrom(name: string | undefined, detail: string | undefined): SupervisorError | undefined {
  if (!isErrorCode(name)) return undefined;
  return detail === undefined ? new SupervisorError(name) : new SupervisorError(name, detail);
}
