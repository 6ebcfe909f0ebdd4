/**
 * @tsupervisord/logs: every byte a child writes reaches its log file, rotated as supervisord rotates it, at
 * disk speed with bounded memory; reads, tails and follows of those files; the daemon's activity log.
 */
export type {
  ActivityLogger,
  LogChannelConfig,
  LogChannelExtensions,
  LogFormat,
  LogfileSetting,
  OutputChannel,
  RateLimit,
  RotateSpec,
  RotateTime,
  ProcessLogEvent,
  WriteCounters,
} from "./types.js";
export { RotatingFile } from "./rotating-file.js";
export type { RotatingFileOptions, RotationPolicy } from "./rotating-file.js";
export { LineFramer, MIN_LINE_BYTES, completeUtf8Length, utf8Boundary } from "./pipeline/framing.js";
export type { FramerOptions } from "./pipeline/framing.js";
export { TokenBucket, formatRate } from "./pipeline/rate-limit.js";
export { TimeTrigger, nextBoundary, periodLabel, periodStart, systemClock } from "./rotation/time-trigger.js";
export type { Clock } from "./rotation/time-trigger.js";
export { gzipFile } from "./rotation/compress.js";
export { datedPattern, numberedPattern, rotatedPattern } from "./rotation/names.js";
export { logFilesInOrder, readLogSince, recordTime } from "./read-since.js";
export { createProcessLogs } from "./process-logs.js";
export type { ProcessLogs, ProcessLogsOptions, RateLimitCounters } from "./process-logs.js";
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
export { createProcessOutputPort, processLogsOf } from "./output-port.js";
export type { OutputProcessConfig, ProcessOutputPortOptions } from "./output-port.js";
// issue 20: the splice log pump
export { choosePumpPath } from "./pump/pump-path.js";
export type { PumpDecision, PumpPath, PumpContext } from "./pump/pump-path.js";
export type { SplicePumpApi, PumpReport } from "./pump/pump-link.js";
export type { DirectOutput } from "./pump/direct-output.js";
