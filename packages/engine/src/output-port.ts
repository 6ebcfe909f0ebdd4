import type { Writable } from "node:stream";
import type { ProcessConfig } from "@tsupervisord/config";

/**
 * The engine's output port: how a child's stdout/stderr leave the engine. The engine knows nothing of files;
 * the daemon plugs `@tsupervisord/logs` in here (design.md: "engine talks to logs through a small output port").
 *
 * Contract:
 * - `create` is called when a process's group becomes active (startup, reload, add/update), before the
 *   process ever runs (AUTO log files are created then, LOG-07). One sink per process, reused across restarts.
 * - On every spawn the engine pipes the child's stdout into `sink.stdout` and (unless redirect_stderr) its
 *   stderr into `sink.stderr` with `pipe(dest, { end: false })`, so Node's pipe backpressure pauses the child's
 *   pipe while the disk is behind. The sink never ends because a child exited.
 * - Before it reports an exit, the engine waits until both child pipes have ended (drain, RAP-02).
 * - `close()` is called when the group is removed or the daemon shuts down.
 */
export interface ProcessOutputSink {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Actual path of the stdout log (AUTO resolved), or null when NONE/syslog-only. */
  readonly stdoutLogfile: string | null;
  /** Actual path of the stderr log, or null (always null with redirect_stderr). */
  readonly stderrLogfile: string | null;
  /**
   * Called right before each spawn, once the command resolved: explicit log files are created now (as
   * supervisord opens them when it makes a process's dispatchers), AUTO ones already exist (LOG-07).
   */
  prepare?(): void;
  /** CLR-02: truncate (delete + recreate) the process's current log files; backups are kept. */
  clear(): Promise<void>;
  /** CLR-01 (SIGUSR2): close and reopen the log files by name. */
  reopen(): Promise<void>;
  /** Flush and close; the sink is not used again. */
  close(): Promise<void>;
  /** Bytes written / rotated away per channel (metrics, issue 17); null for a channel without a file. */
  counters?(): { stdout: SinkCounters | null; stderr: SinkCounters | null };
}

export interface SinkCounters {
  bytesWritten: number;
  bytesDropped: number;
  bytesRotatedAway: number;
  rotations: number;
}

export interface ProcessOutputPort {
  create(process: ProcessConfig): ProcessOutputSink;
}
