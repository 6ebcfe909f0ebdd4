import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { autoLogPattern, cleanupAutoLogs, createProcessLogs } from "../src/index.js";
import type { Clock, LogChannelConfig, LogChannelExtensions, ProcessLogEvent, ProcessLogsOptions } from "../src/index.js";
import { read, tempDir, writeEach } from "./helpers.js";

function channel(overrides: Partial<LogChannelConfig> = {}): LogChannelConfig {
  return {
    logfile: { kind: "auto" },
    maxbytes: 50 * 1024 * 1024,
    backups: 10,
    captureMaxbytes: 0,
    eventsEnabled: false,
    syslog: false,
    ...overrides,
  };
}

function options(dir: string, overrides: Partial<ProcessLogsOptions> = {}): ProcessLogsOptions {
  return {
    processName: "web",
    stdout: channel(),
    stderr: channel(),
    redirectStderr: false,
    childlogdir: dir,
    identifier: "supervisor",
    stripAnsi: false,
    ...overrides,
  };
}

/** The extension keys at their defaults (supervisord's behaviour). */
function noExt(): LogChannelExtensions {
  return { destinations: [], rotate: { size: true, time: null }, suffix: "number", compress: "none", maxageMs: 0, format: "raw", maxLineBytes: 16 * 1024, rateLimit: null };
}

const BEGIN = "<!--XSUPERVISOR:BEGIN-->";
const END = "<!--XSUPERVISOR:END-->";

function eventsAsText(events: ProcessLogEvent[]): Array<[string, string]> {
  return events.map((e) => [e.type, e.data.toString()]);
}

/** Run a shell command as a child whose stdout/stderr are piped into the sink as the engine does. */
async function runChild(logs: ReturnType<typeof createProcessLogs>, script: string): Promise<void> {
  const child = spawn("sh", ["-c", script], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.pipe(logs.stdout, { end: false });
  child.stderr.pipe(logs.stderr, { end: false });
  await new Promise((resolve) => child.on("close", resolve));
  await logs.flush();
}

describe("createProcessLogs: files", () => {
  it("LOG-07: AUTO logs are named <name>-<channel>---<identifier>-<8 random>.log, created empty with mode 0600", async () => {
    const dir = tempDir();
    const logs = createProcessLogs(options(dir));
    await logs.ready;
    expect(path.basename(logs.stdoutLogfile!)).toMatch(/^web-stdout---supervisor-[a-z0-9_]{8}\.log$/);
    expect(path.basename(logs.stderrLogfile!)).toMatch(/^web-stderr---supervisor-[a-z0-9_]{8}\.log$/);
    for (const f of [logs.stdoutLogfile!, logs.stderrLogfile!]) {
      const st = fs.statSync(f);
      expect(st.size).toBe(0);
      expect(st.mode & 0o777).toBe(0o600);
    }
    const again = createProcessLogs(options(dir));
    expect(again.stdoutLogfile).not.toBe(logs.stdoutLogfile); // a new name at each activation
    await Promise.all([logs.close(), again.close()]);
  });

  it("LOG-01: a real child's bytes reach the files unmodified (invalid UTF-8 included), stdout and stderr apart", async () => {
    const dir = tempDir();
    const logs = createProcessLogs(options(dir));
    await runChild(logs, "printf 'out\\210\\n'; printf 'err line\\n' >&2; printf 'more out\\n'");
    expect(fs.readFileSync(logs.stdoutLogfile!)).toEqual(Buffer.from("out\x88\nmore out\n", "latin1"));
    expect(read(logs.stderrLogfile!)).toBe("err line\n");
    await logs.close();
  });

  it("LOG-04: redirect_stderr has no stderr log; LOG-06 NONE has no file", async () => {
    const dir = tempDir();
    const logs = createProcessLogs(options(dir, { redirectStderr: true, stdout: channel({ logfile: { kind: "none" } }) }));
    expect(logs.stdoutLogfile).toBeNull();
    expect(logs.stderrLogfile).toBeNull();
    await runChild(logs, "echo hi; echo there >&2");
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(logs.counters()).toEqual({ stdout: null, stderr: null });
    await logs.close();
  });

  it("LOG-09: explicit files are appended to, not truncated, and rotate per ROT-01", async () => {
    const dir = tempDir();
    const file = path.join(dir, "app.log");
    fs.writeFileSync(file, "previous run\n");
    const logs = createProcessLogs(
      options(dir, { stdout: channel({ logfile: { kind: "file", path: file }, maxbytes: 1024, backups: 2 }) }),
    );
    expect(logs.stdoutLogfile).toBe(file);
    await writeEach(logs.stdout, ["new run\n"]);
    await logs.flush();
    expect(read(file)).toBe("previous run\nnew run\n");
    await writeEach(logs.stdout, ["x".repeat(2000)]);
    await logs.close();
    expect(fs.statSync(`${file}.1`).size).toBe(13 + 8 + 2000);
    expect(fs.statSync(file).size).toBe(0);
  });

  it("CLR-02: clear() empties the current logs, keeps backups; CLR-01: reopen() follows a renamed file", async () => {
    const dir = tempDir();
    const logs = createProcessLogs(options(dir, { stdout: channel({ maxbytes: 10, backups: 1 }) }));
    await writeEach(logs.stdout, ["0123456789", "abc"]);
    await writeEach(logs.stderr, ["err"]);
    await logs.flush();
    await logs.clear();
    expect(read(logs.stdoutLogfile!)).toBe("");
    expect(read(logs.stderrLogfile!)).toBe("");
    expect(read(`${logs.stdoutLogfile!}.1`)).toBe("0123456789");
    fs.renameSync(logs.stderrLogfile!, `${logs.stderrLogfile!}.old`);
    await logs.reopen();
    await writeEach(logs.stderr, ["fresh"]);
    await logs.close();
    expect(read(logs.stderrLogfile!)).toBe("fresh");
  });

  it("LOG-08: cleanupAutoLogs removes AUTO logs and backups of this identifier only", async () => {
    const dir = tempDir();
    const names = [
      "a-stdout---supervisor-abcdefgh.log",
      "a-stdout---supervisor-abcdefgh.log.1",
      "a-stderr---supervisor-zz_12345.log.10",
      "b-stdout---other-abcdefgh.log",
      "unrelated.log",
    ];
    for (const n of names) fs.writeFileSync(path.join(dir, n), "x");
    const result = await cleanupAutoLogs(dir, "supervisor");
    expect(result.warnings).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual(["b-stdout---other-abcdefgh.log", "unrelated.log"]);
    expect(autoLogPattern("a.b").test("x---aXb-12345678.log")).toBe(false);
    const missing = await cleanupAutoLogs(path.join(dir, "nope"), "supervisor");
    expect(missing.warnings).toEqual(["Could not clear childlog dir"]);
  });

  it("file faults never take the sink down: /dev/full counts dropped bytes and reports the error", async () => {
    const dir = tempDir();
    const errors: Array<[string, string | undefined]> = [];
    const logs = createProcessLogs(
      options(dir, {
        stdout: channel({ logfile: { kind: "file", path: "/dev/full" }, maxbytes: 0 }),
        onError: (err, ch) => errors.push([ch, (err as NodeJS.ErrnoException).code]),
      }),
    );
    await runChild(logs, "head -c 300000 /dev/zero");
    expect(logs.counters().stdout).toMatchObject({ bytesWritten: 0, bytesDropped: 300000 });
    expect(errors).toEqual([["stdout", "ENOSPC"]]);
    await logs.close();
  });
});

describe("createProcessLogs: capture mode, events, ANSI", () => {
  it("CAP-02: bytes between tokens become one PROCESS_COMMUNICATION event and never reach the log", async () => {
    const dir = tempDir();
    const events: ProcessLogEvent[] = [];
    const logs = createProcessLogs(
      options(dir, { stdout: channel({ captureMaxbytes: 1024 }), onEvent: (e) => events.push(e) }),
    );
    await writeEach(logs.stdout, [`before ${BEGIN}one${END} mid ${BEGIN}two${END} after\n`]);
    await logs.flush();
    expect(read(logs.stdoutLogfile!)).toBe("before  mid  after\n");
    expect(eventsAsText(events)).toEqual([
      ["PROCESS_COMMUNICATION_STDOUT", "one"],
      ["PROCESS_COMMUNICATION_STDOUT", "two"],
    ]);
    await logs.close();
  });

  it("CAP-03: tokens split across chunks (one byte per chunk) are recognised", async () => {
    const dir = tempDir();
    const events: ProcessLogEvent[] = [];
    const logs = createProcessLogs(
      options(dir, { stderr: channel({ captureMaxbytes: 1024 }), onEvent: (e) => events.push(e) }),
    );
    const text = `log A ${BEGIN}captured data${END}log B\n<!--XSUPER not a token\n`;
    await writeEach(logs.stderr, Array.from(text));
    await logs.flush();
    expect(read(logs.stderrLogfile!)).toBe("log A log B\n<!--XSUPER not a token\n");
    expect(eventsAsText(events)).toEqual([["PROCESS_COMMUNICATION_STDERR", "captured data"]]);
    await logs.close();
  });

  it("CAP-03: a split token from a real child reading in several writes", async () => {
    const dir = tempDir();
    const events: ProcessLogEvent[] = [];
    const logs = createProcessLogs(
      options(dir, { stdout: channel({ captureMaxbytes: 100 }), onEvent: (e) => events.push(e) }),
    );
    await runChild(
      logs,
      "printf 'x<!--XSUPERVISOR:BE'; sleep 0.05; printf 'GIN-->pay'; sleep 0.05; printf 'load<!--XSUPERVISOR:'; sleep 0.05; printf 'END-->y\\n'",
    );
    expect(read(logs.stdoutLogfile!)).toBe("xy\n");
    expect(eventsAsText(events)).toEqual([["PROCESS_COMMUNICATION_STDOUT", "payload"]]);
    await logs.close();
  });

  it("CAP-04 (fixed): flushPending() releases a held partial token instead of losing it", async () => {
    const dir = tempDir();
    const logs = createProcessLogs(options(dir, { stdout: channel({ captureMaxbytes: 100 }) }));
    await writeEach(logs.stdout, ["tail <!--XSUP"]);
    await logs.flush();
    expect(read(logs.stdoutLogfile!)).toBe("tail ");
    logs.flushPending();
    await logs.flush();
    expect(read(logs.stdoutLogfile!)).toBe("tail <!--XSUP");
    await logs.close();
  });

  it("CAP-01: without capture_maxbytes the tokens are ordinary output", async () => {
    const dir = tempDir();
    const logs = createProcessLogs(options(dir));
    await writeEach(logs.stdout, [`${BEGIN}x${END}`]);
    await logs.flush();
    expect(read(logs.stdoutLogfile!)).toBe(`${BEGIN}x${END}`);
    await logs.close();
  });

  it("CAP-05: the capture buffer keeps at most capture_maxbytes, dropping from the front", async () => {
    const dir = tempDir();
    const events: ProcessLogEvent[] = [];
    const logs = createProcessLogs(
      options(dir, { stdout: channel({ captureMaxbytes: 10 }), onEvent: (e) => events.push(e) }),
    );
    await writeEach(logs.stdout, [BEGIN, "abcdef", "ghij", "kl", END]);
    await writeEach(logs.stdout, [BEGIN, "x".repeat(1_000_000), "0123456789AB", END]);
    await logs.flush();
    // BoundIO: "kl" would exceed 10, so 2 bytes are dropped first. A write at least as long as the limit keeps
    // only its last 10 bytes (the buffer never grows past capture_maxbytes).
    expect(eventsAsText(events)).toEqual([
      ["PROCESS_COMMUNICATION_STDOUT", "cdefghijkl"],
      ["PROCESS_COMMUNICATION_STDOUT", "23456789AB"],
    ]);
    await logs.close();
  });

  it("PLE-01/02/03: PROCESS_LOG events per chunk, inside captures too, without a log file", async () => {
    const dir = tempDir();
    const events: ProcessLogEvent[] = [];
    const logs = createProcessLogs(
      options(dir, {
        stdout: channel({ logfile: { kind: "none" }, eventsEnabled: true, captureMaxbytes: 100 }),
        stderr: channel({ eventsEnabled: false }),
        onEvent: (e) => events.push(e),
      }),
    );
    await writeEach(logs.stdout, ["out\n", `${BEGIN}captured data${END}`]);
    await writeEach(logs.stderr, ["no events here\n"]);
    await logs.flush();
    expect(eventsAsText(events)).toEqual([
      ["PROCESS_LOG_STDOUT", "out\n"],
      ["PROCESS_LOG_STDOUT", "captured data"],
      ["PROCESS_COMMUNICATION_STDOUT", "captured data"],
    ]);
    await logs.close();
  });

  it("ANS-01: strip_ansi removes CSI sequences before the log and the events", async () => {
    const dir = tempDir();
    const events: ProcessLogEvent[] = [];
    const logs = createProcessLogs(
      options(dir, { stripAnsi: true, stdout: channel({ eventsEnabled: true }), onEvent: (e) => events.push(e) }),
    );
    await writeEach(logs.stdout, ["\x1b[1;31mred\x1b[0m \x1b[2Jclear \x1b]0;title\x07 keep\n"]);
    await logs.flush();
    expect(read(logs.stdoutLogfile!)).toBe("red clear \x1b]0;title\x07 keep\n");
    expect(events[0]!.data.toString()).toBe("red clear \x1b]0;title\x07 keep\n");
    await logs.close();
  });

  it("LOG-02: debugLog gets `'<name>' <channel> output:` lines, Undecodable for invalid UTF-8", async () => {
    const dir = tempDir();
    const lines: string[] = [];
    const logs = createProcessLogs(options(dir, { debugLog: (m) => lines.push(m) }));
    await writeEach(logs.stdout, ["hello\n", Buffer.from([0x88, 0x0a])]);
    await logs.flush();
    expect(lines).toEqual(["'web' stdout output:\nhello\n", "'web' stdout output:\nUndecodable: b'\\x88\\n'"]);
    await logs.close();
  });
});

describe("createProcessLogs: backpressure", () => {
  it("a slow disk pauses the child's pipe (the source gets paused) and no byte is lost", async () => {
    const dir = tempDir();
    const logs = createProcessLogs(options(dir, { stderr: channel({ logfile: { kind: "none" } }), highWaterMark: 16 * 1024 }));
    const child = spawn("head", ["-c", String(32 * 1024 * 1024), "/dev/zero"], { stdio: ["ignore", "pipe", "ignore"] });
    let pauses = 0;
    child.stdout.on("pause", () => (pauses += 1));
    child.stdout.pipe(logs.stdout, { end: false });
    await new Promise((resolve) => child.on("close", resolve));
    await logs.flush();
    expect(pauses).toBeGreaterThan(0);
    expect(fs.statSync(logs.stdoutLogfile!).size).toBe(32 * 1024 * 1024);
    await logs.close();
  });

  it("close() while a child is still writing: no crash, the late writes are discarded", async () => {
    const dir = tempDir();
    const logs = createProcessLogs(options(dir));
    const child = spawn("yes", ["line"], { stdio: ["ignore", "pipe", "ignore"] });
    child.stdout.pipe(logs.stdout, { end: false });
    await new Promise((resolve) => child.stdout.once("data", resolve));
    await logs.close();
    const closed = new Promise((resolve) => child.on("close", resolve));
    // A write after the close makes the pipe unpipe and leave the child's stdout paused: its EOF would then
    // never be read and 'close' never come (the test hung about one run in six). Keep it flowing.
    child.stdout.resume();
    child.kill();
    await closed;
    expect(fs.statSync(logs.stdoutLogfile!).size).toBeGreaterThan(0);
  });
});

describe("a sink whose program never ran (issue 20: writers made on first use)", () => {
  it("counters, rate-limit counters, clear, reopen and close work without any output; AUTO files stay", async () => {
    const dir = tempDir();
    const limit = { bytesPerSecond: 1024, burstBytes: 1024, action: "drop" as const };
    const logs = createProcessLogs(options(dir, { stderr: channel({ ext: { ...noExt(), rateLimit: limit } }) }));
    await logs.ready;
    expect(logs.counters().stdout).toEqual({ bytesWritten: 0, bytesDropped: 0, bytesRotatedAway: 0, rotations: 0 });
    expect(logs.rateLimits()).toEqual({ stdout: null, stderr: { pauses: 0, bytesDropped: 0 } });
    await logs.clear();
    await logs.reopen();
    await logs.flush();
    await logs.close();
    expect(fs.existsSync(logs.stdoutLogfile!)).toBe(true);
    expect(fs.existsSync(logs.stderrLogfile!)).toBe(true);
  });

  it("rateLimits() reads the counters without making the writers: zero until a writer exists", async () => {
    const dir = tempDir();
    const limit = { bytesPerSecond: 1024, burstBytes: 1024, action: "block" as const };
    // The observable: a writer's token bucket reads the clock once, when the writer is made.
    let reads = 0;
    const clock: Clock = {
      now: () => {
        reads += 1;
        return 1_000_000;
      },
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    };
    const limited = channel({ ext: { ...noExt(), rateLimit: limit } });
    const logs = createProcessLogs(options(dir, { clock, stdout: limited, stderr: limited }));
    await logs.ready;
    const before = reads;
    expect(logs.rateLimits()).toEqual({ stdout: { pauses: 0, bytesDropped: 0 }, stderr: { pauses: 0, bytesDropped: 0 } });
    expect(reads).toBe(before);
    // Once the writer exists (first spawn), its own counters are read, and it was made exactly then.
    const writer = logs.stdout;
    expect(reads).toBe(before + 1);
    expect(logs.rateLimits().stdout).toEqual({ pauses: 0, bytesDropped: 0 });
    expect(logs.stdout).toBe(writer);
    expect(reads).toBe(before + 1);
    await logs.close();
  });

  it("a writer first asked for after close() is already ended: a late write is discarded, not written", async () => {
    const dir = tempDir();
    const logs = createProcessLogs(options(dir));
    await logs.close();
    expect(logs.stdout.writableEnded).toBe(true);
    const failed = await new Promise<boolean>((resolve) => logs.stdout.write("late\n", (err) => resolve(err != null)));
    expect(failed).toBe(true);
    expect(read(logs.stdoutLogfile!)).toBe("");
  });

  it("the same writer serves every spawn (one per channel, made once)", async () => {
    const dir = tempDir();
    const logs = createProcessLogs(options(dir));
    const first = logs.stdout;
    await runChild(logs, "echo one; echo err >&2");
    await runChild(logs, "echo two");
    expect(logs.stdout).toBe(first);
    await logs.close();
    expect(read(logs.stdoutLogfile!)).toBe("one\ntwo\n");
    expect(read(logs.stderrLogfile!)).toBe("err\n");
  });
});

describe("when log files are created", () => {
  it("LOG-07/LOG-09: AUTO files exist with the group; explicit ones only from the first spawn (prepare)", async () => {
    const dir = tempDir();
    const explicit = path.join(dir, "web.log");
    const logs = createProcessLogs(
      options(dir, { stdout: channel({ logfile: { kind: "file", path: explicit } }), stderr: channel() }),
    );
    await logs.ready;
    expect(fs.existsSync(logs.stderrLogfile as string)).toBe(true);
    expect(fs.existsSync(explicit)).toBe(false);
    // Clearing a process that never ran touches nothing (supervisord has no dispatchers for it).
    await logs.clear();
    expect(fs.existsSync(explicit)).toBe(false);
    logs.prepare();
    await logs.flush();
    expect(fs.statSync(explicit).size).toBe(0);
    await logs.close();
  });
});
