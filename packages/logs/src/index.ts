/**
 * @tsupervisord/logs: every byte a child writes reaches its log file, rotated as supervisord rotates it, at
 * disk speed with bounded memory; reads, tails and follows of those files; the daemon's activity log.
 */
export type {
  ActivityLogger,
  LogChannelConfig,
  LogfileSetting,
  OutputChannel,
  ProcessLogEvent,
  WriteCounters,
} from "./types.js";
export { RotatingFile } from "./rotating-file.js";
export type { RotatingFileOptions } from "./rotating-file.js";
export { createProcessLogs } from "./process-logs.js";
export type { ProcessLogs, ProcessLogsOptions } from "./process-logs.js";
export { autoLogPath, autoLogPattern, cleanupAutoLogs } from "./auto-logs.js";
export type { CleanupResult } from "./auto-logs.js";
export { BEGIN_TOKEN, END_TOKEN, BoundedBuffer, CaptureSplitter, prefixAtEnd } from "./capture.js";
export { stripAnsi } from "./strip-ansi.js";
export { decodeOutput, formatOutputForActivityLog } from "./python-repr.js";
export { createSyslogSender, sharedSyslog } from "./syslog.js";
export type { SyslogOptions, SyslogSender } from "./syslog.js";
export { decodeLogBytes, readLogRange, readLogRangeBytes, tailLog, tailLogBytes, tailWindow } from "./read.js";
export type { TailResult } from "./read.js";
export { followLog, TRUNCATED_MARKER } from "./follow.js";
export type { FollowOptions } from "./follow.js";
export {
  ACTIVITY_LEVELS,
  createActivityLog,
  formatActivityLine,
  formatActivityTimestamp,
  REDACT_PATHS,
  redactEnvironment,
  redactSecrets,
} from "./activity-log.js";
export type { ActivityLevel, ActivityLog, ActivityLogSettings } from "./activity-log.js";
export { createProcessOutputPort } from "./output-port.js";
export type { OutputProcessConfig, ProcessOutputPortOptions } from "./output-port.js";
