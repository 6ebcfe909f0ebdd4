import * as nodePath from "node:path";
import { createProcessLogs } from "./process-logs.js";
import type { ProcessLogs } from "./process-logs.js";
import type { SyslogSender } from "./syslog.js";
import type { SplicePumpApi } from "./pump/pump-link.js";
import type { LogChannelConfig, OutputChannel, ProcessLogEvent } from "./types.js";

/** The part of `@tsupervisord/config`'s `ProcessConfig` the logs need (a ProcessConfig is assignable to it). */
export interface OutputProcessConfig {
  name: string;
  groupName?: string;
  kind?: string;
  redirectStderr: boolean;
  stdout: LogChannelConfig;
  stderr: LogChannelConfig;
}

export interface ProcessOutputPortOptions<P extends OutputProcessConfig> {
  /** `[supervisord] childlogdir`, `identifier`, `strip_ansi`. */
  childlogdir: string;
  identifier: string;
  stripAnsi: boolean;
  onEvent?: (process: P, event: ProcessLogEvent) => void;
  onError?: (process: P, err: Error, channel: OutputChannel) => void;
  /** LOG-02: child output goes to the activity log at DEBG when its level is debug or lower. */
  activityLog?: { debug(message: string): void; isLevelEnabled(level: "debug"): boolean };
  syslog?: SyslogSender;
  /** Framed records (line/json formats, issue 15) carry the child's pid: looked up once per chunk. */
  pidOf?: (process: P) => number;
  /** Warnings of the log pipeline (rate-limit drops, ...). */
  onWarn?: (process: P, message: string, channel: OutputChannel) => void;
  /** issue 20: the native splice pump, or why there is none (absent: every channel takes the JS path). */
  pump?: { api: SplicePumpApi } | { unavailable: string };
}

/**
 * The ProcessLogs behind each sink a port created, for what the engine's port does not carry (issue 15:
 * `tsctl logrotate --now`, rate-limit counters). Weak: a removed group's logs go with its sink.
 */
const logsBySink = new WeakMap<object, ProcessLogs>();

/** The ProcessLogs of a sink created by `createProcessOutputPort`, or null. */
export function processLogsOf(sink: object): ProcessLogs | null {
  return logsBySink.get(sink) ?? null;
}

/**
 * What the daemon plugs into the engine's `ProcessOutputPort`: `create(process)` returns the process's sink
 * (structurally the engine's `ProcessOutputSink`), creating AUTO log files at once (LOG-07).
 */
export function createProcessOutputPort<P extends OutputProcessConfig>(
  options: ProcessOutputPortOptions<P>,
): { create(process: P): ProcessLogs } {
  // issue 20: how many channels of the live sinks are configured with each explicit log file.
  const logUse = new Map<string, number>();
  // Each configured path -> the absolute one it counts as, resolved once when the process is created: whether a
  // file is shared is asked for every program on every GetAllProcessInfo (its log_pump field), and path.resolve
  // per ask cost the daemon ~0.3 s of its JS thread while 500 programs were spawned under the bench's polling.
  const explicitLogs = (process: P): Array<readonly [configured: string, absolute: string]> =>
    [process.stdout, ...(process.redirectStderr ? [] : [process.stderr])].flatMap((c) =>
      c.logfile.kind === "file" ? [[c.logfile.path, nodePath.resolve(c.logfile.path)] as const] : [],
    );
  return {
    create(process: P): ProcessLogs {
      const configured = explicitLogs(process);
      // One entry per channel: stdout and stderr naming the same file count twice (shared).
      const used = configured.map(([, absolute]) => absolute);
      for (const path of used) logUse.set(path, (logUse.get(path) ?? 0) + 1);
      // The channels ask with their own file's path: a configured one, or an AUTO log's (absolute, resolved at
      // the first ask and kept: it never changes for the life of the sink).
      const resolved = new Map(configured);
      const sharedLog = (path: string): boolean => {
        let absolute = resolved.get(path);
        if (absolute === undefined) resolved.set(path, (absolute = nodePath.resolve(path)));
        return (logUse.get(absolute) ?? 0) > 1;
      };
      const activityLog = options.activityLog;
      const onEvent = options.onEvent;
      const onError = options.onError;
      const pidOf = options.pidOf;
      const onWarn = options.onWarn;
      const logs = createProcessLogs({
        processName: process.name,
        ...(process.groupName !== undefined ? { groupName: process.groupName } : {}),
        ...(pidOf !== undefined ? { pid: () => pidOf(process) } : {}),
        ...(onWarn !== undefined ? { onWarn: (m: string, ch: OutputChannel) => onWarn(process, m, ch) } : {}),
        // CAP-06: an event listener's stdout is its protocol channel, never captured.
        stdout: process.kind === "eventlistener" ? { ...process.stdout, captureMaxbytes: 0 } : process.stdout,
        stderr: process.stderr,
        redirectStderr: process.redirectStderr,
        childlogdir: options.childlogdir,
        identifier: options.identifier,
        stripAnsi: options.stripAnsi,
        ...(onEvent !== undefined ? { onEvent: (event: ProcessLogEvent) => onEvent(process, event) } : {}),
        ...(onError !== undefined ? { onError: (err: Error, ch: OutputChannel) => onError(process, err, ch) } : {}),
        ...(activityLog?.isLevelEnabled("debug") ? { debugLog: (m: string) => activityLog.debug(m) } : {}),
        ...(options.syslog !== undefined ? { syslog: options.syslog } : {}),
        ...(options.pump !== undefined ? { pump: options.pump, sharedLog } : {}),
        // A removed process no longer shares its files. (A hook, not a replaced `close`: assigning to the
        // returned object turned each sink into a dictionary-mode object, ~0.8 KiB apiece, issue 20.)
        ...(used.length > 0 ? { onClose: () => used.forEach((path) => logUse.set(path, (logUse.get(path) ?? 1) - 1)) } : {}),
      });
      logsBySink.set(logs, logs);
      return logs;
    },
  };
}
