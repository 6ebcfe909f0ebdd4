export type {
  ConfigInfoStruct,
  FollowedLog,
  LogChannel,
  ProcessFeedEvent,
  ProcessInfoStruct,
  ProcessResultStruct,
  ReloadResult,
  SupervisorRpcBackend,
  SupervisorStateStruct,
  TailResult,
} from "./backend.js";
export { processResult, withConfigPlaceholders } from "./backend.js";
export { RpcDispatcher } from "./dispatcher.js";
export type { RpcDispatcherOptions, RpcOutcome } from "./dispatcher.js";
export { processInfoToWire, pythonTruthy, supervisorMethods } from "./methods.js";
export type { MethodSpec } from "./methods.js";
