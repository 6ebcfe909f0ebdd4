import { describe, expect, it } from "vitest";
import { choosePumpPath, createProcessLogs } from "../src/index.js";
import { tempDir } from "./helpers.js";
import type { LogChannelConfig, LogChannelExtensions, PumpContext } from "../src/index.js";

function channel(overrides: Partial<LogChannelConfig> = {}): LogChannelConfig {
  return {
    logfile: { kind: "file", path: "/var/log/app.log" },
    maxbytes: 50 * 1024 * 1024,
    backups: 10,
    captureMaxbytes: 0,
    eventsEnabled: false,
    syslog: false,
    ...overrides,
  };
}

function ext(overrides: Partial<LogChannelExtensions> = {}): LogChannelExtensions {
  return {
    destinations: [],
    rotate: { size: true, time: null },
    suffix: "number",
    compress: "none",
    maxageMs: 0,
    format: "raw",
    maxLineBytes: 16384,
    rateLimit: null,
    ...overrides,
  };
}

const ready: PumpContext = { spliceUnavailable: null, stripAnsi: false, debugLog: false };
const FILE = "/var/log/app.log";

describe("choosePumpPath (issue 20): splice only where nothing in the daemon needs the bytes", () => {
  it("a plain file channel (supervisord's defaults) takes the splice pump", () => {
    expect(choosePumpPath(channel(), FILE, ready)).toEqual({ path: "splice", reason: "" });
  });

  it("rotation extensions that act on whole files keep the splice path (time rotation, dates, gzip, maxage)", () => {
    const rotated = ext({ rotate: { size: true, time: { kind: "daily" } }, suffix: "date", compress: "gzip", maxageMs: 86_400_000 });
    expect(choosePumpPath(channel({ ext: rotated }), FILE, ready).path).toBe("splice");
  });

  it("devices that are not the daemon's own streams keep the splice path (/dev/null, /dev/full)", () => {
    expect(choosePumpPath(channel(), "/dev/null", ready).path).toBe("splice");
    expect(choosePumpPath(channel(), "/dev/full", ready).path).toBe("splice");
  });

  it.each([
    ["the addon is missing", channel(), FILE, { ...ready, spliceUnavailable: "native addon was not built" }, "splice pump unavailable: native addon was not built"],
    ["/dev/stdout", channel(), "/dev/stdout", ready, "the daemon's own stream"],
    ["/dev/stderr", channel(), "/dev/stderr", ready, "the daemon's own stream"],
    ["/dev/fd/1", channel(), "/dev/fd/1", ready, "the daemon's own stream"],
    ["/proc/self/fd/2", channel(), "/proc/self/fd/2", ready, "the daemon's own stream"],
    ["capture mode", channel({ captureMaxbytes: 1024 }), FILE, ready, "capture mode (capture_maxbytes)"],
    ["PROCESS_LOG events", channel({ eventsEnabled: true }), FILE, ready, "PROCESS_LOG events (events_enabled)"],
    ["syslog", channel({ syslog: true }), FILE, ready, "syslog"],
    ["strip_ansi", channel(), FILE, { ...ready, stripAnsi: true }, "strip_ansi"],
    ["loglevel debug", channel(), FILE, { ...ready, debugLog: true }, "loglevel debug copies output to the activity log"],
    ["several destinations", channel({ ext: ext({ destinations: ["/dev/stdout"] }) }), FILE, ready, "several destinations (logfile_also)"],
    ["a framed format", channel({ ext: ext({ format: "json" }) }), FILE, ready, "log_format=json"],
    ["a rate limit", channel({ ext: ext({ rateLimit: { bytesPerSecond: 1000, burstBytes: 1000, action: "block" } }) }), FILE, ready, "rate_limit"],
  ] as const)("%s: the JS writer, and why", (_what, config, path, ctx, reason) => {
    expect(choosePumpPath(config, path, ctx)).toEqual({ path: "js", reason });
  });

  const NONE = { logfile: { kind: "none" } } as const;
  it("NONE that nothing reads: a pump without a file discards the bytes (strip_ansi and framing shape only what is written)", () => {
    expect(choosePumpPath(channel(NONE), null, ready)).toEqual({ path: "discard", reason: "" });
    expect(choosePumpPath(channel(NONE), null, { ...ready, stripAnsi: true }).path).toBe("discard");
    expect(choosePumpPath(channel({ ...NONE, ext: ext({ format: "json" }) }), null, ready).path).toBe("discard");
  });

  it.each([
    ["the addon is missing", channel(NONE), { ...ready, spliceUnavailable: "TSUPERVISORD_NO_SPLICE=1" }, "splice pump unavailable: TSUPERVISORD_NO_SPLICE=1"],
    ["capture mode", channel({ ...NONE, captureMaxbytes: 1024 }), ready, "capture mode (capture_maxbytes)"],
    ["PROCESS_LOG events", channel({ ...NONE, eventsEnabled: true }), ready, "PROCESS_LOG events (events_enabled)"],
    ["syslog", channel({ ...NONE, syslog: true }), ready, "syslog"],
    ["loglevel debug", channel(NONE), { ...ready, debugLog: true }, "loglevel debug copies output to the activity log"],
    ["logfile_also", channel({ ...NONE, ext: ext({ destinations: ["/tmp/also.log"] }) }), ready, "logfile_also destinations"],
    ["a rate limit (block paces the child, drop warns)", channel({ ...NONE, ext: ext({ rateLimit: { bytesPerSecond: 1000, burstBytes: 1000, action: "drop" } }) }), ready, "rate_limit"],
  ] as const)("NONE with %s: the JS writer, and why", (_what, config, ctx, reason) => {
    expect(choosePumpPath(config, null, ctx)).toEqual({ path: "js", reason });
  });
});

describe("ProcessLogs.pumpPaths / directOutput (issue 20)", () => {
  it("without a pump every channel takes the JS writer and a spawn gets pipes (directOutput() is null)", async () => {
    const dir = tempDir();
    const logs = createProcessLogs({
      processName: "web",
      stdout: channel({ logfile: { kind: "auto" } }),
      stderr: channel({ logfile: { kind: "auto" }, eventsEnabled: true }),
      redirectStderr: false,
      childlogdir: dir,
      identifier: "supervisor",
      stripAnsi: false,
    });
    expect(logs.pumpPaths).toEqual({
      stdout: { path: "js", reason: "splice pump unavailable: not configured" },
      stderr: { path: "js", reason: "splice pump unavailable: not configured" },
    });
    expect(logs.directOutput()).toBeNull();
    await logs.close();
  });

  it("redirect_stderr: only the stdout channel has a path", async () => {
    const dir = tempDir();
    const logs = createProcessLogs({
      processName: "web",
      stdout: channel({ logfile: { kind: "auto" } }),
      stderr: channel(),
      redirectStderr: true,
      childlogdir: dir,
      identifier: "supervisor",
      stripAnsi: false,
      pump: { unavailable: "TSUPERVISORD_NO_SPLICE=1" },
    });
    expect(logs.pumpPaths.stderr).toBeNull();
    expect(logs.pumpPaths.stdout.reason).toBe("splice pump unavailable: TSUPERVISORD_NO_SPLICE=1");
    await logs.close();
  });
});
