import { existsSync } from "node:fs";
import type { ServerAddress } from "./address.js";
import { GrpcStatus } from "./grpc-framing.js";

/**
 * The one error both clients (grpc-js's in client.ts, node:http2's in unary-client.ts) report a daemon they
 * could not use with; its own module so the http2 client does not load grpc-js to construct it.
 */

/** Why the daemon could not be used at all. */
export type ConnectionFailure =
  /** Nothing listens there (ECONNREFUSED): tsctl prints `<serverurl> refused connection`, exit 4. */
  | "refused"
  /** The unix socket path does not exist (ENOENT): `<serverurl> no such file`, exit 7. */
  | "no_such_file"
  /** The daemon wants other credentials: `Server requires authentication`. */
  | "unauthenticated"
  /** Any other transport failure (permission denied on the socket, DNS, TLS…). */
  | "unavailable";

export class ConnectionError extends Error {
  override readonly name = "ConnectionError";
  readonly reason: ConnectionFailure;
  /** The serverurl as given to `connect`. */
  readonly url: string;

  constructor(reason: ConnectionFailure, url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
    this.url = url;
  }
}

export function isConnectionError(err: unknown): err is ConnectionError {
  return err instanceof ConnectionError;
}

/**
 * The ConnectionError a failed call's status means, or undefined when it is no connection failure: one reading for
 * both clients, so tsctl's texts and exit codes cannot drift between them.
 */
export function connectionErrorFor(code: number, details: string, url: string, address: ServerAddress, cause?: unknown): ConnectionError | undefined {
  if (code === GrpcStatus.UNAUTHENTICATED) return new ConnectionError("unauthenticated", url, `${url}: server requires authentication`, { cause });
  if (code !== GrpcStatus.UNAVAILABLE) return undefined;
  if (/ENOENT/.test(details) || (address.kind === "unix" && !existsSync(address.path))) {
    return new ConnectionError("no_such_file", url, `${url} no such file`, { cause });
  }
  if (/ECONNREFUSED/.test(details)) return new ConnectionError("refused", url, `${url} refused connection`, { cause });
  return new ConnectionError("unavailable", url, `${url}: ${details}`, { cause });
}
