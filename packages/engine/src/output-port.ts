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
  /**
   * issue 20: channels the sink drains itself (a native splice pump, into the log file or, for NONE, into
   * nothing): called right before a spawn that needs no output in JS; the child gets these fds (pipes) instead of
   * Node's. Null: pipes as usual.
   */
  directOutput?(): DirectOutput | null;
  /** Bytes written / rotated away per channel (metrics, issue 17); null for a channel without a file. */
  counters?(): { stdout: SinkCounters | null; stderr: SinkCounters | null };
}

/** issue 20: the write ends of pipes a pump drains, for one spawn. */
export interface DirectOutput {
  /** The child's fd 1 / fd 2 (with redirect_stderr the stdout one serves both), or null for a pipe as usual. */
  readonly stdout: number | null;
  readonly stderr: number | null;
  /** Close the daemon's copies of the write ends: call once the spawn returned or failed. */
  release(): void;
  /** True when bytes moved since the previous call (the drain grace period starts over, as for a paused pipe). */
  progressed(): boolean;
  /** Move what the pipes hold now, then end (a grandchild keeps them open past the grace period). */
  stop(): void;
  /** Settles when every pump ended (EOF, or stop() drained it). */
  readonly drained: Promise<void>;
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
