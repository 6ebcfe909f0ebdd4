/**
 * issue 20 end to end: every byte a child writes is accounted for, on both log paths — the native splice pump
 * (the default where the addon is built) and the JS writer (TSUPERVISORD_NO_SPLICE=1, the fallback) — across
 * many rotations (maxbytes not a multiple of the record size, records spanning rotation boundaries), with
 * redirect_stderr, a full disk (/dev/full; a 1 MiB tmpfs where mount works), a log file deleted while written,
 * and 200 MB written as fast as possible (the daemon's RSS does not grow with it).
 *
 * Deleted while written (defined here, the same on both paths): writes go on to the open, unlinked inode; the
 * next rotation finds the path gone, says so once in the daemon log and recreates it, and every byte after that
 * point is on disk again in order.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SupervisorClient } from "@tsupervisord/protocol";
import { nativeReaper } from "@tsupervisord/reaper";
import { runCommand } from "../ctl/lib/run.js";
import { TSCTL } from "../ctl/lib/paths.js";
import { isAlive, startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";

/** 36-byte records `00000042 abcdefghijklmnopqrstuvwxyz\n`: numbered, so a gap or duplicate shows. */
const PAYLOAD = "abcdefghijklmnopqrstuvwxyz";
const RECORD = 36;
function records(from: number, to: number): string {
  let out = "";
  for (let i = from; i < to; i += 1) out += `${String(i).padStart(8, "0")} ${PAYLOAD}\n`;
  return out;
}
/** The writer: records [from, to) with awk (block-buffered: 4 KiB writes that cut records anywhere). */
const WRITER = `awk -v from="$1" -v to="$2" 'BEGIN { for (i = from; i < to; i++) printf "%08d ${PAYLOAD}\\n", i }'\n`;

/** Backups from the oldest (`.N`) to `.1`, then the current file: the log in the order it was written. */
function readInOrder(file: string): { text: string; sizes: number[] } {
  const dir = file.slice(0, file.lastIndexOf("/"));
  const base = file.slice(file.lastIndexOf("/") + 1);
  const numbers = fs
    .readdirSync(dir)
    .filter((n) => n.startsWith(`${base}.`) && /^\d+$/u.test(n.slice(base.length + 1)))
    .map((n) => Number(n.slice(base.length + 1)))
    .sort((a, b) => b - a);
  const parts = [...numbers.map((n) => `${file}.${n}`), ...(fs.existsSync(file) ? [file] : [])].map((f) => fs.readFileSync(f, "latin1"));
  return { text: parts.join(""), sizes: parts.map((p) => p.length) };
}

/** The first differing record, for a readable failure instead of a 3 MB diff. */
function firstDifference(actual: string, expected: string): string {
  if (actual === expected) return "identical";
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i += 1;
  return `lengths ${actual.length}/${expected.length}, first difference at byte ${i}: ${JSON.stringify(actual.slice(i, i + 40))} vs ${JSON.stringify(expected.slice(i, i + 40))}`;
}

const spliceBuilt = nativeReaper() !== undefined && process.platform === "linux";
const PATHS = [
  { path: "splice", env: {}, logLine: /log pump: splice/u, skip: !spliceBuilt },
  { path: "js", env: { TSUPERVISORD_NO_SPLICE: "1" }, logLine: /log pump: JS writer for every channel \(splice pump unavailable: TSUPERVISORD_NO_SPLICE=1\)/u, skip: false },
] as const;

const N = 100_000; // 3.6 MB
/** The last line the `endless` program writes, after its `yes` is gone. */
const ENDLESS_MARKER = "endless-stopped\n";
const MAXBYTES = 100_003; // prime: never a multiple of the 36-byte record nor of a write

const canMountTmpfs = ((): boolean => {
  if (process.getuid?.() !== 0) return false;
  const probe = fs.mkdtempSync("/tmp/tsupd-tmpfs-probe-");
  try {
    return spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]).status === 0 && spawnSync("umount", [probe]).status === 0;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
})();

describe.each(PATHS)("log path $path", ({ path: pumpPath, env, logLine, skip }) => {
  const dir = new TestDir("tsupd-pump-");
  const tmpfs = dir.file("tmpfs");
  let daemon: RunningDaemon;
  let client: SupervisorClient;

  beforeAll(async () => {
    if (skip) return;
    const mounted = canMountTmpfs && (fs.mkdirSync(tmpfs), spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", tmpfs]).status === 0);
    fs.writeFileSync(dir.file("writer.sh"), WRITER);
    const writer = (from: number, to: number) => `/bin/sh ${dir.file("writer.sh")} ${from} ${to}`;
    const program = (name: string, command: string, extra: string[] = []) =>
      [`[program:${name}]`, `command=${command}`, "autostart=false", "autorestart=false", "startsecs=0", ...extra, ""].join("\n");
    // Several steps in one program: a script, so the config needs no quoting.
    const script = (name: string, body: string): string => {
      fs.writeFileSync(dir.file(`${name}.sh`), `${body}\n`);
      return `/bin/sh ${dir.file(`${name}.sh`)}`;
    };
    spawnSync("mkfifo", [dir.file("fifo.log")]);
    dir.writeConfig(
      [
        program("records", writer(0, N), [`stdout_logfile=${dir.file("records.log")}`, `stdout_logfile_maxbytes=${MAXBYTES}`, "stdout_logfile_backups=60"]),
        // issue 20: more rotations than backups: the oldest backup falls off the end (moved aside, deleted after).
        program("overflow", writer(0, N), [`stdout_logfile=${dir.file("overflow.log")}`, `stdout_logfile_maxbytes=${MAXBYTES}`, "stdout_logfile_backups=5"]),
        program("merged", script("merged", `exec 1>&2; ${writer(0, N)}`), [
          "redirect_stderr=true",
          `stdout_logfile=${dir.file("merged.log")}`,
          `stdout_logfile_maxbytes=${MAXBYTES}`,
          "stdout_logfile_backups=60",
        ]),
        program("full", script("full", `${writer(0, 30_000)}; echo still-running > ${dir.file("full.done")}`), ["stdout_logfile=/dev/full", "stderr_logfile=NONE"]),
        ...(mounted
          ? [program("tiny", writer(0, 90_000), [`stdout_logfile=${tmpfs}/tiny.log`, "stdout_logfile_maxbytes=0", "stderr_logfile=NONE"])]
          : []),
        program("deleted", script("deleted", `${writer(0, 1000)}; while [ ! -e ${dir.file("go")} ]; do sleep 0.02; done; ${writer(1000, 20_000)}`), [
          `stdout_logfile=${dir.file("deleted.log")}`,
          `stdout_logfile_maxbytes=${MAXBYTES}`,
          "stdout_logfile_backups=60",
        ]),
        // Exits at once, but a grandchild keeps the pipe open: the exit is reported after the grace period.
        program("orphan", script("orphan", `echo before; sleep 300 & echo after`), [`stdout_logfile=${dir.file("orphan.log")}`]),
        // The same, with a FIFO as its log file: the daemon's open of it waits for a reader, so the pump still
        // waits for its first file when the drain grace runs out and the stop comes before the file.
        program("fifo", script("fifo", `echo before; sleep 300 & echo after`), [`stdout_logfile=${dir.file("fifo.log")}`, "stderr_logfile=NONE"]),
        // `yes` in the background: on stop's SIGTERM the shell ends it, waits for it, and writes a marker as the
        // stream's last bytes, so the test knows when the JS writer has written everything (see the test).
        program("endless", script("endless", `yes endless-output-line & trap 'kill $!; wait $!; echo ${ENDLESS_MARKER.trim()}; exit 0' TERM; wait`), [`stdout_logfile=${dir.file("endless.log")}`, "stdout_logfile_maxbytes=1MB", "stdout_logfile_backups=2"]),
        // Two programs appending to one file: the JS writer for both (O_APPEND), whatever the path.
        program("shareA", writer(0, 20_000), [`stdout_logfile=${dir.file("shared.log")}`, "stderr_logfile=NONE"]),
        program("shareB", writer(20_000, 40_000), [`stdout_logfile=${dir.file("shared.log")}`, "stderr_logfile=NONE"]),
        program("flood", "head -c 200000000 /dev/zero", [`stdout_logfile=${dir.file("flood.log")}`, "stdout_logfile_maxbytes=50MB", "stdout_logfile_backups=1"]),
      ].join("\n"),
    );
    daemon = await startDaemon(dir, [], { env: { ...process.env, ...env } });
    client = daemon.client();
  }, 30_000);

  /**
   * EXITED comes once the child's pipes reached EOF; on the JS path the file writer may still be writing what it
   * read (the splice path has written it all by then): wait until log_stats accounts for every byte.
   */
  const accounted = (name: string, bytes: number) =>
    waitFor(`${name}: ${bytes} bytes written or dropped`, async () => {
      const s = (await client.getProcessInfo({ name })).info?.logStats?.stdout;
      return s !== undefined && Number(s.bytesWritten) + Number(s.bytesDropped) === bytes ? s : undefined;
    }, 60_000);

  /**
   * The last write can take the file to maxbytes after its bytes are counted, and its rotation (backups shifted,
   * the file linked to `.1`, a new empty file renamed over the path) may still be running. The path holds the
   * full file until that last rename and nothing writes any more, so a current file under maxbytes means no
   * rotation is in flight: read the files only then.
   */
  const rotationsSettled = (file: string) =>
    waitFor(`${file}: its last rotation finished`, () => fs.existsSync(file) && fs.statSync(file).size < MAXBYTES, 60_000);

  afterAll(async () => {
    if (skip) return;
    await daemon.stop();
    spawnSync("umount", [tmpfs]);
    dir.cleanup();
  });

  it.skipIf(skip)("the daemon log says which path runs; ProcessInfo.log_pump (field 95) says it per channel", async () => {
    await daemon.waitForLog(logLine);
    const records = (await client.getProcessInfo({ name: "records" })).info?.logPump;
    const merged = (await client.getProcessInfo({ name: "merged" })).info?.logPump;
    if (pumpPath === "splice") {
      expect(records).toEqual({ stdout: "splice", stderr: "splice" });
      expect(merged).toEqual({ stdout: "splice", stderr: "" });
    } else {
      const why = "js: splice pump unavailable: TSUPERVISORD_NO_SPLICE=1";
      expect(records).toEqual({ stdout: why, stderr: why });
      expect(merged).toEqual({ stdout: why, stderr: "" });
    }
    // `tsctl status --json` carries it (plain status stays supervisorctl's).
    const json = await runCommand([process.execPath, TSCTL, "-c", dir.conf, "status", "--json", "records"]);
    expect((JSON.parse(json.stdout) as Array<{ log_pump?: unknown }>)[0]?.log_pump).toEqual(records);
    // A NONE channel nothing reads: a pump without a file (it drops the bytes), or the JS path, and why.
    expect((await client.getProcessInfo({ name: "full" })).info?.logPump?.stderr).toBe(
      pumpPath === "splice" ? "discard" : "js: splice pump unavailable: TSUPERVISORD_NO_SPLICE=1",
    );
  });

  it.skipIf(skip)("100,000 records across 36 rotations: backups + current are exactly the stream, log_stats counts it", async () => {
    await client.startProcess({ name: "records", wait: true });
    await waitForState(client, "records", "EXITED", 60_000);
    const expected = records(0, N);
    await accounted("records", expected.length);
    await rotationsSettled(dir.file("records.log"));
    const { text, sizes } = readInOrder(dir.file("records.log"));
    expect(firstDifference(text, expected)).toBe("identical");
    // ROT-01 on both paths, as supervisord: the write that takes a file to maxbytes stays whole in it, then the
    // file rotates at once. The pump moves at most 128 KiB at a time (supervisord's read size) into such a file.
    expect(sizes.length).toBeGreaterThan(10);
    for (const size of sizes.slice(0, -1)) {
      expect(size).toBeGreaterThanOrEqual(MAXBYTES);
      if (pumpPath === "splice") expect(size).toBeLessThan(MAXBYTES + 128 * 1024);
    }
    const stats = (await client.getProcessInfo({ name: "records" })).info?.logStats?.stdout;
    expect(stats).toMatchObject({ bytesWritten: expected.length, bytesDropped: 0, rotations: sizes.length - 1 });
  });

  it.skipIf(skip)("36 rotations into 5 backups: the files kept are exactly the stream's tail, nothing else is left in the directory", async () => {
    await client.startProcess({ name: "overflow", wait: true });
    await waitForState(client, "overflow", "EXITED", 60_000);
    const expected = records(0, N);
    await accounted("overflow", expected.length);
    await rotationsSettled(dir.file("overflow.log"));
    const { text, sizes } = readInOrder(dir.file("overflow.log"));
    expect(sizes).toHaveLength(6);
    // The oldest kept file starts where a rotation cut the stream, and from there on every byte is in order.
    expect(text.length).toBeGreaterThan(5 * MAXBYTES);
    expect(firstDifference(text, expected.slice(expected.length - text.length))).toBe("identical");
    // The backup that fell off the end is deleted once the next file is in use: no hidden file stays behind.
    await waitFor("no expired backup left", () => !fs.readdirSync(dir.root).some((n) => n.startsWith(".overflow.log")), 10_000);
    const stats = (await client.getProcessInfo({ name: "overflow" })).info?.logStats?.stdout;
    expect(Number(stats?.rotations)).toBeGreaterThan(5); // more than the backups: some fell off the end
  });

  it.skipIf(skip)("redirect_stderr: what the child writes to fd 2 is in the stdout log, byte for byte", async () => {
    await client.startProcess({ name: "merged", wait: true });
    await waitForState(client, "merged", "EXITED", 60_000);
    await accounted("merged", N * RECORD);
    await rotationsSettled(dir.file("merged.log"));
    const { text } = readInOrder(dir.file("merged.log"));
    expect(firstDifference(text, records(0, N))).toBe("identical");
  });

  it.skipIf(skip)("/dev/full: the child runs to its end, the daemon stays up, the error is logged once, the bytes are counted as dropped", async () => {
    await client.startProcess({ name: "full", wait: true });
    await waitForState(client, "full", "EXITED", 60_000);
    await accounted("full", 30_000 * RECORD);
    expect(fs.readFileSync(dir.file("full.done"), "utf8")).toBe("still-running\n");
    const info = (await client.getProcessInfo({ name: "full" })).info;
    expect(info?.exitstatus).toBe(0);
    expect(info?.logStats?.stdout).toMatchObject({ bytesWritten: 0, bytesDropped: 30_000 * RECORD });
    const errors = daemon.activityLog().split("\n").filter((l) => l.includes("full stdout log:"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ENOSPC/u);
  });

  it.skipIf(skip || !canMountTmpfs)("a 1 MiB tmpfs fills up: what fits is exact, the rest is dropped and counted, one error line", async () => {
    await client.startProcess({ name: "tiny", wait: true });
    await waitForState(client, "tiny", "EXITED", 60_000);
    const expected = records(0, 90_000);
    await accounted("tiny", expected.length);
    const onDisk = fs.readFileSync(`${tmpfs}/tiny.log`, "latin1");
    expect(onDisk.length).toBeGreaterThan(0);
    expect(onDisk.length).toBeLessThan(expected.length);
    expect(expected.startsWith(onDisk)).toBe(true);
    const stats = (await client.getProcessInfo({ name: "tiny" })).info?.logStats?.stdout;
    expect(stats).toMatchObject({ bytesWritten: onDisk.length, bytesDropped: expected.length - onDisk.length });
    expect(daemon.activityLog().split("\n").filter((l) => l.includes("tiny stdout log:"))).toHaveLength(1);
  });

  it.skipIf(skip)("a log file deleted while written: writes go on to the open inode, the next rotation recreates it", async () => {
    const file = dir.file("deleted.log");
    await client.startProcess({ name: "deleted", wait: true });
    await waitFor("the first 1,000 records", () => fs.existsSync(file) && fs.statSync(file).size === 1000 * RECORD);
    fs.unlinkSync(file);
    fs.writeFileSync(dir.file("go"), "");
    await waitForState(client, "deleted", "EXITED", 60_000);
    await daemon.waitForLog(/deleted stdout log: log file .*deleted\.log was removed while open; recreating it/u);
    const expected = records(0, 20_000);
    await accounted("deleted", expected.length);
    await rotationsSettled(file);
    const { text } = readInOrder(file);
    // Everything from the recreation on is on disk, in order, to the last record; nothing is duplicated.
    expect(text.length).toBeGreaterThan(MAXBYTES);
    expect(expected.endsWith(text)).toBe(true);
    const stats = (await client.getProcessInfo({ name: "deleted" })).info?.logStats?.stdout;
    expect(stats).toMatchObject({ bytesWritten: expected.length, bytesDropped: 0 });
  });

  it.skipIf(skip)("two programs sharing one log file: both append (the JS writer), every record of both is there once", async () => {
    for (const name of ["shareA", "shareB"]) {
      expect((await client.getProcessInfo({ name })).info?.logPump?.stdout).toMatch(/^js: /u);
    }
    await Promise.all(["shareA", "shareB"].map((name) => client.startProcess({ name, wait: true })));
    await Promise.all(["shareA", "shareB"].map((name) => waitForState(client, name, "EXITED", 60_000)));
    await accounted("shareA", 20_000 * RECORD);
    await accounted("shareB", 20_000 * RECORD);
    const lines = fs.readFileSync(dir.file("shared.log"), "latin1").split("\n").filter(Boolean);
    // awk writes 4 KiB blocks, so records of the two may be cut and interleaved at block boundaries; what
    // matters is that no byte was overwritten: the total is exact.
    expect(fs.statSync(dir.file("shared.log")).size).toBe(40_000 * RECORD);
    expect(lines.length).toBeGreaterThanOrEqual(40_000);
  });

  it.skipIf(skip)("a grandchild holding the pipe: the exit is still reported, with every byte written before it", async () => {
    const pid = await client.startProcess({ name: "orphan", wait: true }).then(async () => (await client.getProcessInfo({ name: "orphan" })).info?.pid ?? 0);
    try {
      await waitForState(client, "orphan", "EXITED", 30_000);
      await accounted("orphan", "before\nafter\n".length);
      expect(fs.readFileSync(dir.file("orphan.log"), "utf8")).toBe("before\nafter\n");
    } finally {
      // The sleep is in the program's process group (setsid): end it by that group's id.
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  it.skipIf(skip)("a grandchild holding the pipe while the log file's open waits: the exit is reported once the file is there", async () => {
    await client.startProcess({ name: "fifo", wait: true });
    const pid = (await client.getProcessInfo({ name: "fifo" })).info?.pid ?? 0;
    let reader: ReturnType<typeof spawn> | null = null;
    let read = "";
    try {
      await waitFor("the child reaped", () => (isAlive(pid) ? undefined : true));
      // Let the drain grace (100 ms) run out well before the file arrives: not asserted on. On a machine so slow
      // that the stop still comes after the file, the test passes without covering that order.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      reader = spawn("cat", [dir.file("fifo.log")], { stdio: ["ignore", "pipe", "ignore"] });
      reader.stdout?.on("data", (chunk: Buffer) => (read += chunk.toString("latin1")));
      await waitForState(client, "fifo", "EXITED", 30_000);
      await waitFor("both lines through the FIFO", () => (read === "before\nafter\n" ? true : undefined));
    } finally {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
      reader?.kill("SIGKILL");
    }
  });

  it.skipIf(skip)("a child writing without end is stopped by tsctl's stop like any other; its log keeps rotating meanwhile", async () => {
    await client.startProcess({ name: "endless", wait: true });
    await waitFor("two rotations", async () => Number((await client.getProcessInfo({ name: "endless" })).info?.logStats?.stdout?.rotations ?? 0) >= 2, 30_000);
    await client.stopProcess({ name: "endless", wait: true });
    await waitForState(client, "endless", "STOPPED", 30_000);
    // STOPPED can come before the JS writer has written what it read (and before the rotation that write may
    // start: while it runs, the path and `.1` are the same file). The marker is the stream's last write: once it
    // is on disk and the current file is under maxbytes (checked after reading), nothing writes or rotates.
    const file = dir.file("endless.log");
    const MAX = 1024 * 1024;
    await waitFor("the stop marker written, no rotation in flight", () =>
      readInOrder(file).text.endsWith(ENDLESS_MARKER) && fs.statSync(file).size < MAX ? true : undefined, 30_000);
    const stats = (await client.getProcessInfo({ name: "endless" })).info?.logStats?.stdout;
    expect(Number(stats?.bytesDropped)).toBe(0);
    // Every retained byte is whole lines of the one repeated line, across the rotation boundaries (the oldest
    // backup may start inside a line; `yes`, killed inside a write, may end with part of one).
    const { text, sizes } = readInOrder(file);
    expect(sizes.length).toBe(3);
    expect(Number(stats?.bytesWritten)).toBeGreaterThanOrEqual(text.length);
    const line = "endless-output-line\n";
    const start = text.indexOf(line);
    expect(start).toBeLessThan(line.length);
    const beforeMarker = text.slice(start, text.length - ENDLESS_MARKER.length);
    const body = beforeMarker.slice(0, beforeMarker.lastIndexOf("\n") + 1);
    expect(line.startsWith(beforeMarker.slice(body.length))).toBe(true);
    expect(body.split(line).join("")).toBe("");
  });

  it.skipIf(skip)("200 MB as fast as the child can write: every byte is counted and the daemon's RSS does not grow with it", async () => {
    const rss = (): number => Number(/VmRSS:\s+(\d+)/u.exec(fs.readFileSync(`/proc/${daemon.pid}/status`, "utf8"))?.[1]) * 1024;
    const before = rss();
    await client.startProcess({ name: "flood", wait: true });
    await waitForState(client, "flood", "EXITED", 120_000);
    await accounted("flood", 200_000_000);
    const after = rss();
    const stats = (await client.getProcessInfo({ name: "flood" })).info?.logStats?.stdout;
    expect(stats).toMatchObject({ bytesWritten: 200_000_000, bytesDropped: 0 });
    // Generous: 200 MB passed through; a daemon that buffered it would be far above this.
    expect(after - before).toBeLessThan(64 * 1024 * 1024);
  });
});

