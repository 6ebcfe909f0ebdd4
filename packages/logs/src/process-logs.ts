import { Writable } from "node:stream";
import { RotatingFile } from "./rotating-file.js";
import { autoLogPath } from "./auto-logs.js";
import { BoundedBuffer, CaptureSplitter } from "./capture.js";
import type { CaptureStep } from "./capture.js";
import { stripAnsi } from "./strip-ansi.js";
import { formatOutputForActivityLog } from "./python-repr.js";
import { sharedSyslog } from "./syslog.js";
import type { SyslogSender } from "./syslog.js";
import type { LogChannelConfig, OutputChannel, ProcessLogEvent, RateLimit, WriteCounters } from "./types.js";
import { LineFramer } from "./pipeline/framing.js";
import { formatRate, TokenBucket } from "./pipeline/rate-limit.js";
import { systemClock } from "./rotation/time-trigger.js";
import type { Clock } from "./rotation/time-trigger.js";
import { choosePumpPath, type PumpDecision } from "./pump/pump-path.js";
import { createDirectOutput, type DirectOutput, type PumpTarget } from "./pump/direct-output.js";
import type { SpliceChannel } from "./pump/splice-channel.js";
import type { SplicePumpApi } from "./pump/pump-link.js";

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
  /** Group name and current pid, for framed (`line`/`json`) records. */
  groupName?: string;
  pid?: () => number;
  /** Time source for framing, time rotation and rate limits (a fake one in tests). */
  clock?: Clock;
  /** Framed formats: a partial line is written (marked) after waiting this long for its newline. Default 1000. */
  partialFlushMs?: number;
  /** Rate-limit notices (drops start/stop). */
  onWarn?: (message: string, channel: OutputChannel) => void;
  /** issue 20: the native splice pump, or why there is none (absent: every channel takes the JS path). */
  pump?: { api: SplicePumpApi } | { unavailable: string };
  /**
   * issue 20: true when another channel (of any process) is configured with this log file. Such a file takes the
   * JS writer: appends from several writers need O_APPEND, which splice(2) refuses.
   */
  sharedLog?: (path: string) => boolean;
  /** Called once, when close() is first called (the port's bookkeeping of shared log files). */
  onClose?: () => void;
}

/** What a channel's rate limit did so far. */
export interface RateLimitCounters {
  /** Times the channel waited for tokens (block mode: the child's pipe was paused). */
  pauses: number;
  /** Bytes discarded over the limit (drop mode only). */
  bytesDropped: number;
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
  /** Rate-limit counters per channel (null without `*_rate_limit`). */
  rateLimits(): { stdout: RateLimitCounters | null; stderr: RateLimitCounters | null };
  /** `tsctl logrotate --now`: rotate the current files at once (regular, non-empty files only). */
  rotateNow(): Promise<void>;
  /** Every file path written per channel (the first is the primary log; extra destinations follow). */
  readonly destinations: { stdout: string[]; stderr: string[] };
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
  /** issue 20: pipes drained by splice pumps for the next spawn's splice channels (null: all take the JS path). */
  directOutput(): DirectOutput | null;
  /** issue 20: which writer each channel uses, and why the JS path (null: no such channel). */
  readonly pumpPaths: { stdout: PumpDecision; stderr: PumpDecision | null };
}

const EVENT_TYPES = {
  stdout: { log: "PROCESS_LOG_STDOUT", communication: "PROCESS_COMMUNICATION_STDOUT" },
  stderr: { log: "PROCESS_LOG_STDERR", communication: "PROCESS_COMMUNICATION_STDERR" },
} as const;

/** One output channel: ANSI stripping, capture splitting, events, file, syslog, debug log. */
class ChannelPipeline {
  readonly logfile: string | null;
  /** The primary log and any extra destinations (`stdout_logfile = a, b`). */
  readonly paths: string[];
  private current: RotatingFile[] | null = null;
  private readonly makeFiles: (() => RotatingFile[]) | null;
  private readonly framer: LineFramer | null;
  private partialTimer: unknown = null;
  /** When the partial line now held began to wait for its newline. */
  private partialSince = 0;
  private readonly clock: Clock;
  /** Files that asked the writer to wait for 'drain' during the current feed. */
  private full: RotatingFile[] = [];
  private readonly capture: { splitter: CaptureSplitter; buffer: BoundedBuffer } | null;
  private readonly emitStep: (step: CaptureStep) => void;
  /** issue 20: splice pump or JS writer for this channel. */
  readonly pumpPath: PumpDecision;

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
    const ext = config.ext;
    this.clock = options.clock ?? systemClock;
    // `*_logfile=NONE` with `*_logfile_also=/dev/stdout`: only the extra destinations (tail has no file).
    this.paths = [...(this.logfile === null ? [] : [this.logfile]), ...(ext?.destinations ?? [])];
    const clock = this.clock;
    const policy =
      ext === undefined
        ? undefined
        : { rotate: ext.rotate, suffix: ext.suffix, compress: ext.compress, maxageMs: ext.maxageMs, clock };
    const paths = this.paths;
    this.makeFiles =
      paths.length === 0
        ? null
        : () =>
            paths.map(
              (path) =>
                new RotatingFile({
                  path,
                  maxbytes: config.maxbytes,
                  backups: config.backups,
                  // LOG-07: AUTO logs are private to the daemon's user; explicit ones follow the umask (LOG-09).
                  mode: logfile.kind === "auto" ? 0o600 : 0o666,
                  ...(options.highWaterMark !== undefined ? { highWaterMark: options.highWaterMark } : {}),
                  onError: (err) => options.onError?.(err, channel),
                  ...(policy !== undefined ? { policy } : {}),
                }),
            );
    this.framer =
      ext === undefined || ext.format === "raw"
        ? null
        : new LineFramer({
            format: ext.format,
            name: options.processName,
            group: options.groupName ?? options.processName,
            stream: channel,
            pid: options.pid ?? (() => 0),
            now: () => clock.now(),
            maxLineBytes: ext.maxLineBytes,
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
    const pump = options.pump ?? { unavailable: "not configured" };
    this.pumpPath = choosePumpPath(config, this.logfile, {
      spliceUnavailable: "unavailable" in pump ? pump.unavailable : null,
      stripAnsi: options.stripAnsi,
      debugLog: options.debugLog !== undefined,
    });
  }

  /** The file a splice pump writes for this channel, `discard` for a pump without one, or null on the JS path. */
  spliceTarget(): PumpTarget {
    const path = this.currentPumpPath().path;
    if (path === "discard") return "discard";
    return path === "splice" ? this.open() : null;
  }

  /** The configured decision, unless the file is (now) shared with another channel. */
  currentPumpPath(): PumpDecision {
    if (this.pumpPath.path === "splice" && this.logfile !== null && this.options.sharedLog?.(this.logfile) === true) {
      return { path: "js", reason: "log file shared with another channel (appends need O_APPEND)" };
    }
    return this.pumpPath;
  }

  /** The primary log file once it exists (null before the first spawn for an explicit file, or with NONE). */
  get file(): RotatingFile | null {
    return this.current?.[0] ?? null;
  }

  /** Every file of the channel (primary first), [] before they exist. */
  get files(): RotatingFile[] {
    return this.current ?? [];
  }

  /** Create the log files if they do not exist yet; returns the primary one (null with NONE). */
  open(): RotatingFile | null {
    if (this.current === null && this.makeFiles !== null) this.current = this.makeFiles();
    return this.file;
  }

  /** Process one chunk; returns the files the caller must wait on ('drain') before the next one. */
  feed(chunk: Buffer): RotatingFile[] {
    this.full = [];
    if (this.capture === null) this.log(chunk, false);
    else this.capture.splitter.feed(chunk, this.emitStep);
    return this.full;
  }

  flushPending(): void {
    this.capture?.splitter.flushHeld(this.emitStep);
    // The output ended: a framed partial line is written now (marked), not lost.
    this.cancelPartialTimer();
    if (this.framer !== null) this.writeOut(this.framer.flushAll());
  }

  /** Stop the partial-line timer (close). */
  stop(): void {
    this.cancelPartialTimer();
  }

  private cancelPartialTimer(): void {
    if (this.partialTimer !== null) this.clock.clearTimeout(this.partialTimer);
    this.partialTimer = null;
  }

  /** Write bytes (framed records or raw) to every destination, noting the ones that are full. */
  private writeOut(bufs: Buffer[]): void {
    if (bufs.length === 0) return;
    this.open();
    for (const file of this.files) {
      let ok = true;
      for (const b of bufs) ok = file.write(b) && ok;
      if (!ok && !this.full.includes(file)) this.full.push(file);
    }
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
      if (this.framer === null) this.writeOut([data]);
      else {
        const waitingBefore = this.framer.pendingBytes;
        const records = this.framer.push(data);
        // Any record written means the held bytes (if any) are a new partial line: its wait starts now.
        if (records.length > 0 || waitingBefore === 0) this.partialSince = this.clock.now();
        this.writeOut(records);
        this.armPartialTimer();
      }
      if (this.config.syslog) this.sendToSyslog(data);
    }
    this.options.debugLog?.(formatOutputForActivityLog(this.options.processName, this.channel, data));
    // PLE-02: chunks inside a capture emit PROCESS_LOG too; PLE-03: with or without a log file.
    if (this.config.eventsEnabled) {
      this.options.onEvent?.({ type: EVENT_TYPES[this.channel].log, channel: this.channel, data });
    }
  }

  /**
   * A partial line waits at most partialFlushMs for its newline: one timer while one is held (no tick). When it
   * fires for a partial that began later than the one it was armed for, it is armed again for the rest.
   */
  private armPartialTimer(): void {
    const framer = this.framer;
    if (framer === null || framer.pendingBytes === 0 || this.partialTimer !== null) return;
    const limit = this.options.partialFlushMs ?? 1000;
    const due = this.partialSince + limit - this.clock.now();
    this.partialTimer = this.clock.setTimeout(() => {
      this.partialTimer = null;
      if (framer.pendingBytes === 0) return;
      if (this.clock.now() - this.partialSince < limit) {
        this.armPartialTimer();
        return;
      }
      this.writeOut(framer.flushPartial());
    }, Math.max(0, due));
  }

  /** LOG-10: one syslog message per line, `<process name> <line>`, the trailing newline removed. */
  private sendToSyslog(data: Buffer): void {
    const sender = this.options.syslog ?? sharedSyslog();
    const text = data.toString("utf8").replace(/\n$/, "");
    for (const line of text.split("\n")) sender.send(`${this.options.processName} ${line}`);
  }
}

/** A rate-limited channel's counters before its writer exists (the same shape as ChannelWriter.limitCounters). */
function noLimitCounters(): RateLimitCounters {
  return { pauses: 0, bytesDropped: 0 };
}

/** The Writable the engine pipes a child pipe into: waits for the file's drain, so the pipe gets paused. */
class ChannelWriter extends Writable {
  readonly limitCounters: RateLimitCounters | null;
  private readonly bucket: TokenBucket | null;
  private dropping = 0;

  constructor(
    private readonly pipeline: ChannelPipeline | null,
    private readonly channel: OutputChannel,
    private readonly limit: RateLimit | null,
    private readonly clock: Clock,
    private readonly onWarn: ((message: string, channel: OutputChannel) => void) | undefined,
  ) {
    super({ highWaterMark: 64 * 1024 });
    // Never crash the daemon (e.g. a write after close() from a late pipe): faults are reported elsewhere.
    this.on("error", () => {});
    this.bucket = limit === null || limit === undefined ? null : new TokenBucket(limit, clock);
    this.limitCounters = this.bucket === null ? null : { pauses: 0, bytesDropped: 0 };
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const pipeline = this.pipeline;
    if (pipeline === null) {
      callback();
      return;
    }
    // Empty writes are flush markers, not output: they never wait for nor spend tokens.
    if (chunk.length > 0 && this.bucket !== null && this.limit !== null && this.limitCounters !== null) {
      const wait = this.bucket.take(chunk.length);
      if (wait > 0 && this.limit.action === "drop") {
        if (this.dropping === 0) this.onWarn?.(`output over ${formatRate(this.limit.bytesPerSecond)}: dropping (rate_limit_action=drop)`, this.channel);
        this.dropping += chunk.length;
        this.limitCounters.bytesDropped += chunk.length;
        callback();
        return;
      }
      if (wait > 0) {
        // Not accepting the chunk yet is the backpressure: the pipe fills and the child blocks in write().
        this.limitCounters.pauses += 1;
        this.clock.setTimeout(() => this._write(chunk, encoding, callback), wait);
        return;
      }
      if (this.dropping > 0) {
        this.onWarn?.(`dropped ${this.dropping} bytes over ${formatRate(this.limit.bytesPerSecond)}`, this.channel);
        this.dropping = 0;
      }
    }
    const full = pipeline.feed(chunk);
    if (full.length === 0) {
      callback();
      return;
    }
    let waiting = full.length;
    for (const file of full) file.once("drain", () => (--waiting === 0 ? callback() : undefined));
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
  // Array literals, not filter(): a filtered array keeps a 17-slot backing store (issue 20, per program).
  const pipelines = stderrPipeline === null ? [stdoutPipeline] : [stdoutPipeline, stderrPipeline];
  const files = (): RotatingFile[] => pipelines.flatMap((p) => p.files);
  const clock = options.clock ?? systemClock;
  // issue 20: the writers (each a Writable with its state, listeners and closures) are made on first use: a
  // program that never ran, or whose channels all go through splice pumps, never pipes into them.
  const stdoutLimit = options.stdout.ext?.rateLimit ?? null;
  const stderrLimit = stderrPipeline === null ? null : (options.stderr.ext?.rateLimit ?? null);
  let stdoutWriter: ChannelWriter | null = null;
  let stderrWriter: ChannelWriter | null = null;
  let closed = false;
  let closing = false;
  // One made after close() is ended at once, as the eager writers were by close().
  const made = (w: ChannelWriter): ChannelWriter => {
    if (closed) w.end();
    return w;
  };
  const stdoutOf = (): ChannelWriter =>
    (stdoutWriter ??= made(new ChannelWriter(stdoutPipeline, "stdout", stdoutLimit, clock, options.onWarn)));
  const stderrOf = (): ChannelWriter =>
    (stderrWriter ??= made(new ChannelWriter(stderrPipeline, "stderr", stderrLimit, clock, options.onWarn)));
  const writers = (): ChannelWriter[] => [stdoutWriter, stderrWriter].filter((w): w is ChannelWriter => w !== null);

  const flushWriter = (w: Writable) =>
    new Promise<void>((resolve) => {
      if (w.writableEnded || w.destroyed) resolve();
      else w.write(Buffer.alloc(0), () => resolve());
    });
  const flush = async () => {
    await Promise.all(writers().map(flushWriter));
    await Promise.all(files().map((f) => f.flush()));
  };

  // issue 20: splice channels of running children; close() stops and awaits them before closing the files.
  const spliced = new Set<SpliceChannel>();
  const pumpApi = options.pump !== undefined && "api" in options.pump ? options.pump.api : null;
  const stopPumps = async (): Promise<void> => {
    const running = [...spliced];
    for (const c of running) c.stop();
    await Promise.all(running.map((c) => c.done));
  };

  return {
    get stdout() {
      return stdoutOf();
    },
    get stderr() {
      return stderrOf();
    },
    get pumpPaths() {
      return { stdout: stdoutPipeline.currentPumpPath(), stderr: stderrPipeline?.currentPumpPath() ?? null };
    },
    directOutput: () => {
      if (pumpApi === null) return null;
      return createDirectOutput(
        pumpApi,
        { stdout: stdoutPipeline.spliceTarget(), stderr: stderrPipeline?.spliceTarget() ?? null },
        spliced,
      );
    },
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
    // Read, never made: a writer that does not exist yet has paused and dropped nothing (a stats poll of a
    // program that never ran, or whose channels splice, must not allocate writers: issue 20).
    rateLimits: () => ({
      stdout: stdoutLimit === null ? null : (stdoutWriter?.limitCounters ?? noLimitCounters()),
      stderr: stderrLimit === null ? null : (stderrWriter?.limitCounters ?? noLimitCounters()),
    }),
    destinations: { stdout: stdoutPipeline.paths, stderr: stderrPipeline?.paths ?? [] },
    async rotateNow() {
      await Promise.all(files().map((f) => f.rotateNow()));
    },
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
      if (!closing) {
        closing = true;
        options.onClose?.();
      }
      for (const p of pipelines) p.stop();
      await stopPumps();
      await flush();
      closed = true;
      for (const w of writers()) w.end();
      await Promise.all(files().map((f) => f.close()));
    },
  };
}
