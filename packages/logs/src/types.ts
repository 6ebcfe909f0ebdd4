/**
 * Public types of the logs package. The channel options are a structural copy of `@tsupervisord/config`'s
 * `LogChannelConfig` (logs knows files, not config parsing), so the daemon passes the config's values as is.
 */

export type LogfileSetting = { kind: "auto" } | { kind: "none" } | { kind: "file"; path: string };

/** One output channel of a process (`stdout_*` or `stderr_*` options). */
export interface LogChannelConfig {
  logfile: LogfileSetting;
  maxbytes: number;
  backups: number;
  captureMaxbytes: number;
  eventsEnabled: boolean;
  syslog: boolean;
  /**
   * Extension keys (`*_logfile_rotate`, `*_log_format`, several destinations, ...). Absent means supervisord's
   * behaviour exactly: size rotation to `.1…N`, raw bytes, one file.
   */
  ext?: LogChannelExtensions;
}

/** `*_log_format`: raw bytes (supervisord), or one framed record per line. */
export type LogFormat = "raw" | "line" | "json";

/** The time part of `*_logfile_rotate`: midnight, every hour, or every day at HH:MM (local time). */
export type RotateTime = { kind: "daily" } | { kind: "hourly" } | { kind: "at"; hour: number; minute: number };

/** `*_logfile_rotate`: which triggers rotate the file (`size` = supervisord's maxbytes rule). */
export interface RotateSpec {
  size: boolean;
  time: RotateTime | null;
}

/** `*_rate_limit`: a token bucket per channel; `block` pauses the child's pipe, `drop` discards and counts. */
export interface RateLimit {
  bytesPerSecond: number;
  burstBytes: number;
  action: "block" | "drop";
}

export interface LogChannelExtensions {
  /** Further destinations after the first (`stdout_logfile = /var/log/app.log, /dev/stdout`), absolute paths. */
  destinations: string[];
  rotate: RotateSpec;
  /** Rotated names: supervisord's `.1…N`, or the period's date (`app.log.2026-12-04`). */
  suffix: "number" | "date";
  compress: "none" | "gzip";
  /** Rotated files older than this are deleted (0 = kept). */
  maxageMs: number;
  format: LogFormat;
  /** Framed formats: a line longer than this is split into marked pieces. */
  maxLineBytes: number;
  rateLimit: RateLimit | null;
}

export type OutputChannel = "stdout" | "stderr";

/**
 * What a process's output produces besides log bytes. `data` is the raw (ANSI-stripped when enabled) bytes;
 * the engine adds pid/process/group names and formats the payload (§6.3, EVT-05).
 * - PROCESS_LOG_*: one per chunk that reaches the logging step when `<channel>_events_enabled` (PLE-01..03).
 * - PROCESS_COMMUNICATION_*: one per captured begin/end token pair (CAP-02).
 */
export type ProcessLogEvent =
  | { type: "PROCESS_LOG_STDOUT" | "PROCESS_LOG_STDERR"; channel: OutputChannel; data: Buffer }
  | { type: "PROCESS_COMMUNICATION_STDOUT" | "PROCESS_COMMUNICATION_STDERR"; channel: OutputChannel; data: Buffer };

/** Byte counters of one file writer: everything accepted is either written or dropped (and counted). */
export interface WriteCounters {
  /** Bytes that reached the file (across rotations). */
  bytesWritten: number;
  /** Bytes discarded because the file could not be opened or written (ENOSPC, EACCES, ...). */
  bytesDropped: number;
  /** Bytes written to files that were since rotated away (backups=0 truncation included). */
  bytesRotatedAway: number;
  /** Number of rotations performed. */
  rotations: number;
}

/** The minimal logger the activity log exposes and the engine's logger interface can be satisfied with. */
export interface ActivityLogger {
  critical(message: string): void;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
  blather(message: string): void;
}
