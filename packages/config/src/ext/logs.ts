/**
 * issue 15 extension keys of the log pipeline (supervisord 4.2.5 ignores them, so one file runs under both):
 *
 * `[program:x]` (also eventlistener / fcgi-program), for `stdout_` and `stderr_`:
 *   *_logfile_rotate = size | daily | hourly | @HH:MM | size+daily | size+hourly | size+@HH:MM
 *   *_logfile_rotate_suffix = number | date     (default: date with a time trigger, else number)
 *   *_logfile_compress = none | gzip
 *   *_logfile_maxage = 0 | <n>s|m|h|d|w         (rotated files older than this are deleted)
 *   *_log_format = raw | line | json
 *   *_log_line_maxbytes = 16KB                  (framed formats: longer lines are split and marked)
 *   *_rate_limit = 10MB/s  *_rate_limit_burst = 20MB  *_rate_limit_action = block | drop
 *   *_logfile = /var/log/app.log, /dev/stdout   (several destinations, see splitDestinations)
 * `[supervisord]`: logfile_rotate, logfile_rotate_suffix, logfile_compress, logfile_maxage, logfile_format = text|json.
 *
 * Every converter throws ValueError; the section reader turns it into an issue with file, line and option.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ValueError } from "../errors.js";
import { byteSize } from "../converters.js";
import { pyRepr } from "@tsupervisord/pycompat";
import type { LogChannelExtensions, LogFormat, RateLimit, RotateSpec, RotateTime } from "../types.js";

const ROTATE_HELP = "expected size, daily, hourly, @HH:MM, or size+ one of those (e.g. size+daily)";

/** `*_logfile_rotate`. */
export function rotateSpec(value: string): RotateSpec {
  const tokens = value.trim().toLowerCase().split("+").map((t) => t.trim());
  let size = false;
  let time: RotateTime | null = null;
  for (const token of tokens) {
    const at = /^@(\d{1,2}):(\d{2})$/u.exec(token);
    if (token === "size" && !size) size = true;
    else if (token === "daily" && time === null) time = { kind: "daily" };
    else if (token === "hourly" && time === null) time = { kind: "hourly" };
    else if (at !== null && time === null && Number(at[1]) < 24 && Number(at[2]) < 60) {
      time = { kind: "at", hour: Number(at[1]), minute: Number(at[2]) };
    } else {
      throw new ValueError(`${pyRepr(value)} is not a rotation spec (${ROTATE_HELP})`);
    }
  }
  return { size, time };
}

export function rotateSuffix(value: string): "number" | "date" {
  const v = value.trim().toLowerCase();
  if (v === "number" || v === "date") return v;
  throw new ValueError(`${pyRepr(value)} is not a rotated-name style (expected number or date)`);
}

export function compression(value: string): "none" | "gzip" {
  const v = value.trim().toLowerCase();
  if (v === "none" || v === "off" || v === "false") return "none";
  if (v === "gzip" || v === "gz") return "gzip";
  if (v === "zstd") throw new ValueError("zstd is not available (Node 20's zlib has no zstd); use gzip");
  throw new ValueError(`${pyRepr(value)} is not a compression (expected none or gzip)`);
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `14d`, `12h`, `2w`; `0` = off. */
export function duration(value: string): number {
  const v = value.trim().toLowerCase();
  if (v === "0") return 0;
  const m = /^(\d+)\s*([smhdw])$/u.exec(v);
  if (m === null) throw new ValueError(`${pyRepr(value)} is not a duration (expected a number and s, m, h, d or w, e.g. 14d)`);
  return Number(m[1]) * (DURATION_UNITS[m[2] ?? "d"] ?? 0);
}

export function logFormat(value: string): LogFormat {
  const v = value.trim().toLowerCase();
  if (v === "raw" || v === "line" || v === "json") return v;
  throw new ValueError(`${pyRepr(value)} is not a log format (expected raw, line or json)`);
}

export function activityLogFormat(value: string): "text" | "json" {
  const v = value.trim().toLowerCase();
  if (v === "text" || v === "json") return v;
  throw new ValueError(`${pyRepr(value)} is not a log format (expected text or json)`);
}

const RATE_UNITS: Record<string, number> = { "": 1, b: 1, kb: 1024, mb: 1024 * 1024, gb: 1024 * 1024 * 1024 };

/** `10MB/s`, `512KB/s`, `1000/s`; `0`/`none` = no limit (null). */
export function rate(value: string): number | null {
  const v = value.trim().toLowerCase();
  if (v === "0" || v === "none" || v === "off") return null;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\/s$/u.exec(v);
  const n = m === null ? NaN : Math.floor(Number(m[1]) * (RATE_UNITS[m[2] ?? ""] ?? NaN));
  if (!Number.isFinite(n) || n <= 0) throw new ValueError(`${pyRepr(value)} is not a rate (expected e.g. 10MB/s, 512KB/s)`);
  return n;
}

export function rateAction(value: string): "block" | "drop" {
  const v = value.trim().toLowerCase();
  if (v === "block" || v === "drop") return v;
  throw new ValueError(`${pyRepr(value)} is not a rate-limit action (expected block or drop)`);
}

export const MIN_LINE_BYTES = 16;

export function lineMaxbytes(value: string): number {
  const n = byteSize(value);
  if (n < MIN_LINE_BYTES) throw new ValueError(`${pyRepr(value)} is too small a line bound (at least ${MIN_LINE_BYTES} bytes)`);
  return n;
}

/**
 * Several destinations: supervisord reads `stdout_logfile = /var/log/app.log, /dev/stdout` as ONE path (with a
 * comma and a space in it). We read a value as a list only in the unambiguous form: items separated by a comma
 * followed by whitespace, every item an absolute path. Anything else stays one path, as supervisord has it.
 */
export function splitDestinations(value: string): string[] | null {
  if (!/,\s/u.test(value)) return null;
  const items = value.split(",").map((s) => s.trim());
  if (items.length < 2 || items.some((s) => !s.startsWith("/"))) return null;
  return items;
}

/** Character devices, pipes and `/dev/*` are written as they are: no rotation, no seek (never "Illegal seek"). */
export function isStreamTarget(p: string): boolean {
  if (p.startsWith("/dev/")) return true;
  try {
    const st = fs.statSync(p);
    return st.isCharacterDevice() || st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/**
 * Rotation with the new keys renames and creates files next to the log: its directory must be writable (checked
 * at config time, with the option's file and line, rather than failing at the first rotation).
 */
export function writableDirectoryOf(p: string): void {
  if (isStreamTarget(p)) return;
  const dir = path.dirname(p);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "EACCES";
    throw new ValueError(`The directory ${dir} of the log file ${p} is not writable (${code})`);
  }
}

export interface ChannelExtensionInput {
  rotate: RotateSpec | null;
  suffix: "number" | "date" | null;
  compress: "none" | "gzip" | null;
  maxageMs: number | null;
  format: LogFormat | null;
  maxLineBytes: number | null;
  rateBytesPerSecond: number | null;
  rateBurst: number | null;
  rateAction: "block" | "drop" | null;
  destinations: string[];
}

/** Defaults applied in one place; null when no extension key is used (supervisord's behaviour, exactly). */
export function channelExtensions(input: ChannelExtensionInput, anyKeySet: boolean): LogChannelExtensions | undefined {
  if (!anyKeySet && input.destinations.length === 0) return undefined;
  const rotate = input.rotate ?? { size: true, time: null };
  const rateLimit: RateLimit | null =
    input.rateBytesPerSecond === null
      ? null
      : {
          bytesPerSecond: input.rateBytesPerSecond,
          burstBytes: input.rateBurst ?? input.rateBytesPerSecond,
          action: input.rateAction ?? "block",
        };
  return {
    destinations: input.destinations,
    rotate,
    suffix: input.suffix ?? (rotate.time !== null ? "date" : "number"),
    compress: input.compress ?? "none",
    maxageMs: input.maxageMs ?? 0,
    format: input.format ?? "raw",
    maxLineBytes: input.maxLineBytes ?? 16 * 1024,
    rateLimit,
  };
}

/** The per-channel option names (for the program reader and the extension-key table). */
export const CHANNEL_KEYS = [
  "logfile_rotate",
  "logfile_rotate_suffix",
  "logfile_compress",
  "logfile_maxage",
  "log_format",
  "log_line_maxbytes",
  "rate_limit",
  "rate_limit_burst",
  "rate_limit_action",
  "logfile_also",
] as const;
