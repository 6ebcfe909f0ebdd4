import { Writable } from "node:stream";
import { RotatingFile } from "./rotating-file.js";
import { autoLogPath } from "./auto-logs.js";
import { BoundedBuffer, CaptureSplitter } from "./capture.js";
import type { CaptureStep } from "./capture.js";
import { stripAnsi } from "./strip-ansi.js";
import { formatOutputForActivityLog } from "./python-repr.js";
import { sharedSyslog } from "./syslog.js";
import type { SyslogSender } from "./syslog.js";
import type { LogChannelConfig, OutputChannel, ProcessLogEvent, WriteCounters } from "./types.js";

export interface ProcessLogsOptions {
  processName: string;
  stdout: LogChannelConfig;
  stderr: LogChannelConfig;
  /** LOG-04: the child's stderr shares the stdout pipe; there is no stderr log. */
  redirectStderr: boolean;
  childlogdir: string;
  identifier: string;
  /** ANS-01 (`[supervisord] strip_ansi`). */
  stripAnsi: boolean;
  /** PROCESS_LOG_* (PLE-01..03) and PROCESS_COMMUNICATION_* (CAP-02) events. */
  onEvent?: (event: ProcessLogEvent) => void;
  /** File faults (open failure, ENOSPC, ...). Output keeps flowing; lost bytes are counted. */
  onError?: (err: Error, channel: OutputChannel) => void;
  /**
   * LOG-02: pass only when the daemon's loglevel is debug or lower; receives each chunk as
   * `'<name>' <channel> output:\n<data>` for the activity log.
   */
  debugLog?: (message: string) => void;
  /** Syslog transport for `<channel>_syslog=true` (default: one shared sender per daemon). */
  syslog?: SyslogSender;
  /** Buffer bound of each log file writer (default 1 MiB). */
  highWaterMark?: number;
}

/** Structurally the engine's `ProcessOutputSink` (engine/src/output-port.ts), plus counters and helpers. */
export interface ProcessLogs {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Actual path of the stdout log (AUTO resolved), or null when NONE/syslog-only. */
  readonly stdoutLogfile: string | null;
  /** Actual path of the stderr log, or null (always null with redirect_stderr). */
  readonly stderrLogfile: string | null;
  /** Settles once the log files have been opened (AUTO files exist, mode 0600). Never rejects. */
  readonly ready: Promise<void>;
  /** Create explicit log files (called by the engine right before a spawn); AUTO ones exist from the start. */
  prepare(): void;
  /** Bytes written/dropped/rotated away per channel (null when the channel has no file). */
  counters(): { stdout: WriteCounters | null; stderr: WriteCounters | null };
  /** CAP-04 (fixed): release bytes held back as a possible partial capture token; call when the child exits. */
  flushPending(): void;
  /** Resolves when everything accepted so far has reached the files. */
  flush(): Promise<void>;
  /** CLR-02: truncate (delete + recreate) the current log files; backups are kept; the capture buffer emptied. */
  clear(): Promise<void>;
  /** CLR-01 (SIGUSR2): close and reopen the log files by name. */
  reopen(): Promise<void>;
  /** Flush and close; not used again. */
  close(): Promise<void>;
}

const EVENT_TYPES = {
  stdout: { log: "PROCESS_LOG_STDOUT", communication: "PROCESS_COMMUNICATION_STDOUT" },
  stderr: { log: "PROCESS_LOG_STDERR", communication: "PROCESS_COMMUNICATION_STDERR" },
} as const;

/** One output channel: ANSI stripping, capture splitting, events, file, syslog, debug log. */
class ChannelPipeline {
  readonly logfile: string | null;
  private current: RotatingFile | null = null;
  private readonly makeFile: (() => RotatingFile) | null;
  private readonly capture: { splitter: CaptureSplitter; buffer: BoundedBuffer } | null;
  private readonly emitStep: (step: CaptureStep) => void;
  /** Set during a feed when the file asked the writer to wait for 'drain'. */
  private mustWait = false;

  constructor(
    private readonly channel: OutputChannel,
    private readonly config: LogChannelConfig,
    private readonly options: ProcessLogsOptions,
  ) {
    const logfile = config.logfile;
    this.logfile =
      logfile.kind === "auto"
        ? autoLogPath(options.childlogdir, options.processName, channel, options.identifier)
        : logfile.kind === "file"
          ? logfile.path
          : null;
    const path = this.logfile;
    this.makeFile =
      path === null
        ? null
        : () =>
            new RotatingFile({
              path,
              maxbytes: config.maxbytes,
              backups: config.backups,
              // LOG-07: AUTO logs are private to the daemon's user; explicit ones follow the umask (LOG-09).
              mode: logfile.kind === "auto" ? 0o600 : 0o666,
              ...(options.highWaterMark !== undefined ? { highWaterMark: options.highWaterMark } : {}),
              onError: (err) => options.onError?.(err, channel),
            });
    // LOG-07: AUTO files are created with the group; explicit ones at the first spawn (`open()`), as supervisord
    // creates them with the process's dispatchers.
    if (logfile.kind === "auto") this.open();
    // CAP-01 / CAP-06: capture only with a positive capture_maxbytes (the daemon passes 0 for a listener's stdout).
    this.capture =
      config.captureMaxbytes > 0
        ? { splitter: new CaptureSplitter(), buffer: new BoundedBuffer(config.captureMaxbytes) }
        : null;
    this.emitStep = (step) => this.handleStep(step);
  }

  /** The log file once it exists (null before the first spawn for an explicit file, or with NONE). */
  get file(): RotatingFile | null {
    return this.current;
  }

  /** Create the log file if it does not exist yet; returns it (null with NONE). */
  open(): RotatingFile | null {
    if (this.current === null && this.makeFile !== null) this.current = this.makeFile();
    return this.current;
  }

  /** Process one chunk; returns true when the caller must wait for the file's 'drain' before the next one. */
  feed(chunk: Buffer): boolean {
    this.mustWait = false;
    if (this.capture === null) this.log(chunk, false);
    else this.capture.splitter.feed(chunk, this.emitStep);
    return this.mustWait;
  }

  flushPending(): void {
    this.capture?.splitter.flushHeld(this.emitStep);
  }

  clearCapture(): void {
    this.capture?.buffer.clear();
  }

  private handleStep(step: CaptureStep): void {
    if (step.kind === "log") {
      this.log(step.data, step.capturing);
      return;
    }
    const data = this.capture?.buffer.take() ?? Buffer.alloc(0);
    this.options.onEvent?.({ type: EVENT_TYPES[this.channel].communication, channel: this.channel, data });
    this.options.debugLog?.(formatOutputForActivityLog(this.options.processName, this.channel, data));
  }

  /** supervisord's `_log`: strip ANSI, write to the log (or the capture buffer), debug log, PROCESS_LOG event. */
  private log(raw: Buffer, capturing: boolean): void {
    if (raw.length === 0) return;
    const data = this.options.stripAnsi ? stripAnsi(raw) : raw;
    if (data.length === 0) return;
    if (capturing) {
      this.capture?.buffer.write(data);
    } else {
      // The file writer keeps a reference to the chunk until written: hand it a buffer nobody else reuses.
      const file = this.open();
      if (file !== null && !file.write(data)) this.mustWait = true;
      if (this.config.syslog) this.sendToSyslog(data);
    }
    this.options.debugLog?.(formatOutputForActivityLog(this.options.processName, this.channel, data));
    // PLE-02: chunks inside a capture emit PROCESS_LOG too; PLE-03: with or without a log file.
    if (this.config.eventsEnabled) {
      this.options.onEvent?.({ type: EVENT_TYPES[this.channel].log, channel: this.channel, data });
    }
  }

  /** LOG-10: one syslog message per line, `<process name> <line>`, the trailing newline removed. */
  private sendToSyslog(data: Buffer): void {
    const sender = this.options.syslog ?? sharedSyslog();
    const text = data.toString("utf8").replace(/\n$/, "");
    for (const line of text.split("\n")) sender.send(`${this.options.processName} ${line}`);
  }
}

/** The Writable the engine pipes a child pipe into: waits for the file's drain, so the pipe gets paused. */
class ChannelWriter extends Writable {
  constructor(private readonly pipeline: ChannelPipeline | null) {
    super({ highWaterMark: 64 * 1024 });
    // Never crash the daemon (e.g. a write after close() from a late pipe): faults are reported elsewhere.
    this.on("error", () => {});
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const pipeline = this.pipeline;
    if (pipeline === null || !pipeline.feed(chunk) || pipeline.file === null) {
      callback();
      return;
    }
    pipeline.file.once("drain", () => callback());
  }
}

/**
 * The output sink of one process (structurally the engine's `ProcessOutputSink`): created when the group
 * becomes active (AUTO files are created then, LOG-07), reused across restarts, closed on removal/shutdown.
 */
export function createProcessLogs(options: ProcessLogsOptions): ProcessLogs {
  const stdoutPipeline = new ChannelPipeline("stdout", options.stdout, options);
  // LOG-04: with redirect_stderr there is no stderr log; the stderr writer only discards.
  const stderrPipeline = options.redirectStderr ? null : new ChannelPipeline("stderr", options.stderr, options);
  const pipelines = [stdoutPipeline, stderrPipeline].filter((p): p is ChannelPipeline => p !== null);
  const files = (): RotatingFile[] => pipelines.map((p) => p.file).filter((f): f is RotatingFile => f !== null);
  const stdout = new ChannelWriter(stdoutPipeline);
  const stderr = new ChannelWriter(stderrPipeline);

  const flushWriter = (w: Writable) =>
    new Promise<void>((resolve) => {
      if (w.writableEnded || w.destroyed) resolve();
      else w.write(Buffer.alloc(0), () => resolve());
    });
  const flush = async () => {
    await Promise.all([flushWriter(stdout), flushWriter(stderr)]);
    await Promise.all(files().map((f) => f.flush()));
  };

  return {
    stdout,
    stderr,
    stdoutLogfile: stdoutPipeline.logfile,
    stderrLogfile: stderrPipeline?.logfile ?? null,
    ready: Promise.all(files().map((f) => f.ready)).then(() => undefined),
    prepare: () => {
      for (const p of pipelines) p.open();
    },
    counters: () => ({
      stdout: stdoutPipeline.file?.counters ?? null,
      stderr: stderrPipeline?.file?.counters ?? null,
    }),
    flushPending: () => {
      for (const p of pipelines) p.flushPending();
    },
    flush,
    async clear() {
      for (const p of pipelines) p.clearCapture();
      await Promise.all(files().map((f) => f.clear()));
    },
    async reopen() {
      await Promise.all(files().map((f) => f.reopen()));
    },
    async close() {
      await flush();
      stdout.end();
      stderr.end();
      await Promise.all(files().map((f) => f.close()));
    },
  };
}
