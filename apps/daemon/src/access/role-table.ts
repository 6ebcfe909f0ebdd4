/**
 * Issue 19: THE table of who may call what, for every face. gRPC methods are keyed by the generated service's
 * names (a `Record` over MethodName: a new RPC does not compile until it is classed here); XML-RPC methods by
 * their published names, aliases included (test/daemon/access-roles.test.ts checks the table against the
 * dispatcher's `system.listMethods`, so a new XML-RPC method fails that test until it is classed). The web UI
 * reaches the daemon only through the XML-RPC dispatcher, so its actions are judged by the XML-RPC rows; its
 * pages, /logtail, /mainlogtail, /events and /metrics only read (viewer).
 *
 * viewer: read state, config and logs, tail, watch. operator: start, stop, restart (stop+start), signal.
 * admin: change the configuration or the daemon (reload/add/remove, shutdown, restart), write to a process's
 * stdin, send events to listeners, clear or rotate logs.
 */
import type { Role } from "@tsupervisord/errors";
import type { MethodName } from "@tsupervisord/protocol";

export const GRPC_METHOD_ROLES: Readonly<Record<MethodName, Role>> = {
  getApiVersion: "viewer",
  getSupervisorVersion: "viewer",
  getIdentification: "viewer",
  getState: "viewer",
  getPid: "viewer",
  readLog: "viewer",
  clearLog: "admin",
  shutdown: "admin",
  restart: "admin",
  reloadConfig: "admin",
  addProcessGroup: "admin",
  removeProcessGroup: "admin",
  startProcess: "operator",
  startProcessGroup: "operator",
  startAllProcesses: "operator",
  stopProcess: "operator",
  stopProcessGroup: "operator",
  stopAllProcesses: "operator",
  signalProcess: "operator",
  signalProcessGroup: "operator",
  signalAllProcesses: "operator",
  getProcessInfo: "viewer",
  getAllProcessInfo: "viewer",
  getAllConfigInfo: "viewer",
  readProcessLog: "viewer",
  tailProcessLog: "viewer",
  clearProcessLogs: "admin",
  clearAllProcessLogs: "admin",
  sendProcessStdin: "admin",
  sendRemoteCommEvent: "admin",
  tailProcessLogFollow: "viewer",
  tailMainLogFollow: "viewer",
  rotateLogs: "admin",
  readProcessLogSince: "viewer",
  watch: "viewer",
  whoAmI: "viewer",
  // issue 18: hand start/stop that persists (statefile), operations, graceful reload: an operator's verbs.
  enableProcess: "operator",
  disableProcess: "operator",
  restartRolling: "operator",
  reloadProcess: "operator",
  cancelOperation: "operator",
  waitOperation: "viewer",
  listOperations: "viewer",
  // issue 18: update's plan shows config changes (commands, environment keys), applying it and scaling change the
  // configuration in force: admin, as reread and update.
  planUpdate: "admin",
  applyUpdate: "admin",
  scaleProgram: "admin",
};

export const XMLRPC_METHOD_ROLES: Readonly<Record<string, Role>> = {
  "supervisor.getAPIVersion": "viewer",
  "supervisor.getVersion": "viewer",
  "supervisor.getSupervisorVersion": "viewer",
  "supervisor.getIdentification": "viewer",
  "supervisor.getState": "viewer",
  "supervisor.getPID": "viewer",
  "supervisor.readLog": "viewer",
  "supervisor.readMainLog": "viewer",
  "supervisor.clearLog": "admin",
  "supervisor.shutdown": "admin",
  "supervisor.restart": "admin",
  "supervisor.reloadConfig": "admin",
  "supervisor.addProcessGroup": "admin",
  "supervisor.removeProcessGroup": "admin",
  "supervisor.startProcess": "operator",
  "supervisor.startProcessGroup": "operator",
  "supervisor.startAllProcesses": "operator",
  "supervisor.stopProcess": "operator",
  "supervisor.stopProcessGroup": "operator",
  "supervisor.stopAllProcesses": "operator",
  "supervisor.signalProcess": "operator",
  "supervisor.signalProcessGroup": "operator",
  "supervisor.signalAllProcesses": "operator",
  "supervisor.getProcessInfo": "viewer",
  "supervisor.getAllProcessInfo": "viewer",
  "supervisor.getAllConfigInfo": "viewer",
  "supervisor.readProcessLog": "viewer",
  "supervisor.readProcessStdoutLog": "viewer",
  "supervisor.readProcessStderrLog": "viewer",
  "supervisor.tailProcessLog": "viewer",
  "supervisor.tailProcessStdoutLog": "viewer",
  "supervisor.tailProcessStderrLog": "viewer",
  "supervisor.clearProcessLog": "admin",
  "supervisor.clearProcessLogs": "admin",
  "supervisor.clearAllProcessLogs": "admin",
  "supervisor.sendProcessStdin": "admin",
  "supervisor.sendRemoteCommEvent": "admin",
  "system.listMethods": "viewer",
  "system.methodHelp": "viewer",
  "system.methodSignature": "viewer",
  // Each inner call is judged on its own row.
  "system.multicall": "viewer",
};

/**
 * The role an XML-RPC method needs. A method the table does not name (an `[rpcinterface:x]` plugin's) needs
 * admin: unknown code is trusted least.
 */
export function xmlrpcMethodRole(method: string): Role {
  return Object.prototype.hasOwnProperty.call(XMLRPC_METHOD_ROLES, method) ? (XMLRPC_METHOD_ROLES[method] as Role) : "admin";
}
