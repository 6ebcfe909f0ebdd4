import type { Config, ProcessConfig } from "@tsupervisord/config";
import type { ProcessOutputPort, ProcessOutputSink, Supervisor } from "@tsupervisord/engine";
import { createProcessLogs, type ActivityLog, type ProcessLogs } from "@tsupervisord/logs";

/**
 * The ProcessLogs behind each sink this port created, for what the engine's port does not carry (issue 15:
 * `tsctl logrotate --now`, rate-limit counters). Weak: a removed group's logs go with its sink.
 */
const logsBySink = new WeakMap<ProcessOutputSink, ProcessLogs>();

/** The ProcessLogs of a sink created by `createOutputPort`, or null. */
export function processLogsOf(sink: ProcessOutputSink): ProcessLogs | null {
  return logsBySink.get(sink) ?? null;
}

/**
 * The engine's output port, served by `@tsupervisord/logs`: one ProcessLogs per process (AUTO names under
 * childlogdir, rotation, capture mode, strip_ansi). PROCESS_LOG_* / PROCESS_COMMUNICATION_* events the logs
 * package detects are published on the engine's bus with the process's current pid.
 */
export function createOutputPort(
  config: Config,
  log: ActivityLog,
  supervisor: () => Supervisor | null,
): ProcessOutputPort {
  const s = config.supervisord;
  const debugEnabled = log.isLevelEnabled("debug");
  return {
    create(process: ProcessConfig): ProcessOutputSink {
      const namespec = `${process.groupName}:${process.name}`;
      // Framed records carry the child's pid (looked up once per chunk, only for line/json formats).
      const pid = (): number => {
        try {
          return supervisor()?.getProcessInfo(namespec, { stats: false }).pid ?? 0;
        } catch {
          return 0;
        }
      };
      const logs = createProcessLogs({
        processName: process.name,
        groupName: process.groupName,
        pid,
        onWarn: (message, channel) => log.warn(`${process.name} ${channel} log: ${message}`),
        stdout: process.stdout,
        stderr: process.stderr,
        redirectStderr: process.redirectStderr,
        childlogdir: s.childlogdir,
        identifier: s.identifier,
        stripAnsi: s.stripAnsi,
        onEvent: (event) => {
          const engine = supervisor();
          if (engine === null) return;
          let pid = 0;
          try {
            pid = engine.getProcessInfo(`${process.groupName}:${process.name}`, { stats: false }).pid ?? 0;
          } catch {
            // Group removed meanwhile: report pid 0.
          }
          const base = { processName: process.name, groupName: process.groupName, pid, data: event.data.toString("utf8") };
          if (event.type === "PROCESS_LOG_STDOUT" || event.type === "PROCESS_LOG_STDERR") {
            engine.emit({ name: event.type, channel: event.channel, ...base });
          } else {
            engine.emit({ name: event.type, ...base });
          }
        },
        onError: (err, channel) => log.error(`${process.name} ${channel} log: ${err.message}`),
        ...(debugEnabled ? { debugLog: (message: string) => log.debug(message) } : {}),
      });
      logsBySink.set(logs, logs);
      return logs;
    },
  };
}
