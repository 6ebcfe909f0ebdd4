import type { Config, ProcessConfig } from "@tsupervisord/config";
import type { ProcessOutputPort, ProcessOutputSink, Supervisor } from "@tsupervisord/engine";
import { createProcessLogs, type ActivityLog } from "@tsupervisord/logs";

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
      return createProcessLogs({
        processName: process.name,
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
    },
  };
}
