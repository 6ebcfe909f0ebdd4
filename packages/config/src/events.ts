import { pyRepr } from "@tsupervisord/pycompat";

/** Event type names a listener may subscribe to (`events=`), as supervisor's `EventTypes` has them (§6.1). */
export const EVENT_TYPE_NAMES: readonly string[] = [
  "EVENT",
  "PROCESS_COMMUNICATION",
  "PROCESS_COMMUNICATION_STDERR",
  "PROCESS_COMMUNICATION_STDOUT",
  "PROCESS_GROUP",
  "PROCESS_GROUP_ADDED",
  "PROCESS_GROUP_REMOVED",
  "PROCESS_LOG",
  "PROCESS_LOG_STDERR",
  "PROCESS_LOG_STDOUT",
  "PROCESS_STATE",
  "PROCESS_STATE_BACKOFF",
  "PROCESS_STATE_EXITED",
  "PROCESS_STATE_FATAL",
  "PROCESS_STATE_RUNNING",
  "PROCESS_STATE_STARTING",
  "PROCESS_STATE_STOPPED",
  "PROCESS_STATE_STOPPING",
  "PROCESS_STATE_UNKNOWN",
  "REMOTE_COMMUNICATION",
  "SUPERVISOR_STATE_CHANGE",
  "SUPERVISOR_STATE_CHANGE_RUNNING",
  "SUPERVISOR_STATE_CHANGE_STOPPING",
  "TICK",
  "TICK_3600",
  "TICK_5",
  "TICK_60",
];

export const DEFAULT_RESULT_HANDLER = "supervisor.dispatchers:default_handler";
export const MAIN_RPCINTERFACE_FACTORY = "supervisor.rpcinterface:make_main_rpcinterface";

/**
 * A `module:attr` entry point spec as `pkg_resources.EntryPoint.parse` reads it (whitespace around the
 * colon, trailing `[extras]` ignored), normalised to `module:attr`; null when it does not parse.
 */
export function normaliseEntryPoint(spec: string): string | null {
  const m = /^\s*(.+?)\s*=\s*([\p{L}\p{N}_.]+)\s*(?::\s*([\p{L}\p{N}_.]+))?\s*(?:\[\s*(?:[\p{L}\p{N}_.-]+(?:\s*,\s*[\p{L}\p{N}_.-]+)*)?\s*\])?\s*$/u.exec(`x=${spec}`);
  if (!m) return null;
  return m[3] === undefined ? (m[2] ?? "") : `${m[2] ?? ""}:${m[3]}`;
}

/** The ValueError text `EntryPoint.parse` raises for a malformed spec (supervisord shows the tuple). */
export function badEntryPointMessage(spec: string): string {
  return `("EntryPoint must be in 'name=module:attrs [extras]' format", ${pyRepr(`x=${spec}`)})`;
}
