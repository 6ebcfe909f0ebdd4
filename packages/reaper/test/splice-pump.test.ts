/**
 * The native splice pump (issue 20) on its own: real pipes, real children, real files. The rotation handshake is
 * driven here the way @tsupervisord/logs' RotatingFile drives it (rename, reopen, setFile), so every byte can be
 * accounted for without the daemon.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { splicePump, type PumpReport, type SplicePump } from "../src/index.js";

const found = splicePump({});
const pump: SplicePump | null = "pump" in found ? found.pump : null;

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsupd-pump-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A child with the pump's write end as fd 1 (and 2); ours is closed at once, as the engine does. */
function runChild(writeFd: number, script: string): Promise<number | null> {
  const child = spawn("/bin/sh", ["-c", script], { stdio: ["ignore", writeFd, writeFd], detached: true });
  fs.closeSync(writeFd);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

interface Totals {
  written: number;
  stale: number;
  dropped: number;
  errors: number[];
  reports: number;
}

/** Counts every report; `onFull` answers a request for a file; resolves with the totals at `done`. */
function collect(onFull: (totals: Totals) => void): { totals: Totals; onReport: (r: PumpReport) => void; done: Promise<Totals> } {
  const totals: Totals = { written: 0, stale: 0, dropped: 0, errors: [], reports: 0 };
  let resolve: (t: Totals) => void = () => {};
  const done = new Promise<Totals>((r) => (resolve = r));
  return {
    totals,
    done,
    onReport: (r) => {
      totals.reports += 1;
      totals.written += r.written;
      totals.stale += r.stale;
      totals.dropped += r.dropped;
      if (r.error !== 0) totals.errors.push(r.error);
      if (r.full && !r.done) onFull(totals);
      if (r.done) resolve(totals);
    },
  };
}

const RECORDS = `awk 'BEGIN { for (i = 0; i < 50000; i++) printf "%08d abcdefghijklmnopqrstuvwxyz\\n", i }'`;
function expectedRecords(): string {
  let out = "";
  for (let i = 0; i < 50_000; i += 1) out += `${String(i).padStart(8, "0")} abcdefghijklmnopqrstuvwxyz\n`;
  return out;
}

/**
 * A terminal nobody reads: python3 opens a pty and holds its master without reading it, so a blocking write to the
 * slave waits once the terminal's buffers are full. Used to hold the pump's worker thread in one move on purpose.
 */
const PTY_HOLDER = "import os, pty, sys, time\nm, s = pty.openpty()\nsys.stdout.write(os.ttyname(s) + '\\n')\nsys.stdout.flush()\ntime.sleep(3600)\n";
const canHoldTerminal = spawnSync("python3", ["-c", "import os, pty; m, s = pty.openpty(); print(os.ttyname(s))"]).status === 0;

function holdTerminal(): Promise<{ tty: string; holder: ReturnType<typeof spawn> }> {
  const holder = spawn("python3", ["-c", PTY_HOLDER], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    holder.once("error", reject);
    holder.once("exit", (code) => reject(new Error(`pty holder exited (${code}) before naming its terminal`)));
    holder.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes("\n")) resolve({ tty: out.trim(), holder });
    });
  });
}

/** Write to a non-blocking fd until the kernel takes no more, round after round (the tty moves bytes on a worker). */
async function fillUp(fd: number): Promise<void> {
  const chunk = Buffer.alloc(4096, "f");
  for (let round = 0; round < 100; round += 1) {
    let took = 0;
    for (;;) {
      try {
        took += fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EAGAIN") break;
        throw err;
      }
    }
    if (took === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** True while some epoll set of this process watches fd (the pump's worker removes a pump that waits for a file). */
function watchedByEpoll(fd: number): boolean {
  for (const name of fs.readdirSync("/proc/self/fd")) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${name}`) !== "anon_inode:[eventpoll]") continue;
      if (new RegExp(`^tfd:\\s+${fd}\\s`, "mu").test(fs.readFileSync(`/proc/self/fdinfo/${name}`, "utf8"))) return true;
    } catch {
      // Closed meanwhile.
    }
  }
  return false;
}

describe.skipIf(pump === null)("native splice pump", () => {
  const api = pump as SplicePump;

  it("rotation handshake: every byte once, in order, each rotated file ends within 128 KiB past the room", async () => {
    const dir = tempDir();
    const file = path.join(dir, "out.log");
    const room = 100_003;
    let fd = fs.openSync(file, "a");
    let generation = 0;
    let handle: object | null = null;
    const { onReport, done } = collect(() => {
      // As RotatingFile does: the current file to `.N`, a new one at the path, the pump continues there.
      fs.closeSync(fd);
      generation += 1;
      fs.renameSync(file, `${file}.${generation}`);
      fd = fs.openSync(file, "a");
      api.setFile(handle as object, fd, room);
    });
    const [readFd, writeFd] = api.pipe();
    handle = api.start(readFd, fd, room, onReport);
    expect(await runChild(writeFd, RECORDS)).toBe(0);
    const totals = await done;
    fs.closeSync(fd);
    const parts = [...Array.from({ length: generation }, (_, i) => `${file}.${i + 1}`), file].map((f) => fs.readFileSync(f, "latin1"));
    expect(parts.join("")).toBe(expectedRecords());
    expect(totals.written + totals.stale).toBe(expectedRecords().length);
    expect(totals.dropped).toBe(0);
    expect(generation).toBeGreaterThan(5);
    for (const part of parts.slice(0, -1)) {
      expect(part.length).toBeGreaterThanOrEqual(room);
      expect(part.length).toBeLessThan(room + 128 * 1024);
    }
  });

  it.skipIf(!canHoldTerminal)("a file handed over before the request is read answers it: one rotation, asked for at most once", async () => {
    // RotatingFile switches files on its own too (time trigger, `tsctl logrotate`, SIGUSR2): when that switch
    // lands after the pump used up its room but before JS read the request, the switch is the answer. Reported
    // anyway, JS answered again, and the bytes moved into the new file before that second answer arrived were
    // counted as stale, missing from the room it handed over: the file rotated late by them.
    // To read the request only after the switch, the worker thread is held in a write to a terminal nobody reads.
    const dir = tempDir();
    const a = fs.openSync(path.join(dir, "a.log"), "a");
    const b = fs.openSync(path.join(dir, "b.log"), "a");
    const { tty, holder } = await holdTerminal();
    const filler = fs.openSync(tty, fs.constants.O_WRONLY | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
    const stuck = fs.openSync(tty, fs.constants.O_WRONLY | fs.constants.O_NOCTTY);
    const open = new Set<number>();
    try {
      await fillUp(filler);
      const held = collect(() => {});
      const [heldRead, heldWrite] = api.pipe();
      open.add(heldWrite);
      api.start(heldRead, stuck, -1, held.onReport);

      let handle: object | null = null;
      let requests = 0;
      let sawBytes: () => void = () => {};
      const bytesReported = new Promise<void>((r) => (sawBytes = r));
      const { totals, onReport, done } = collect(() => {
        requests += 1;
        api.setFile(handle as object, b, -1); // as RotatingFile answers after its own switch: the current file
      });
      const [readFd, writeFd] = api.pipe();
      open.add(writeFd);
      handle = api.start(readFd, a, 10, (r) => {
        onReport(r);
        if (totals.written + totals.stale >= 100) sawBytes();
      });
      // No await from here to the switch: no report is read before it.
      fs.writeSync(writeFd, "x".repeat(100));
      const deadline = Date.now() + 20_000;
      // The move is in a.log and the pump left the epoll set: it used up its room and asked for a file.
      while (fs.fstatSync(a).size < 100 || watchedByEpoll(readFd)) {
        if (Date.now() > deadline) throw new Error("the pump never asked for a file");
      }
      fs.writeSync(heldWrite, "y"); // the worker's next move, before the switch: into the full terminal, where it waits
      api.setFile(handle, b, -1); // the writer's own switch
      await bytesReported;
      expect(requests).toBe(0);

      holder.kill("SIGKILL"); // the terminal hangs up: the held write fails (EIO), the worker goes on
      for (const fd of open) fs.closeSync(fd);
      open.clear();
      await Promise.all([done, held.done]);
      expect(requests).toBe(0);
      expect(totals.written + totals.stale).toBe(100);
      expect(totals.dropped).toBe(0);
      expect(fs.readFileSync(path.join(dir, "a.log"), "latin1")).toBe("x".repeat(100));
      expect(fs.statSync(path.join(dir, "b.log")).size).toBe(0);
    } finally {
      holder.kill("SIGKILL");
      for (const fd of [...open, filler, stuck, a, b]) fs.closeSync(fd);
    }
  });

  it("started without a file (fd -1, room 0): asks for one with the first bytes; a silent child just ends", async () => {
    const dir = tempDir();
    const fd = fs.openSync(path.join(dir, "out.log"), "a");
    let handle: object | null = null;
    let asked = 0;
    const { onReport, done } = collect(() => {
      asked += 1;
      api.setFile(handle as object, fd, -1);
    });
    const [readFd, writeFd] = api.pipe();
    handle = api.start(readFd, -1, 0, onReport);
    await runChild(writeFd, "printf hello");
    expect((await done).written).toBe(5);
    expect(asked).toBe(1);
    expect(fs.readFileSync(path.join(dir, "out.log"), "utf8")).toBe("hello");

    const silent = collect(() => {
      throw new Error("a child that writes nothing needs no file");
    });
    const [r2, w2] = api.pipe();
    api.start(r2, -1, 0, silent.onReport);
    await runChild(w2, "exit 0");
    expect(await silent.done).toMatchObject({ written: 0, dropped: 0 });
    fs.closeSync(fd);
  });

  it("/dev/full: ENOSPC is reported once, every byte is counted as dropped, the child runs to its end", async () => {
    const fd = fs.openSync("/dev/full", "w");
    const { onReport, done } = collect(() => {});
    const [readFd, writeFd] = api.pipe();
    api.start(readFd, fd, -1, onReport);
    expect(await runChild(writeFd, RECORDS)).toBe(0);
    const totals = await done;
    fs.closeSync(fd);
    expect(totals.written).toBe(0);
    expect(totals.dropped).toBe(expectedRecords().length);
    expect(totals.errors).toEqual([os.constants.errno.ENOSPC]);
  });

  it("no file (fd -1, the open failed): the bytes are discarded and counted, the child never blocks", async () => {
    const { onReport, done } = collect(() => {});
    const [readFd, writeFd] = api.pipe();
    api.start(readFd, -1, -1, onReport);
    expect(await runChild(writeFd, RECORDS)).toBe(0);
    expect(await done).toMatchObject({ written: 0, dropped: expectedRecords().length });
  });

  it("stop: what the pipe holds is moved, then the pump ends although a grandchild keeps the pipe open", async () => {
    const dir = tempDir();
    const fd = fs.openSync(path.join(dir, "out.log"), "a");
    const { onReport, done } = collect(() => {});
    const [readFd, writeFd] = api.pipe();
    const handle = api.start(readFd, fd, -1, onReport);
    const child = spawn("/bin/sh", ["-c", "echo before; sleep 300 & echo after"], { stdio: ["ignore", writeFd, writeFd], detached: true });
    fs.closeSync(writeFd);
    await new Promise((resolve) => child.once("exit", resolve));
    // Both lines are in the pipe (the shell wrote them before it exited); the sleep still holds the write end.
    api.stop(handle);
    expect((await done).written).toBe("before\nafter\n".length);
    expect(fs.readFileSync(path.join(dir, "out.log"), "utf8")).toBe("before\nafter\n");
    process.kill(-(child.pid as number), "SIGKILL");
    fs.closeSync(fd);
  });

  it("stop while the pipe still holds bytes (the pump waits for its first file): the drain moves them, then the pump ends although a grandchild keeps the pipe open", async () => {
    // The daemon's case when the file's open is slower than the drain grace: the stop arrives before the file,
    // so the drain's last move empties the pipe, and no epoll event follows while the sleep holds the write end.
    const dir = tempDir();
    const fd = fs.openSync(path.join(dir, "out.log"), "a");
    let askedFor: () => void = () => {};
    const asked = new Promise<void>((r) => (askedFor = r));
    const { onReport, done } = collect(() => askedFor());
    const [readFd, writeFd] = api.pipe();
    const handle = api.start(readFd, -1, 0, onReport);
    const child = spawn("/bin/sh", ["-c", "echo before; sleep 300 & echo after"], { stdio: ["ignore", writeFd, writeFd], detached: true });
    fs.closeSync(writeFd);
    try {
      await new Promise((resolve) => child.once("exit", resolve));
      await asked;
      // Both lines wait in the pipe (the pump moves nothing before it has a file): stop first, then the file.
      api.stop(handle);
      api.setFile(handle, fd, -1);
      expect((await done).written).toBe("before\nafter\n".length);
      expect(fs.readFileSync(path.join(dir, "out.log"), "utf8")).toBe("before\nafter\n");
    } finally {
      process.kill(-(child.pid as number), "SIGKILL");
      fs.closeSync(fd);
    }
  });

  it("backpressure: while the pump waits for a file it moves nothing more; the child (blocked on the full pipe) finishes once answered, nothing lost", async () => {
    const dir = tempDir();
    const file = path.join(dir, "out.log");
    const fd = fs.openSync(file, "a");
    let handle: object | null = null;
    let askedFor: () => void = () => {};
    const asked = new Promise<void>((r) => (askedFor = r));
    let exited = false;
    const { totals, onReport, done } = collect(() => askedFor());
    const [readFd, writeFd] = api.pipe();
    // Room for 10 bytes: the first move (at most 128 KiB) uses it up and the pump asks for a new file.
    handle = api.start(readFd, fd, 10, onReport);
    const child = runChild(writeFd, RECORDS).then((code) => {
      exited = true;
      return code;
    });
    await asked;
    // 1.8 MB cannot pass a 64 KiB pipe that nobody drains: the child is still writing, the pump has moved one batch.
    expect(exited).toBe(false);
    expect(totals.written + totals.stale).toBeLessThanOrEqual(10 + 128 * 1024);
    api.setFile(handle, fd, -1);
    expect(await child).toBe(0);
    await done;
    expect(fs.readFileSync(file, "latin1")).toBe(expectedRecords());
    fs.closeSync(fd);
  });

  it("pipe size: a pipe found full (the child floods it) grows to 256 KiB once; one that never fills keeps the kernel's 64 KiB", async () => {
    // The writer's end stays open here, so the pump never sees EOF and the pipe can be asked its size after the
    // move; the bytes are in the pipe before the pump starts, so its first splice finds exactly what was written.
    async function sizeAfterMoving(bytes: number): Promise<{ before: number; after: number; content: string }> {
      const dir = tempDir();
      const file = path.join(dir, "out.log");
      const fd = fs.openSync(file, "a");
      const [readFd, writeFd] = api.pipe();
      const before = api.pipeSize(writeFd);
      expect(fs.writeSync(writeFd, Buffer.alloc(bytes, "p"))).toBe(bytes);
      let written = 0;
      let movedAll: () => void = () => {};
      const moved = new Promise<void>((r) => (movedAll = r));
      let ended: () => void = () => {};
      const done = new Promise<void>((r) => (ended = r));
      api.start(readFd, fd, -1, (r) => {
        written += r.written;
        if (written === bytes) movedAll();
        if (r.done) ended();
      });
      await moved;
      const after = api.pipeSize(writeFd);
      fs.closeSync(writeFd);
      await done;
      fs.closeSync(fd);
      return { before, after, content: fs.readFileSync(file, "latin1") };
    }
    const flooded = await sizeAfterMoving(64 * 1024);
    expect(flooded.before).toBe(64 * 1024);
    expect(flooded.after).toBe(256 * 1024);
    expect(flooded.content).toBe("p".repeat(64 * 1024));
    const quiet = await sizeAfterMoving(1000);
    expect(quiet.after).toBe(64 * 1024);
    expect(quiet.content).toBe("p".repeat(1000));
  });

  it("a child that writes a few bytes and pauses: its bytes are reported while it still runs (followers see them); a flood in small writes is counted byte for byte", async () => {
    // Moved bytes are reported 5 ms after the first unreported one; no report waits for the child's exit. The
    // child holds the pipe open (sleep) so only that timed report can deliver the 6 bytes.
    const dir = tempDir();
    const file = path.join(dir, "out.log");
    const fd = fs.openSync(file, "a");
    let seen: () => void = () => {};
    const sawBytes = new Promise<void>((r) => (seen = r));
    const { totals, onReport: count, done } = collect(() => {});
    const onReport = (r: PumpReport): void => {
      count(r);
      if (totals.written === "hello\n".length && !r.done) seen();
    };
    const [readFd, writeFd] = api.pipe();
    api.start(readFd, fd, -1, onReport);
    const child = spawn("/bin/sh", ["-c", "echo hello; exec sleep 300"], { stdio: ["ignore", writeFd, writeFd], detached: true });
    fs.closeSync(writeFd);
    try {
      await sawBytes;
      expect(fs.readFileSync(file, "utf8")).toBe("hello\n");
    } finally {
      process.kill(-(child.pid as number), "SIGKILL");
    }
    await done;

    // 32 MiB in 4 KiB writes: thousands of moves through the 64 KiB pipe, every byte counted once.
    const [r2, w2] = api.pipe();
    const big = collect(() => {});
    api.start(r2, fd, -1, big.onReport);
    expect(await runChild(w2, "head -c 33554432 /dev/zero | dd bs=4096 status=none")).toBe(0);
    const totals2 = await big.done;
    expect(totals2.written).toBe(32 * 1024 * 1024);
    expect(fs.statSync(file).size).toBe("hello\n".length + 32 * 1024 * 1024);
    fs.closeSync(fd);
  });

  // The pump reports moved bytes 5 ms after the first unreported one, so a flood wakes the JS thread a bounded
  // number of times whatever its rate: between two timed reports lie at least 5 ms of the clock this test reads
  // around the whole flood. A report per MiB (or, for discarded bytes, per splice) breaks the bound as soon as the
  // flood outruns 1 MiB per 5 ms.
  it.each([
    ["into a file", true],
    ["discarded (no file)", false],
  ])("a 256 MiB flood %s: every byte counted, at most one report per 5 ms of the flood (plus the last)", async (_label, toFile) => {
    const file = path.join(tempDir(), "out.log");
    const fd = toFile ? fs.openSync(file, "a") : -1;
    const [readFd, writeFd] = api.pipe();
    const flood = collect(() => {});
    const started = performance.now();
    api.start(readFd, fd, -1, flood.onReport);
    expect(await runChild(writeFd, "head -c 268435456 /dev/zero")).toBe(0);
    const totals = await flood.done;
    const elapsedMs = performance.now() - started;
    if (fd >= 0) fs.closeSync(fd);
    expect(toFile ? totals.written : totals.dropped).toBe(256 * 1024 * 1024);
    expect(totals.errors).toEqual([]);
    expect(totals.reports).toBeLessThanOrEqual(Math.floor(elapsedMs / 5) + 2);
  });
});
