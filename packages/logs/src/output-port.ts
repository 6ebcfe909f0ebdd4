import { createProcessLogs } from "./process-logs.js";
import type { ProcessLogs } from "./process-logs.js";
import type { SyslogSender } from "./syslog.js";
import type { LogChannelConfig, OutputChannel, ProcessLogEvent } from "./types.js";

/** The part of `@tsupervisord/config`'s `ProcessConfig` the logs need (a ProcessConfig is assignable to it). */
export interface OutputProcessConfig {
  name: string;
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
}

/**
 * What the daemon plugs into the engine's `ProcessOutputPort`: `create(process)` returns the process's sink
 * (structurally the engine's `ProcessOutputSink`), creating AUTO log files at once (LOG-07).
 */
export function createProcessOutputPort<P extends OutputProcessConfig>(
  options: ProcessOutputPortOptions<P>,
): { create(process: P): ProcessLogs } {
  return {
    create(process: P): ProcessLogs {
      const activityLog = options.activityLog;
      const onEvent = options.onEvent;
      const onError = options.onError;
      return createProcessLogs({
        processName: process.name,
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
      });
    },
  };
}
