import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { Readable } from "node:stream";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RotatingFile } from "../src/index.js";
import { read, size, tempDir, writeEach } from "./helpers.js";

/** chattr +i on a directory of the test's filesystem (ext4, XFS, Btrfs; root). */
function canMakeImmutable(): boolean {
  const dir = tempDir();
  try {
    execFileSync("chattr", ["+i", dir], { stdio: "ignore" });
    execFileSync("chattr", ["-i", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("RotatingFile", () => {
  it("ROT-01: 4-byte writes with maxbytes 10 rotate after 12 bytes: files of 12/12/4 (test_emit_does_rollover)", async () => {
    const f = path.join(tempDir(), "out.log");
    const w = new RotatingFile({ path: f, maxbytes: 10, backups: 2 });
    await writeEach(w, Array.from({ length: 7 }, (_, i) => `${i}abc`));
    await w.close();
    expect(size(f)).toBe(4);
    expect(size(`${f}.1`)).toBe(12);
    expect(size(`${f}.2`)).toBe(12);
    // `.1` is the newest backup.
    expect(read(`${f}.1`)).toBe("3abc4abc5abc");
    expect(read(`${f}.2`)).toBe("0abc1abc2abc");
    expect(read(f)).toBe("6abc");
    expect(fs.existsSync(`${f}.3`)).toBe(false);
  });

  it("ROT-01: a batch of buffered chunks rotates at the same chunk boundaries as one-by-one writes", async () => {
    const f = path.join(tempDir(), "out.log");
    const w = new RotatingFile({ path: f, maxbytes: 10, backups: 2 });
    // Written without waiting: the Writable hands them to _writev together.
    for (let i = 0; i < 7; i += 1) w.write(`${i}abc`);
    await w.close();
    expect([read(`${f}.2`), read(`${f}.1`), read(f)]).toEqual(["0abc1abc2abc", "3abc4abc5abc", "6abc"]);
  });

  it("ROT-01: an existing file already over maxbytes rotates at the first write (append position)", async () => {
    const f = path.join(tempDir(), "out.log");
    fs.writeFileSync(f, "x".repeat(100));
    const w = new RotatingFile({ path: f, maxbytes: 50, backups: 1 });
    await writeEach(w, ["y"]);
    await w.close();
    expect(size(`${f}.1`)).toBe(101);
    expect(size(f)).toBe(0);
  });

  it("ROT-01: a chunk larger than maxbytes is written whole, then rotated (a file exceeds maxbytes by up to one chunk)", async () => {
    const f = path.join(tempDir(), "out.log");
    const w = new RotatingFile({ path: f, maxbytes: 10, backups: 3 });
    await writeEach(w, ["a".repeat(5), "b".repeat(40), "c"]);
    await w.close();
    expect(read(`${f}.1`)).toBe("a".repeat(5) + "b".repeat(40));
    expect(read(f)).toBe("c");
  });

  // issue 20: a size rotation's metadata calls are synchronous on a local filesystem and go through libuv's pool
  // elsewhere (rotation/classic.ts); the files and counters are the same either way.
  it.each(["sync", "pool"] as const)("ROT-02: keeps exactly `backups` files, the oldest overwritten, `.1` newest (%s calls)", async (calls) => {
    const f = path.join(tempDir(), "out.log");
    const w = new RotatingFile({ path: f, maxbytes: 5, backups: 3, metadataCalls: calls });
    await writeEach(w, ["11111", "22222", "33333", "44444", "55555", "66"]);
    await w.close();
    expect(read(f)).toBe("66");
    expect(read(`${f}.1`)).toBe("55555");
    expect(read(`${f}.2`)).toBe("44444");
    expect(read(`${f}.3`)).toBe("33333");
    expect(fs.existsSync(`${f}.4`)).toBe(false);
    expect(w.counters).toMatchObject({ bytesWritten: 27, bytesDropped: 0, rotations: 5, bytesRotatedAway: 10 });
    // issue 20: the oldest backup is moved aside and deleted after the new file is in use: nothing is left over.
    expect(fs.readdirSync(path.dirname(f)).sort()).toEqual(["out.log", "out.log.1", "out.log.2", "out.log.3"]);
  });

  it("ROT-02: hidden names left by a daemon that stopped mid-rotation are deleted at the first rotation (issue 20)", async () => {
    const f = path.join(tempDir(), "out.log");
    // The single name of earlier versions, and two of the names a rotation sets the oldest backup aside under.
    for (const name of [".out.log.expired", ".out.log.expired.0", ".out.log.expired.3"]) {
      fs.writeFileSync(path.join(path.dirname(f), name), "stale");
    }
    const w = new RotatingFile({ path: f, maxbytes: 5, backups: 1 });
    await writeEach(w, ["11111", "22222", "33333", "4"]);
    await w.close();
    expect([read(`${f}.1`), read(f)]).toEqual(["33333", "4"]);
    expect(fs.readdirSync(path.dirname(f)).sort()).toEqual(["out.log", "out.log.1"]);
    expect(w.counters).toMatchObject({ rotations: 3, bytesRotatedAway: 10 });
  });

  it("ROT-02: where the oldest backup cannot be set aside, the shift still replaces it, counted, and it is reported once", async () => {
    const f = path.join(tempDir(), "out.log");
    const errors: string[] = [];
    // Every hidden name is a non-empty directory: no rename can take it, and the background deletion fails too.
    for (let i = 0; i < 4; i += 1) {
      fs.mkdirSync(path.join(path.dirname(f), `.out.log.expired.${i}`, "x"), { recursive: true });
    }
    const w = new RotatingFile({ path: f, maxbytes: 5, backups: 2, onError: (e) => errors.push(e.message) });
    await writeEach(w, ["11111", "22222", "33333", "44444", "55555", "6"]);
    await w.close();
    expect([read(`${f}.2`), read(`${f}.1`), read(f)]).toEqual(["44444", "55555", "6"]);
    expect(w.counters).toMatchObject({ rotations: 5, bytesRotatedAway: 15 });
    // One line per name the first set-aside's sweep could not delete (`.1` to `.3`), one for the set-aside into
    // `.0`; later rotations no longer try.
    const setAside = errors.filter((m) => /rename .*out\.log\.2' -> .*\.out\.log\.expired\.0/.test(m));
    expect(setAside).toHaveLength(1);
    expect(errors.length).toBe(4);
  });

  it.skipIf(!canMakeImmutable())("a rotation its directory refuses keeps the file and its bytes, retries once per maxbytes, reports once", async () => {
    const dir = tempDir();
    const f = path.join(dir, "out.log");
    const errors: string[] = [];
    const w = new RotatingFile({ path: f, maxbytes: 10, backups: 2, onError: (e) => errors.push(e.message) });
    try {
      await writeEach(w, ["0123456789"]);
      // Renames and new names in the directory now fail (EPERM, even for root); the open file stays writable.
      execFileSync("chattr", ["+i", dir]);
      await writeEach(w, ["abcdefghij"]); // due: the shift fails
      await writeEach(w, ["klmno"]); // not due again before 10 more bytes
      await writeEach(w, ["pqrst"]); // due again: fails again, not reported again
      expect(read(f)).toBe("abcdefghijklmnopqrst");
      expect(errors).toHaveLength(1);
      execFileSync("chattr", ["-i", dir]);
      await writeEach(w, ["uvwxyz1234"]); // due at 30: the rotation goes through
      await w.close();
      expect([read(`${f}.2`), read(`${f}.1`), read(f)]).toEqual(["0123456789", "abcdefghijklmnopqrstuvwxyz1234", ""]);
      expect(errors).toHaveLength(1);
    } finally {
      execFileSync("chattr", ["-i", dir]);
    }
  });

  it("backups=0 with a pump writing: the file is replaced by a new one at its path, not truncated under the pump (issue 20)", async () => {
    // The pump writes through a descriptor of its own at the old end of the file until it takes the new file;
    // a truncation in place would put those bytes after a hole of zeros.
    const f = path.join(tempDir(), "out.log");
    const w = new RotatingFile({ path: f, maxbytes: 1000, backups: 0 });
    await w.ready;
    w.attachPump({ setFile: () => {}, switches: 0 });
    const pumpFd = fs.openSync(f, "a");
    fs.writeSync(pumpFd, "x".repeat(300));
    await w.rotateNow();
    fs.writeSync(pumpFd, "late");
    fs.closeSync(pumpFd);
    expect(size(f)).toBe(0);
    expect(w.counters).toMatchObject({ rotations: 1, bytesRotatedAway: 300 });
    await w.close();
    expect(fs.readdirSync(path.dirname(f))).toEqual(["out.log"]);
  });

  it("a pump's bytes not yet reported: the file's own size decides a rotation, its count and a follower's start (issue 20)", async () => {
    // The native pump reports what it moved a few ms late; bytes written to the file behind the writer's back
    // stand for those. Without a pump the writer's own count is exact and is what it uses.
    const f = path.join(tempDir(), "out.log");
    const w = new RotatingFile({ path: f, maxbytes: 1000, backups: 0 });
    await w.ready;
    w.attachPump({ setFile: () => {}, switches: 0 });
    fs.appendFileSync(f, "x".repeat(300));
    const follower = await w.attachFollower();
    expect(follower?.firstSize).toBe(300);
    follower?.detach();
    await w.rotateNow(); // `tsctl logrotate --now`: the file has content, so it rotates
    expect(w.counters).toMatchObject({ rotations: 1, bytesRotatedAway: 300 });
    expect(size(f)).toBe(0);
    await w.close();
  });

  it("ROT-03: backups=0 truncates the file in place", async () => {
    const f = path.join(tempDir(), "out.log");
    const w = new RotatingFile({ path: f, maxbytes: 5, backups: 0 });
    await writeEach(w, ["12345", "678"]);
    await w.close();
    expect(read(f)).toBe("678");
    expect(fs.readdirSync(path.dirname(f))).toEqual(["out.log"]);
    expect(w.counters.bytesRotatedAway).toBe(5);
  });

  it("ROT-01: maxbytes=0 never rotates and appends to an existing file (LOG-09)", async () => {
    const f = path.join(tempDir(), "out.log");
    fs.writeFileSync(f, "old\n");
    const w = new RotatingFile({ path: f, maxbytes: 0, backups: 5 });
    await writeEach(w, Array.from({ length: 50 }, () => "x".repeat(100)));
    await w.close();
    expect(size(f)).toBe(4 + 5000);
    expect(fs.readdirSync(path.dirname(f))).toEqual(["out.log"]);
  });

  it("ROT-04: a deleted active file keeps receiving writes until the next rotation recreates it", async () => {
    const f = path.join(tempDir(), "out.log");
    const errors: string[] = [];
    const w = new RotatingFile({ path: f, maxbytes: 10, backups: 1, onError: (e) => errors.push(e.message) });
    await writeEach(w, ["abc"]);
    fs.unlinkSync(f);
    await writeEach(w, ["defgh"]);
    expect(fs.existsSync(f)).toBe(false);
    await writeEach(w, ["ijk"]); // 11 bytes in the unlinked inode: rotation recreates the file
    expect(fs.existsSync(f)).toBe(true);
    await writeEach(w, ["new"]);
    await w.close();
    expect(read(f)).toBe("new");
    expect(fs.existsSync(`${f}.1`)).toBe(false);
    expect(w.counters.bytesDropped).toBe(0);
    expect(errors).toEqual([`log file ${f} was removed while open; recreating it`]);
  });

  it("ROT-05: a non-seekable target (character device) is written without rotating", async () => {
    const errors: Error[] = [];
    const w = new RotatingFile({ path: "/dev/null", maxbytes: 10, backups: 2, onError: (e) => errors.push(e) });
    await writeEach(w, ["0123456789", "0123456789", "x"]);
    await w.close();
    expect(errors).toEqual([]);
    expect(w.counters).toMatchObject({ bytesWritten: 21, rotations: 0 });
    expect(fs.existsSync("/dev/null.1")).toBe(false);
  });

  it("ENOSPC (/dev/full): no crash, bytes dropped and counted, one error reported, still accepting data", async () => {
    const errors: Error[] = [];
    const w = new RotatingFile({ path: "/dev/full", maxbytes: 0, backups: 0, onError: (e) => errors.push(e) });
    await writeEach(w, ["hello", "world", Buffer.alloc(100_000)]);
    await w.flush();
    expect(w.counters).toMatchObject({ bytesWritten: 0, bytesDropped: 100_010 });
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe("ENOSPC");
    expect(w.writable).toBe(true);
    await w.close();
  });

  it("open failure: bytes are dropped and counted; reopen() retries and recovers", async () => {
    const dir = tempDir();
    const f = path.join(dir, "missing-dir", "out.log");
    const errors: Error[] = [];
    const w = new RotatingFile({ path: f, maxbytes: 0, backups: 0, onError: (e) => errors.push(e) });
    await w.ready;
    expect(w.isOpen).toBe(false);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe("ENOENT");
    await writeEach(w, ["lost"]);
    expect(w.bytesDropped).toBe(4);
    fs.mkdirSync(path.dirname(f));
    await w.reopen();
    await writeEach(w, ["kept"]);
    await w.close();
    expect(read(f)).toBe("kept");
    expect(w.counters).toMatchObject({ bytesWritten: 4, bytesDropped: 4 });
  });

  it("CLR-01: reopen() after an external rename (logrotate `create`) writes to a new file by that name", async () => {
    const f = path.join(tempDir(), "out.log");
    const w = new RotatingFile({ path: f, maxbytes: 0, backups: 0 });
    await writeEach(w, ["before\n"]);
    fs.renameSync(f, `${f}.rotated`);
    await writeEach(w, ["still old\n"]);
    await w.reopen();
    await writeEach(w, ["after\n"]);
    await w.close();
    expect(read(`${f}.rotated`)).toBe("before\nstill old\n");
    expect(read(f)).toBe("after\n");
  });

  it("CLR-02: clear() empties the current file and keeps the backups", async () => {
    const f = path.join(tempDir(), "out.log");
    const w = new RotatingFile({ path: f, maxbytes: 5, backups: 2 });
    await writeEach(w, ["12345", "abc"]);
    await w.clear();
    expect(size(f)).toBe(0);
    expect(read(`${f}.1`)).toBe("12345");
    await writeEach(w, ["z"]);
    await w.close();
    expect(read(f)).toBe("z");
  });

  it("LOG-07: creation mode is honoured for new files (0600 for AUTO logs)", async () => {
    const f = path.join(tempDir(), "auto.log");
    const w = new RotatingFile({ path: f, maxbytes: 0, backups: 0, mode: 0o600 });
    await w.ready;
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    await w.close();
  });

  it("backpressure: a source piped into a slower writer is paused, and every byte still arrives", async () => {
    const f = path.join(tempDir(), "out.log");
    const w = new RotatingFile({ path: f, maxbytes: 0, backups: 0, highWaterMark: 1024 });
    const chunks = Array.from({ length: 200 }, (_, i) => Buffer.alloc(4096, i % 256));
    const source = Readable.from(chunks, { objectMode: false });
    let pauses = 0;
    source.on("pause", () => (pauses += 1));
    source.pipe(w, { end: false });
    await new Promise((resolve) => source.on("end", resolve));
    await w.close();
    expect(pauses).toBeGreaterThan(0);
    expect(size(f)).toBe(200 * 4096);
    expect(fs.readFileSync(f).subarray(4096 * 199)).toEqual(chunks[199]);
  });

  it("ROT-05: a pipe (FIFO) target with maxbytes=0 is written without seeking (test_issue_1224)", async () => {
    const dir = tempDir();
    const fifo = path.join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    let received = "";
    const reader = fs.createReadStream(fifo);
    reader.on("data", (d) => (received += d.toString()));
    const ended = new Promise((resolve) => reader.on("end", () => resolve(undefined)));
    const errors: Error[] = [];
    const w = new RotatingFile({ path: fifo, maxbytes: 0, backups: 0, onError: (e) => errors.push(e) });
    await writeEach(w, ["through ", "the pipe\n"]);
    await w.close();
    await ended;
    expect(received).toBe("through the pipe\n");
    expect(errors).toEqual([]);
  });
});
