import { pino } from "pino";
import type { Logger } from "pino";
import * as fs from "node:fs/promises";
import { SupervisorError } from "@tsupervisord/errors";
import { RotatingFile } from "./rotating-file.js";
import type { RotationPolicy } from "./rotating-file.js";
import { createSyslogSender } from "./syslog.js";
import type { SyslogSender } from "./syslog.js";
import type { ActivityLogger } from "./types.js";

export type ActivityLevel = "critical" | "error" | "warn" | "info" | "debug" | "trace" | "blather";

/** MLG-02: supervisord's numeric levels (pino custom levels, higher = more severe). */
export const ACTIVITY_LEVELS: Record<ActivityLevel, number> = {
  critical: 50,
  error: 40,
  warn: 30,
  info: 20,
  debug: 10,
  trace: 5,
  blather: 3,
};

/** MLG-01: the four-letter names in the line format. */
const LEVEL_TAGS: Record<number, string> = { 50: "CRIT", 40: "ERRO", 30: "WARN", 20: "INFO", 10: "DEBG", 5: "TRAC", 3: "BLAT" };

export interface ActivityLogSettings {
  /** Absolute path, or "syslog" (MLG-03). */
  logfile: string;
  logfileMaxbytes: number;
  logfileBackups: number;
  loglevel: ActivityLevel;
  nodaemon: boolean;
  silent: boolean;
  /** One JSON object per line (pino's format) instead of supervisord's text lines. */
  json?: boolean;
  /** Where the nodaemon copy goes (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  /** Syslog transport for `logfile=syslog` (default: a new sender). */
  syslog?: SyslogSender;
  /** Faults of the log file itself (the log never throws). */
  onError?: (err: Error) => void;
  /** `[supervisord] logfile_rotate`, `_rotate_suffix`, `_compress`, `_maxage` (issue 15). */
  policy?: RotationPolicy;
}

export interface ActivityLog extends ActivityLogger {
  /** Extra structured fields are kept in JSON mode (secrets in them redacted) and ignored in text mode. */
  log(level: ActivityLevel, message: string, fields?: Record<string, unknown>): void;
  isLevelEnabled(level: ActivityLevel): boolean;
  /** Literal values (passwords, environment values) masked as `[redacted]` in every message from now on. */
  addSecrets(values: Iterable<string>): void;
  /** Lines not written to the file because the disk was more than 8 MiB behind. */
  readonly linesDropped: number;
  /** The rotating file, when logging to a file (counters, tests). */
  readonly file: RotatingFile | null;
  /** CLR-01 (SIGUSR2): close and reopen the file by name. */
  reopen(): Promise<void>;
  /** `tsctl logrotate --now`: rotate the file at once (no-op for syslog or an empty file). */
  rotateNow(): Promise<void>;
  /** CLR-03 (`clearLog`): NO_FILE if absent, delete (FAILED on error), reopen with INFO `reopening log file`. */
  clear(): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** MLG-01: `YYYY-MM-DD HH:MM:SS,mmm`, local time. */
export function formatActivityTimestamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())},${String(d.getMilliseconds()).padStart(3, "0")}`
  );
}

/** A text line as supervisord writes it: `<time> <LEVEL> <message>\n`. */
export function formatActivityLine(ms: number, level: number, message: string): string {
  return `${formatActivityTimestamp(ms)} ${LEVEL_TAGS[level] ?? "INFO"} ${message}\n`;
}

const REDACTED = "[redacted]";

/** Field paths pino censors in structured fields: credentials and whole environments. */
export const REDACT_PATHS = [
  "password",
  "*.password",
  "auth.password",
  "*.auth.password",
  "environment",
  "*.environment",
  "env",
  "*.env",
];

/** Mask every literal occurrence of each secret (shorter than 4 characters is too ambiguous to mask). */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** An environment safe to log: names kept, every value replaced. */
export function redactEnvironment(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(env).map((k) => [k, REDACTED]));
}

/** Lines waiting for a stalled disk beyond this are dropped (and counted by the file), never buffered. */
const MAX_PENDING_BYTES = 8 * 1024 * 1024;

/**
 * The daemon's activity log (§3.8) on pino with supervisord's levels: text lines (or JSON) to a rotating file
 * (ROT-*) or syslog, plus stdout when nodaemon and not silent (MLG-03).
 */
export function createActivityLog(settings: ActivityLogSettings): ActivityLog {
  const toSyslog = settings.logfile === "syslog";
  const file = toSyslog
    ? null
    : new RotatingFile({
        path: settings.logfile,
        maxbytes: settings.logfileMaxbytes,
        backups: settings.logfileBackups,
        ...(settings.onError !== undefined ? { onError: settings.onError } : {}),
        ...(settings.policy !== undefined ? { policy: settings.policy } : {}),
      });
  const syslog = toSyslog ? (settings.syslog ?? createSyslogSender({ ident: "tsupervisord" })) : null;
  const stdout = settings.nodaemon && !settings.silent ? (settings.stdout ?? process.stdout) : null;
  const json = settings.json === true;
  const secrets = new Set<string>();
  let linesDropped = 0;

  // pino formats; this destination turns its JSON into supervisord's line format and fans it out.
  const destination = {
    write(chunk: string): void {
      let line = chunk;
      let textLine: string | null = null;
      if (!json || syslog !== null) {
        const record = JSON.parse(chunk) as { level: number; time: number; msg?: string };
        textLine = formatActivityLine(record.time, record.level, record.msg ?? "");
      }
      if (!json) line = textLine ?? chunk;
      if (file !== null) {
        if (file.writableLength < MAX_PENDING_BYTES) file.write(line);
        else linesDropped += 1;
      }
      if (syslog !== null && textLine !== null) {
        for (const l of textLine.replace(/\n$/, "").split("\n")) syslog.send(l);
      }
      if (stdout !== null) stdout.write(line);
    },
  };

  const logger: Logger<ActivityLevel, true> = pino<ActivityLevel, true>(
    {
      level: settings.loglevel,
      customLevels: ACTIVITY_LEVELS,
      useOnlyCustomLevels: true,
      base: null,
      // Structured fields reach pino only in JSON mode (see `log` below): text mode compiles no redaction (issue 20).
      ...(json ? { redact: { paths: REDACT_PATHS, censor: REDACTED } } : {}),
      formatters: json ? { level: (label, number) => ({ level: number, levelName: label }) } : {},
    },
    destination,
  );

  const log = (level: ActivityLevel, message: string, fields?: Record<string, unknown>) => {
    if (!logger.isLevelEnabled(level)) return;
    const msg = secrets.size > 0 ? redactSecrets(message, secrets) : message;
    if (fields !== undefined && json) logger[level](fields, msg);
    else logger[level](msg);
  };

  const reopen = async () => {
    await file?.reopen();
  };

  return {
    log,
    critical: (m) => log("critical", m),
    error: (m) => log("error", m),
    warn: (m) => log("warn", m),
    info: (m) => log("info", m),
    debug: (m) => log("debug", m),
    trace: (m) => log("trace", m),
    blather: (m) => log("blather", m),
    isLevelEnabled: (level) => logger.isLevelEnabled(level),
    addSecrets(values) {
      for (const v of values) secrets.add(v);
    },
    get linesDropped() {
      return linesDropped;
    },
    file,
    reopen,
    async rotateNow() {
      await file?.rotateNow();
    },
    async clear() {
      if (file === null) throw new SupervisorError("NO_FILE");
      try {
        await fs.stat(file.path);
      } catch {
        throw new SupervisorError("NO_FILE");
      }
      try {
        await fs.unlink(file.path);
      } catch (err) {
        throw new SupervisorError("FAILED", undefined, { cause: err });
      }
      // As supervisord: the line is logged before the reopen, so it lands in the deleted file.
      log("info", "reopening log file");
      await reopen();
    },
    async flush() {
      await file?.flush();
    },
    async close() {
      await file?.close();
      await syslog?.close();
    },
  };
}
