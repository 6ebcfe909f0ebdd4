/**
 * issue 20: what the daemon needs from this package before any gRPC client connects, without loading the gRPC
 * server or the generated messages. The daemon imports values from here and only types from the main entry;
 * the "server" entry (grpc-server.ts: createGrpcServer, the generated code, no grpc-js) is imported on the first
 * HTTP/2 connection. Nothing here may import grpc-js or ./gen at run time (type imports are erased).
 */
import type { LogChannel } from "./gen/supervisor/v1/supervisor.js";

export { createTlsConnectionRouter, handleConnection, HTTP2_PREFACE_PREFIX } from "./listener.js";
export type { ConnectionHandlers, TlsConnectionRouter } from "./listener.js";
export { parseBasicAuthorization } from "./auth.js";
export type { Credentials } from "./auth.js";

/**
 * The generated `LogChannel` enum's values, typed as that enum (a test checks they are the generated ones):
 * reading them from the generated module would load all of it.
 */
export const LogChannels = {
  UNSPECIFIED: 0 as LogChannel.UNSPECIFIED,
  STDOUT: 1 as LogChannel.STDOUT,
  STDERR: 2 as LogChannel.STDERR,
} as const;
