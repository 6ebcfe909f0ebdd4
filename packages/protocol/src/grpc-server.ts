/**
 * issue 20: `@tsupervisord/protocol/server`, the daemon's gRPC face without grpc-js: createGrpcServer on
 * node:http2 (server.ts, http2-server.ts) and the generated messages it serves. The daemon imports this entry on
 * its first HTTP/2 connection; nothing here may load grpc-js (a test checks it), which stays with tsctl's
 * streaming client (the main entry).
 */
export {
  createGrpcServer,
  type AdmitOutcome,
  type CallAccess,
  type CallContext,
  type CreateGrpcServerOptions,
  type ServerStreamHandler,
  type SupervisorGrpcServer,
  type SupervisorHandlers,
  type UnaryHandler,
  type WrapOptions,
} from "./server.js";
