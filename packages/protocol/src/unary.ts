/**
 * issue 20: `@tsupervisord/protocol/unary`, what tsctl's one-shot commands need without grpc-js: the generated
 * messages, the node:http2 unary client, and the errors it fails with. Nothing here may load grpc-js (a test
 * checks it); the main entry (grpc-js client, server) is for streams, TLS and the daemon.
 */
export * from "./gen/supervisor/v1/supervisor.js";
export { ConnectionError, isConnectionError, type ConnectionFailure } from "./connection-error.js";
export { parseServerUrl, type ServerAddress } from "./address.js";
export { METHOD_NAMES, isStreamMethod, type MethodName, type StreamMethodName, type UnaryMethodName } from "./service.js";
export {
  connectUnary,
  GrpcStatus,
  GrpcStatusError,
  MAX_RECEIVE_MESSAGE_BYTES,
  type UnaryCallOptions,
  type UnaryConnectOptions,
  type UnarySupervisorClient,
} from "./unary-client.js";
