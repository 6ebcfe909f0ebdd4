/**
 * The values XML-RPC carries, as plain JS. Integers are `number`s for which `Number.isInteger` holds (sent
 * as `<int>`); other numbers are `<double>`. Structs are plain objects (insertion order is wire order).
 * `Uint8Array` is `<base64>`. Requests may also yield `null`: supervisord's lenient parser hands the raw text
 * (or None) of tags it does not know (`<nil/>`, `<i8>`) to the method unchanged (RPC-06).
 */
export type XmlRpcValue =
  | string
  | number
  | boolean
  | Uint8Array
  | null
  | XmlRpcValue[]
  | { [key: string]: XmlRpcValue };

export type XmlRpcStruct = { [key: string]: XmlRpcValue };

/** The XML-RPC (and Python xmlrpc.client) int range: anything outside cannot be sent (RPC-08). */
export const XMLRPC_MAXINT = 2 ** 31 - 1;
export const XMLRPC_MININT = -(2 ** 31);

/** Clamp a value (e.g. an epoch timestamp) into the sendable int range, as supervisord does (RPC-08). */
export function clampInt32(value: number): number {
  if (value > XMLRPC_MAXINT) return XMLRPC_MAXINT;
  if (value < XMLRPC_MININT) return XMLRPC_MININT;
  return value;
}

export function isStruct(value: unknown): value is XmlRpcStruct {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
