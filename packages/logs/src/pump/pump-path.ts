import type { LogChannelConfig } from "../types.js";

/**
 * issue 20: which writer moves a channel's bytes. `splice`: a native pump moves them pipe -> file in the kernel
 * (they never reach JavaScript); `discard`: a channel without a log file (NONE) whose bytes nothing reads gets
 * a native pump too, with no file: it splices them to /dev/null in the kernel (the child still writes into a
 * pipe, as supervisord's, which reads and drops them); `js`: the channel's pipe is read in JS and written by
 * RotatingFile (or dropped there). The native paths are only for a channel whose bytes nothing in the daemon
 * needs to see. Both native paths let the engine spawn the child with posix_spawn instead of forking the daemon.
 */
export type PumpPath = "splice" | "discard" | "js";

export interface PumpDecision {
  path: PumpPath;
  /** Why the JS path (empty for splice): shown in the daemon's debug log and `tsupervisord --version --verbose`. */
  reason: string;
}

export interface PumpContext {
  /** The native pump loaded (null) or why not. */
  spliceUnavailable: string | null;
  /** `[supervisord] strip_ansi` (ANS-01). */
  stripAnsi: boolean;
  /** LOG-02: the daemon's loglevel is debug or lower, so every chunk is copied to the activity log. */
  debugLog: boolean;
}

/** The daemon's own stdout/stderr (`/dev/stdout`, `/dev/fd/1`, ...): written through its stream (ROT-05). */
const DAEMON_STREAM = /^\/(dev\/(stdout|stderr|fd\/\d+)|proc\/self\/fd\/\d+)$/;

/**
 * The one place that decides, per channel (pure). `path`: the channel's log file, null with NONE (its
 * `logfile_also` destinations, if any, are in `channel.ext`).
 */
export function choosePumpPath(channel: LogChannelConfig, path: string | null, ctx: PumpContext): PumpDecision {
  const js = (reason: string): PumpDecision => ({ path: "js", reason });
  if (ctx.spliceUnavailable !== null) return js(`splice pump unavailable: ${ctx.spliceUnavailable}`);
  if (path !== null && DAEMON_STREAM.test(path)) return js("the daemon's own stream");
  if (channel.captureMaxbytes > 0) return js("capture mode (capture_maxbytes)");
  if (channel.eventsEnabled) return js("PROCESS_LOG events (events_enabled)");
  if (channel.syslog) return js("syslog");
  if (ctx.debugLog) return js("loglevel debug copies output to the activity log");
  const ext = channel.ext;
  if (ext !== undefined) {
    if (ext.destinations.length > 0) return js(path === null ? "logfile_also destinations" : "several destinations (logfile_also)");
    // On a NONE channel too: a rate limit in block mode paces the child, in drop mode it warns.
    if (ext.rateLimit !== null) return js("rate_limit");
  }
  // NONE and nothing above reads the bytes: what is left (ANSI stripping, framing) only shapes what is written,
  // and nothing is.
  if (path === null) return { path: "discard", reason: "" };
  if (ctx.stripAnsi) return js("strip_ansi");
  if (ext !== undefined && ext.format !== "raw") return js(`log_format=${ext.format}`);
  return { path: "splice", reason: "" };
}
