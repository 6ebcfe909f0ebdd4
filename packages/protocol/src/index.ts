/**
 * @tsupervisord/protocol: the generated supervisor.v1 messages and service definition, plus everything both
 * ends of the wire share — address parsing, Basic auth rules, the fault <-> gRPC status table, the promise
 * client (`connect`) and the server helpers (`createGrpcServer`, `handleConnection`).
 */
export * from "./gen/supervisor/v1/supervisor.js";
export { SupervisorService, type SupervisorServiceDefinition } from "./grpc-service.js";
export * from "./address.js";
export * from "./auth.js";
export * from "./errors.js";
export * from "./service.js";
export * from "./defaults.js";
export * from "./server.js";
export * from "./listener.js";
export {
  CLIENT_METHODS,
  ConnectionError,
  connect,
  displayUrl,
  isConnectionError,
  type CallOptions,
  type ConnectOptions,
  type ConnectionFailure,
  type SupervisorClient,
  type TlsClientOptions,
} from "./client.js";
