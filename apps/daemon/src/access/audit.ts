/**
 * Issue 19: who did what to which program. One line in the activity log and one engine event (Watch's
 * `audit`) per control call (operator and admin methods) and per refusal. What is recorded is chosen field by
 * field (user, role, peer, uid, face, method, target): never a password, an Authorization header or the
 * contents written to a process's stdin.
 */
import { describeCaller, type Caller } from "@tsupervisord/errors";

export interface AuditEntry {
  caller: Caller;
  method: string;
  /** The program, group or `all` the call names; "" when it names none. */
  target: string;
  outcome: "allowed" | "denied";
}

export function auditLine(entry: AuditEntry): string {
  const target = entry.target === "" ? "" : ` target=${JSON.stringify(entry.target)}`;
  return `audit: ${describeCaller(entry.caller)} method=${entry.method}${target} ${entry.outcome}`;
}

/** Longest target kept whole: a name is short; a 1 MB "name" must not be copied whole into the log (issue 21 #14). */
const TARGET_MAX_CHARS = 256;

/** The target as recorded: cut past TARGET_MAX_CHARS, saying how long it was. */
export function boundedTarget(name: string): string {
  return name.length <= TARGET_MAX_CHARS ? name : `${name.slice(0, TARGET_MAX_CHARS)}... (${Buffer.byteLength(name)} bytes)`;
}

/** The `name` of a gRPC request (the only field taken from it), `all` for the *All* methods. */
export function grpcTarget(method: string, request: unknown): string {
  if (method.endsWith("AllProcesses") || method === "clearAllProcessLogs") return "all";
  const name = (request as { name?: unknown } | null)?.name;
  return typeof name === "string" ? boundedTarget(name) : "";
}

/** XML-RPC methods whose first parameter names a process or group. */
const NAME_FIRST = new Set([
  "startProcess", "startProcessGroup", "stopProcess", "stopProcessGroup", "signalProcess", "signalProcessGroup",
  "clearProcessLog", "clearProcessLogs", "sendProcessStdin", "addProcessGroup", "removeProcessGroup",
]);

/** The name an XML-RPC call acts on (its first parameter, for the methods above), `all` for the *All* methods. */
export function xmlrpcTarget(method: string, params: readonly unknown[]): string {
  const bare = method.slice(method.indexOf(".") + 1);
  if (bare.endsWith("AllProcesses") || bare === "clearAllProcessLogs") return "all";
  const first = params[0];
  return NAME_FIRST.has(bare) && typeof first === "string" ? boundedTarget(first) : "";
}
