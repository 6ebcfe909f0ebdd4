/**
 * issue 15: the parts of the log pipeline around the matrix: compression failures, retention, several
 * destinations (pipes, devices), rate limits, partial lines, on-demand rotation, reading across rotated files.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { createProcessLogs, readLogSince, RotatingFile, nextBoundary, periodLabel, TimeTrigger } from "../src/index.js";
import type { LogChannelConfig, LogChannelExtensions, ProcessLogsOptions } from "../src/index.js";
import { FakeClock } from "./fake-clock.js";
import { canMountTmpfs, read, tempDir, waitFor, writeEach } from "./helpers.js";

beforeAll(() => {
  process.env.TZ = "UTC";
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 11, 4, 15, 0, 0, 0);

function ext(over: Partial<LogChannelExtensions>): LogChannelExtensions {
  return {
    destinations: [],
    rotate: { size: true, time: null },
    suffix: "number",
    compress: "none",
    maxageMs: 0,
    format: "raw",
    maxLineBytes: 16 * 1024,
    rateLimit: null,
    ...over,
  };
}

function channel(file: string, e: LogChannelExtensions, maxbytes = 1000, backups = 10): LogChannelConfig {
  return { logfile: { kind: "file", path: file }, maxbytes, backups, captureMaxbytes: 0, eventsEnabled: false, syslog: false, ext: e };
}

function logsFor(stdout: LogChannelConfig, over: Partial<ProcessLogsOptions> = {}) {
  const dir = path.dirname(stdout.logfile.kind === "file" ? stdout.logfile.path : "/tmp/x");
  const logs = createProcessLogs({
    processName: "app",
    stdout,
    stderr: { ...stdout, logfile: { kind: "none" } },
    redirectStderr: true,
    childlogdir: dir,
    identifier: "t",
    stripAnsi: false,
    ...over,
  });
  logs.prepare();
  return logs;
}

describe("time triggers", () => {
  it("next boundary: midnight, the next hour, the next HH:MM (today or tomorrow)", () => {
    const at = Date.UTC(2026, 11, 4, 15, 20, 0, 0);
    expect(new Date(nextBoundary({ kind: "daily" }, at)).toISOString()).toBe("2026-12-05T00:00:00.000Z");
    expect(new Date(nextBoundary({ kind: "hourly" }, at)).toISOString()).toBe("2026-12-04T16:00:00.000Z");
    expect(new Date(nextBoundary({ kind: "at", hour: 2, minute: 30 }, at)).toISOString()).toBe("2026-12-05T02:30:00.000Z");
    expect(new Date(nextBoundary({ kind: "at", hour: 18, minute: 0 }, at)).toISOString()).toBe("2026-12-04T18:00:00.000Z");
    // Exactly on a boundary: the next one.
    expect(nextBoundary({ kind: "daily" }, Date.UTC(2026, 11, 5))).toBe(Date.UTC(2026, 11, 6));
  });

  it("period labels: the day (or hour) the period started", () => {
    expect(periodLabel({ kind: "daily" }, Date.UTC(2026, 11, 4, 23, 59))).toBe("2026-12-04");
    expect(periodLabel({ kind: "hourly" }, Date.UTC(2026, 11, 4, 7, 59))).toBe("2026-12-04-07");
    expect(periodLabel({ kind: "at", hour: 2, minute: 0 }, Date.UTC(2026, 11, 5, 1, 59))).toBe("2026-12-04");
    expect(periodLabel({ kind: "at", hour: 2, minute: 0 }, Date.UTC(2026, 11, 5, 2, 0))).toBe("2026-12-05");
  });

  it("one timer at a time, re-armed for the next boundary; stop() clears it", () => {
    const clock = new FakeClock(START);
    const ended: string[] = [];
    const t = new TimeTrigger({ kind: "daily" }, clock, (label) => ended.push(label));
    t.start();
    expect(clock.pending).toBe(1);
    expect(t.nextAt).toBe(Date.UTC(2026, 11, 5));
    clock.advance(3 * DAY);
    expect(ended).toEqual(["2026-12-04", "2026-12-05", "2026-12-06"]);
    expect(clock.pending).toBe(1);
    t.stop();
    expect(clock.pending).toBe(0);
  });
});

describe("compression", () => {
  it.skipIf(!canMountTmpfs())(
    "a full disk during compression keeps the uncompressed file, reports the error, and logging goes on",
    async () => {
      const dir = tempDir();
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir]);
      try {
        const file = path.join(dir, "app.log");
        const errors: Error[] = [];
        const w = new RotatingFile({
          path: file,
          maxbytes: 150 * 1024,
          backups: 3,
          onError: (e) => errors.push(e),
          policy: { rotate: { size: true, time: null }, suffix: "number", compress: "gzip", maxageMs: 0 },
        });
        // Incompressible data: its gzip is as big as itself and cannot fit next to it.
        const data = execFileSync("head", ["-c", String(150 * 1024), "/dev/urandom"]);
        await writeEach(w, [data]);
        await w.archived();
        await writeEach(w, ["after\n"]);
        await w.close();
        expect(errors.some((e) => /cannot compress .* \(kept uncompressed\): .*ENOSPC/u.test(e.message))).toBe(true);
        expect(fs.readFileSync(`${file}.1`).equals(data)).toBe(true);
        expect(fs.existsSync(`${file}.1.gz`)).toBe(false);
        expect(fs.readdirSync(dir).filter((n) => n.includes("tmp") || n.includes("pending"))).toEqual([]);
        expect(read(file)).toBe("after\n");
      } finally {
        execFileSync("umount", [dir]);
      }
    },
  );

  it("rotated gzip files keep the source's mtime and decompress to exactly the bytes written", async () => {
    const file = path.join(tempDir(), "app.log");
    const w = new RotatingFile({
      path: file,
      maxbytes: 10,
      backups: 2,
      policy: { rotate: { size: true, time: null }, suffix: "number", compress: "gzip", maxageMs: 0 },
    });
    await writeEach(w, ["0123456789", "abcdefghij", "ABCDEFGHIJ", "tail"]);
    await w.close();
    expect(gunzipSync(fs.readFileSync(`${file}.1.gz`)).toString()).toBe("ABCDEFGHIJ");
    expect(gunzipSync(fs.readFileSync(`${file}.2.gz`)).toString()).toBe("abcdefghij");
    expect(fs.existsSync(`${file}.3.gz`)).toBe(false);
    expect(read(file)).toBe("tail");
  });
});

describe("retention (maxage)", () => {
  it("deletes dated files older than maxage at each rotation; keeps recent ones and unrelated files", async () => {
    const dir = tempDir();
    const file = path.join(dir, "app.log");
    const old = path.join(dir, "app.log.2026-01-01.gz");
    const recent = path.join(dir, "app.log.2026-11-30");
    const unrelated = path.join(dir, "app.log.keep-me");
    for (const p of [old, recent, unrelated]) fs.writeFileSync(p, "x");
    const past = (Date.now() - 20 * DAY) / 1000;
    fs.utimesSync(old, past, past);
    fs.utimesSync(unrelated, past, past);
    const w = new RotatingFile({
      path: file,
      maxbytes: 0,
      backups: 0,
      policy: { rotate: { size: false, time: { kind: "daily" } }, suffix: "date", compress: "none", maxageMs: 14 * DAY },
    });
    w.write("today\n");
    await w.flush();
    await w.rotateNow();
    await w.close();
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
    expect(fs.existsSync(unrelated)).toBe(true);
    expect(fs.readdirSync(dir).filter((n) => /^app\.log\.\d{4}/u.test(n)).length).toBe(2);
  });

  it("date names: *_logfile_backups bounds how many dated files are kept (newest kept)", async () => {
    const file = path.join(tempDir(), "app.log");
    const clock = new FakeClock(START);
    const w = new RotatingFile({
      path: file,
      maxbytes: 0,
      backups: 2,
      policy: { rotate: { size: false, time: { kind: "daily" } }, suffix: "date", compress: "none", maxageMs: 0, clock },
    });
    for (let d = 0; d < 4; d += 1) {
      await writeEach(w, [`day ${d}\n`]);
      clock.advance(DAY);
      await w.flush();
      await w.archived();
    }
    await w.close();
    const names = fs.readdirSync(path.dirname(file)).sort();
    expect(names).toEqual(["app.log", "app.log.2026-12-06", "app.log.2026-12-07"]);
    expect(read(`${file}.2026-12-07`)).toBe("day 3\n");
  });
});

describe("several destinations; pipes and devices", () => {
  it("a file and a FIFO both get every byte; the FIFO is never rotated nor sought, whatever maxbytes says", async () => {
    const dir = tempDir();
    const file = path.join(dir, "app.log");
    const fifo = path.join(dir, "out.fifo");
    execFileSync("mkfifo", [fifo]);
    const reader = spawn("cat", [fifo]);
    let fromFifo = "";
    reader.stdout.on("data", (d: Buffer) => (fromFifo += d.toString()));
    // Listened for from the start: the reader may be gone before close() has closed every destination.
    const readerClosed = new Promise((r) => reader.on("close", r));
    const errors: Error[] = [];
    const logs = logsFor(channel(file, ext({ destinations: [fifo] }), 64, 100), { onError: (e) => errors.push(e) });
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i} ${"z".repeat(i)}\n`);
    await writeEach(logs.stdout, lines);
    await logs.close();
    await readerClosed;
    expect(fromFifo).toBe(lines.join(""));
    expect(errors).toEqual([]);
    expect(logs.destinations.stdout).toEqual([file, fifo]);
    // The regular file rotated at 64 bytes; together the files hold everything.
    const rotated = fs.readdirSync(dir).filter((n) => /^app\.log\.\d+$/u.test(n));
    expect(rotated.length).toBeGreaterThan(0);
    const all = rotated
      .sort((a, b) => Number(b.split(".").pop()) - Number(a.split(".").pop()))
      .map((n) => read(path.join(dir, n)))
      .join("");
    expect(all + read(file)).toBe(lines.join(""));
  });

  it("NONE as the log with an extra destination: the destination gets the output, tail has no file", async () => {
    const dir = tempDir();
    const copy = path.join(dir, "copy.log");
    const logs = createProcessLogs({
      processName: "app",
      stdout: { ...channel(copy, ext({ destinations: [copy] })), logfile: { kind: "none" } },
      stderr: { ...channel(copy, ext({})), logfile: { kind: "none" } },
      redirectStderr: true,
      childlogdir: dir,
      identifier: "t",
      stripAnsi: false,
    });
    logs.prepare();
    await writeEach(logs.stdout, ["only here\n"]);
    await logs.close();
    expect(logs.stdoutLogfile).toBeNull();
    expect(read(copy)).toBe("only here\n");
  });

  it("a character device (/dev/null) with maxbytes=1 and a time trigger: no rotation, no error", async () => {
    const errors: Error[] = [];
    const clock = new FakeClock(START);
    const w = new RotatingFile({
      path: "/dev/null",
      maxbytes: 1,
      backups: 5,
      onError: (e) => errors.push(e),
      policy: { rotate: { size: true, time: { kind: "hourly" } }, suffix: "date", compress: "gzip", maxageMs: DAY, clock },
    });
    await writeEach(w, ["a".repeat(100), "b".repeat(100)]);
    clock.advance(2 * HOUR);
    await w.rotateNow();
    await w.close();
    expect(errors).toEqual([]);
    expect(w.counters).toMatchObject({ bytesWritten: 200, rotations: 0, bytesDropped: 0 });
  });

  it("clear and reopen on a FIFO destination leave it alone: not deleted, not reopened, still written", async () => {
    const dir = tempDir();
    const fifo = path.join(dir, "out.fifo");
    execFileSync("mkfifo", [fifo]);
    const reader = spawn("cat", [fifo]);
    let got = "";
    reader.stdout.on("data", (d: Buffer) => (got += d.toString()));
    const readerClosed = new Promise((r) => reader.on("close", r));
    const w = new RotatingFile({ path: fifo, maxbytes: 0, backups: 0 });
    await writeEach(w, ["before\n"]);
    await w.clear();
    await w.reopen();
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
    await writeEach(w, ["after\n"]);
    await w.close();
    await readerClosed;
    expect(got).toBe("before\nafter\n");
  });
});

describe("rate limit", () => {
  it("block: a chunk over the budget is not accepted until tokens are back (the pipe is paused), nothing lost", async () => {
    const file = path.join(tempDir(), "app.log");
    const clock = new FakeClock(START);
    const logs = logsFor(
      channel(file, ext({ rateLimit: { bytesPerSecond: 100, burstBytes: 100, action: "block" } }), 0, 0),
      { clock },
    );
    await writeEach(logs.stdout, ["a".repeat(100)]);
    let accepted = false;
    logs.stdout.write("b".repeat(50), () => (accepted = true));
    // The second chunk waits on a timer of the (fake) clock: no tokens, no progress until time moves.
    await waitFor(() => clock.pending === 1);
    expect(accepted).toBe(false);
    expect(logs.rateLimits().stdout).toEqual({ pauses: 1, bytesDropped: 0 });
    clock.advance(500);
    await waitFor(() => accepted);
    await logs.close();
    expect(read(file)).toBe("a".repeat(100) + "b".repeat(50));
  });

  it("drop (only when configured): chunks over the budget are discarded, counted and reported", async () => {
    const file = path.join(tempDir(), "app.log");
    const clock = new FakeClock(START);
    const warnings: string[] = [];
    const logs = logsFor(
      channel(file, ext({ rateLimit: { bytesPerSecond: 1024, burstBytes: 1024, action: "drop" } }), 0, 0),
      { clock, onWarn: (m) => warnings.push(m) },
    );
    await writeEach(logs.stdout, ["a".repeat(1000), "b".repeat(100), "c".repeat(100)]);
    clock.advance(1000);
    await writeEach(logs.stdout, ["d".repeat(10)]);
    await logs.close();
    expect(read(file)).toBe("a".repeat(1000) + "d".repeat(10));
    expect(logs.rateLimits().stdout).toEqual({ pauses: 0, bytesDropped: 200 });
    expect(warnings).toEqual(["output over 1KB/s: dropping (rate_limit_action=drop)", "dropped 200 bytes over 1KB/s"]);
  });
});

describe("framed partial lines in the pipeline", () => {
  it("a partial line is flushed only after waiting the whole partialFlushMs itself, not an earlier one's", async () => {
    const file = path.join(tempDir(), "app.log");
    const clock = new FakeClock(START);
    const logs = logsFor(channel(file, ext({ format: "line" }), 0, 0), { clock, partialFlushMs: 1000 });
    await writeEach(logs.stdout, ["one"]);
    clock.advance(900);
    // The first partial completes; a new one starts waiting at +900 ms.
    await writeEach(logs.stdout, [" done\ntwo"]);
    clock.advance(200);
    await logs.flush();
    expect(read(file)).toBe("2026-12-04T15:00:00.900Z app stdout | one done\n");
    clock.advance(800);
    await logs.flush();
    expect(read(file)).toBe("2026-12-04T15:00:00.900Z app stdout | one done\n2026-12-04T15:00:01.900Z app stdout + two\n");
    await logs.close();
  });


  it("a partial line is written (marked) after waiting partialFlushMs, and at the end of output", async () => {
    const file = path.join(tempDir(), "app.log");
    const clock = new FakeClock(START);
    const logs = logsFor(channel(file, ext({ format: "line" }), 0, 0), { clock, partialFlushMs: 1000 });
    await writeEach(logs.stdout, ["Password: "]);
    expect(clock.pending).toBe(1);
    clock.advance(1000);
    await logs.flush();
    expect(read(file)).toBe("2026-12-04T15:00:01.000Z app stdout + Password: \n");
    await writeEach(logs.stdout, ["ok\nbye"]);
    logs.flushPending();
    await logs.close();
    expect(read(file).split("\n").slice(1)).toEqual([
      "2026-12-04T15:00:01.000Z app stdout | ok",
      "2026-12-04T15:00:01.000Z app stdout + bye",
      "",
    ]);
  });
});

describe("rotateNow and reading across rotated files (--since)", () => {
  it("reads dated, gzipped and current files in order, from the first record at or after `since`", async () => {
    const file = path.join(tempDir(), "app.log");
    const clock = new FakeClock(START);
    const logs = logsFor(
      channel(file, ext({ format: "line", rotate: { size: false, time: { kind: "hourly" } }, suffix: "date", compress: "gzip" }), 0, 0),
      { clock },
    );
    for (let i = 0; i < 6; i += 1) {
      await writeEach(logs.stdout, [`event ${i}\n`]);
      clock.advance(HOUR / 2);
      await logs.flush();
    }
    await writeEach(logs.stdout, ["at 18\n"]);
    await logs.rotateNow();
    await writeEach(logs.stdout, ["last\n"]);
    await logs.close();
    const names = fs.readdirSync(path.dirname(file)).sort();
    expect(names).toEqual(["app.log", "app.log.2026-12-04-15.gz", "app.log.2026-12-04-16.gz", "app.log.2026-12-04-17.gz", "app.log.2026-12-04-18.gz"]);
    const since = START + 75 * 60_000; // 16:15: event 3 (16:30) on
    const chunks: Buffer[] = [];
    for await (const c of readLogSince(file, since)) chunks.push(c);
    expect(Buffer.concat(chunks).toString()).toBe(
      [
        "2026-12-04T16:30:00.000Z app stdout | event 3",
        "2026-12-04T17:00:00.000Z app stdout | event 4",
        "2026-12-04T17:30:00.000Z app stdout | event 5",
        "2026-12-04T18:00:00.000Z app stdout | at 18",
        "2026-12-04T18:00:00.000Z app stdout | last",
        "",
      ].join("\n"),
    );
  });
});

describe("readLogSince edge cases", () => {
  it("raw files are chosen by mtime; an old over-long framed line is skipped, never cut into a fragment", async () => {
    const dir = tempDir();
    const file = path.join(dir, "app.log");
    const old = "2020-01-01T00:00:00.000Z app stdout | " + "y".repeat(1536 * 1024) + "\n";
    const recent = `${new Date().toISOString()} app stdout | new\n`;
    fs.writeFileSync(`${file}.2`, "raw old\n");
    fs.writeFileSync(`${file}.1`, old + recent);
    fs.writeFileSync(file, "raw current\n");
    const past = (Date.now() - 10 * DAY) / 1000;
    fs.utimesSync(`${file}.2`, past, past);
    fs.utimesSync(`${file}.1`, Date.now() / 1000 - 60, Date.now() / 1000 - 60);
    const chunks: Buffer[] = [];
    for await (const c of readLogSince(file, Date.now() - DAY)) chunks.push(c);
    expect(Buffer.concat(chunks).toString()).toBe(recent + "raw current\n");
  });
});

describe("tail -f across the pipeline's rotations", () => {
  it("a follower reads on without gap or duplicate across date-named gzip rotations", async () => {
    const { followLog } = await import("../src/index.js");
    const file = path.join(tempDir(), "app.log");
    const clock = new FakeClock(START);
    const w = new RotatingFile({
      path: file,
      maxbytes: 0,
      backups: 5,
      policy: { rotate: { size: false, time: { kind: "hourly" } }, suffix: "date", compress: "gzip", maxageMs: 0, clock },
    });
    await writeEach(w, ["first\n"]);
    const controller = new AbortController();
    let seen = "";
    const reading = (async () => {
      for await (const chunk of followLog(file, { signal: controller.signal, initialBytes: 1024 })) seen += chunk.toString();
    })();
    // Attached once the existing content has come through.
    await waitFor(() => seen === "first\n");
    const expected = ["a\n", "b\n", "c\n"];
    for (const line of expected) {
      await writeEach(w, [line]);
      clock.advance(HOUR);
      await w.flush();
    }
    await waitFor(() => seen === `first\n${expected.join("")}`);
    controller.abort();
    await reading;
    await w.close();
    expect(seen).toBe("first\na\nb\nc\n");
    // One archive per hour that had output (15:00 "first"+"a", 16:00 "b", 17:00 "c").
    expect(fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith(".gz")).length).toBe(3);
  });
});
