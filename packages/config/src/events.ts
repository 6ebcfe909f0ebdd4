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
 * colon, trailing `[extras]` ignored), normalised to `module:attr`; the raw text when it does not parse.
 */
export function normaliseEntryPoint(spec: string): string {
  const m = /^\s*([\w.]+)\s*(?::\s*([\w.]+))?\s*(?:\[.*\])?\s*$/u.exec(spec);
  if (!m) return spec;
  return m[2] === undefined ? (m[1] ?? "") : `${m[1] ?? ""}:${m[2]}`;
}
