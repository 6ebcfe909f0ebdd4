import { Writable } from "node:stream";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import type { FileHandle } from "node:fs/promises";
import { asError, errnoCode } from "./errors.js";
import { registerWriter, unregisterWriter, type LogWriterLink, type WriterFollower } from "./log-registry.js";
import type { RotateSpec, WriteCounters } from "./types.js";
import { Archiver } from "./rotation/archive.js";
import { ExpiredBackups, ignoringEnoent, metadataCallsFor, POOL_CALLS, runAwaiting, runWith, SYNC_CALLS } from "./rotation/classic.js";
import type { MetadataCalls, Steps } from "./rotation/classic.js";
import { systemClock, TimeTrigger } from "./rotation/time-trigger.js";
import { daemonStdStream, writeToStream } from "./pipeline/std-stream.js";
import type { Clock } from "./rotation/time-trigger.js";
import { pumpError, type PumpLink, type PumpProgress } from "./pump/pump-link.js";

/** Extension rotation options (`*_logfile_rotate`, `_rotate_suffix`, `_compress`, `_maxage`); absent = supervisord's. */
export interface RotationPolicy {
  rotate: RotateSpec;
  suffix: "number" | "date";
  compress: "none" | "gzip";
  maxageMs: number;
  /** Injected in tests (a fake clock drives time rotation and date names). */
  clock?: Clock;
}

export interface RotatingFileOptions {
  path: string;
  /** ROT-01: rotate after a write that leaves the file at or above this size; 0 = never rotate. */
  maxbytes: number;
  /** ROT-02/03: backups kept (`<path>.1` newest); 0 = truncate in place. */
  backups: number;
  /** Creation mode (the process umask still applies); 0o666 by default, 0o600 for AUTO logs (LOG-07). */
  mode?: number;
  /** Bytes buffered before `write()` returns false and a piped source is paused. Default 1 MiB. */
  highWaterMark?: number;
  /** Faults (open failures, ENOSPC, ...) are reported here, never thrown or emitted as 'error'. */
  onError?: (err: Error) => void;
  /** Time rotation, date names, compression, retention (see rotation/). */
  policy?: RotationPolicy;
  /**
   * How a size rotation makes its metadata calls (rotation/classic.ts): by default synchronously on a local
   * filesystem and through libuv's pool elsewhere. Tests pin one to run the same rotations both ways.
   */
  metadataCalls?: "sync" | "pool";
}

/**
 * Generations a follower may fall behind by before the oldest are dropped (each queued one is an open fd that
 * keeps a rotated-away file readable, even once deleted): at most 16 files and about 256 MiB of them, at least
 * 2, so a stalled follower bounds the daemon's fds and disk whatever it does.
 */
export const MAX_PENDING_GENERATIONS = 16;
const MAX_PENDING_BYTES = 256 * 1024 * 1024;

function pendingLimit(maxbytes: number): number {
  return Math.max(2, Math.min(MAX_PENDING_GENERATIONS, Math.floor(MAX_PENDING_BYTES / Math.max(1, maxbytes))));
}

class Follower implements WriterFollower {
  onChange: (() => void) | null = null;
  readonly pending: FileHandle[] = [];
  lost = false;
  ended = false;

  constructor(
    readonly first: FileHandle,
    readonly firstSize: number,
    private readonly limit: number,
    private readonly detachFrom: (f: Follower) => void,
  ) {}

  notify(): void {
    this.onChange?.();
  }

  push(handle: FileHandle): void {
    this.pending.push(handle);
    while (this.pending.length > this.limit) {
      this.lost = true;
      void this.pending.shift()?.close();
    }
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  detach(): void {
    this.detachFrom(this);
    for (const h of this.pending.splice(0)) void h.close();
  }
}

/** Linux IOV_MAX: one writev takes at most this many buffers. */
const IOV_MAX = 1024;

function fstatAsync(fd: number): Promise<fs.Stats> {
  return new Promise((resolve, reject) => fs.fstat(fd, (err, st) => (err ? reject(err) : resolve(st))));
}

function closeAsync(fd: number): Promise<void> {
  return new Promise((resolve) => fs.close(fd, () => resolve()));
}

function writevAsync(fd: number, bufs: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => fs.writev(fd, bufs, (err, n) => (err ? reject(err) : resolve(n))));
}

/** A write that failed after `written` bytes had reached the file. */
class PartialWriteError extends Error {
  constructor(
    readonly failure: unknown,
    readonly written: number,
  ) {
    super("write failed");
  }
}

/** Write every byte of `bufs` (looping over short writes, at most IOV_MAX buffers per call). */
async function writevAll(fd: number, bufs: Buffer[]): Promise<void> {
  let pending = bufs.filter((b) => b.length > 0);
  let total = 0;
  while (pending.length > 0) {
    const batch = pending.length > IOV_MAX ? pending.slice(0, IOV_MAX) : pending;
    let written: number;
    try {
      written = await writevAsync(fd, batch);
    } catch (err) {
      throw new PartialWriteError(err, total);
    }
    total += written;
    // Drop what was written; keep the unwritten tail of a partially written buffer.
    let i = 0;
    while (i < pending.length && written > 0) {
      const b = pending[i]!;
      if (written >= b.length) {
        written -= b.length;
        i += 1;
      } else {
        pending[i] = b.subarray(written);
        written = 0;
      }
    }
    pending = pending.slice(i);
  }
}


function totalLength(bufs: readonly Buffer[]): number {
  let n = 0;
  for (const b of bufs) n += b.length;
  return n;
}

/**
 * An append-only log file rotated as supervisord's RotatingFileHandler does (ROT-01..05), as a Writable:
 * a source piped into it is paused while the disk is behind (bounded by `highWaterMark`). All I/O is async, but
 * for a size rotation's metadata calls on a local filesystem (rotation/classic.ts);
 * a fault never rejects a write: the bytes are dropped, counted and reported once through `onError`, and the
 * writer keeps accepting data (and tries again on `reopen()`/`clear()`).
 */
export class RotatingFile extends Writable implements LogWriterLink {
  readonly path: string;
  readonly maxbytes: number;
  readonly backups: number;
  /** Settles once the first open has been attempted (it never rejects). */
  readonly ready: Promise<void>;

  private readonly mode: number;
  private readonly onErrorCallback: ((err: Error) => void) | undefined;
  private fd: number | null = null;
  /** `/dev/stdout` when the daemon's stdout is a socket (cannot be opened by name): its own stream. */
  private stream: NodeJS.WritableStream | null = null;
  /** Current size of the open file (the append position). */
  private position = 0;
  /** Regular files rotate; character devices and pipes (ROT-05) are written without seeking or rotating. */
  private seekable = false;
  /** True while writes fail, so a streak of ENOSPC is reported once. */
  private failing = false;
  /** After close() the file stays closed: a late reopen/clear (e.g. SIGUSR2 racing a removal) opens nothing. */
  private shutDown = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly stats: WriteCounters = { bytesWritten: 0, bytesDropped: 0, bytesRotatedAway: 0, rotations: 0 };
  /** False when `*_logfile_rotate` names only a time trigger: maxbytes is then not a trigger. */
  private readonly sizeTrigger: boolean;
  private readonly archiver: Archiver | null;
  private readonly timeTrigger: TimeTrigger | null;
  private readonly clock: Clock;
  /** When the current file was opened: a size rotation names the file after the period it started in. */
  private openedAt = 0;
  private readonly followers = new Set<Follower>();
  private registered = true;
  /** issue 20: the native pump writing this file now (null: bytes come through write()). */
  private pump: PumpLink | null = null;
  /** Closes of files a rotation retired (see rotate()): off the path that holds up the child. */
  private retiring: Promise<void> = Promise.resolve();
  /** The backups that fell off the end, deleted off that path too. */
  private readonly expired: ExpiredBackups;
  /** Chosen at the first size rotation (rotation/classic.ts), unless the options pinned them. */
  private calls: MetadataCalls | null;
  /**
   * The size at which the current file rotates by size: maxbytes, or after a rotation that could not move the file
   * aside (its directory refused a rename), maxbytes past the size it had then. The file is kept, never truncated,
   * and a refusal that persists is tried again once per maxbytes of output, reported once per streak.
   */
  private sizeDue: number;
  private rotationFailing = false;

  constructor(options: RotatingFileOptions) {
    super({ highWaterMark: options.highWaterMark ?? 1024 * 1024, decodeStrings: true });
    this.path = options.path;
    this.maxbytes = Math.max(0, options.maxbytes);
    this.sizeDue = this.maxbytes;
    this.backups = Math.max(0, options.backups);
    this.mode = options.mode ?? 0o666;
    this.onErrorCallback = options.onError;
    this.expired = new ExpiredBackups(this.path, (err) => this.report(err));
    this.calls = options.metadataCalls === undefined ? null : options.metadataCalls === "sync" ? SYNC_CALLS : POOL_CALLS;
    const policy = options.policy;
    this.sizeTrigger = policy?.rotate.size ?? true;
    const clock = policy?.clock ?? systemClock;
    this.clock = clock;
    this.archiver =
      policy === undefined
        ? null
        : new Archiver({
            path: this.path,
            backups: this.backups,
            suffix: policy.suffix,
            compress: policy.compress,
            maxageMs: policy.maxageMs,
            time: policy.rotate.time,
            clock,
            report: (err) => this.report(err),
          });
    const time = policy?.rotate.time ?? null;
    this.timeTrigger =
      time === null ? null : new TimeTrigger(time, clock, (ended) => void this.exclusive(() => this.rotateIfUsed(ended)));
    this.ready = this.exclusive(() => this.openFile("a"));
    registerWriter(this.path, this);
    this.timeTrigger?.start();
  }

  /**
   * TLF-01/02 keyed on the logical log: a follower starts on the file being written now and is handed every
   * later file at the moment the writer switches, so it never sees the path mid-rotation and never skips one.
   */
  attachFollower(): Promise<WriterFollower | null> {
    let result: WriterFollower | null = null;
    return this.exclusive(async () => {
      if (this.fd === null || this.shutDown || !this.seekable) return;
      const handle = await fs.promises.open(this.path, "r");
      // A pump reports what it moved a few ms late: the file's own size is where "now" is.
      let size = this.position;
      try {
        if (this.pump !== null) size = (await handle.stat()).size;
      } catch (err) {
        await handle.close();
        throw err;
      }
      const follower: Follower = new Follower(handle, size, pendingLimit(this.maxbytes), (f) => this.followers.delete(f));
      this.followers.add(follower);
      result = follower;
    }).then(() => result);
  }

  /** issue 20: a native pump writes this file from now on; it is handed every file the writer switches to. */
  attachPump(link: PumpLink): void {
    this.pump = link;
  }

  detachPump(link: PumpLink): void {
    if (this.pump === link) this.pump = null;
  }

  /**
   * issue 20: the pump needs a file: its first (hand it the current one, whatever its size: as supervisord, a file
   * already past maxbytes rotates after the next write), or its write took the file to maxbytes (ROT-01: rotate
   * now). Always answers: the pump waits for it, and the child once the pipe is full.
   */
  pumpWantsFile(link: PumpLink): void {
    const before = link.switches;
    void this.exclusive(async () => {
      try {
        if (this.pump === link && !this.shutDown && before > 0 && this.pumpRoom() === 0) await this.rotate();
      } finally {
        if (link.switches === before) link.setFile(this.pump === link ? (this.fd ?? -1) : -1, this.pumpRoom());
      }
    });
  }

  /** issue 20: what the pump moved (see native/pump.c): counted as the JS path counts its writes. */
  pumpProgress(progress: PumpProgress): void {
    this.position += progress.written;
    this.stats.bytesWritten += progress.written + progress.stale;
    this.stats.bytesDropped += progress.dropped;
    if (progress.error !== 0) this.report(pumpError(progress.error, this.path));
    if (progress.written > 0) for (const f of this.followers) f.notify();
  }

  /** Bytes the pump may write before the size trigger is due; -1 when this file never rotates by size. */
  private pumpRoom(): number {
    if (this.fd === null || !this.seekable || this.maxbytes === 0 || !this.sizeTrigger) return -1;
    return Math.max(0, this.sizeDue - this.position);
  }

  get counters(): Readonly<WriteCounters> {
    return { ...this.stats, bytesRotatedAway: this.stats.bytesRotatedAway + (this.archiver?.bytesRotatedAway ?? 0) };
  }

  /** When the next time rotation is due (ms since the epoch), or null without a time trigger. */
  get nextRotationAt(): number | null {
    return this.timeTrigger?.nextAt ?? null;
  }

  /**
   * `tsctl logrotate --now`: rotate at once as the configured triggers would (a regular, non-empty file only;
   * devices and pipes never rotate). Resolves once the file is renamed and reopened.
   */
  rotateNow(): Promise<void> {
    return this.exclusive(() => this.rotateIfUsed(null));
  }

  /** Settles when queued compression and retention jobs, and the deletion of expired backups, are done. */
  archived(): Promise<void> {
    return Promise.all([this.archiver?.idle(), this.expired.idle(), this.retiring]).then(() => undefined);
  }

  get bytesWritten(): number {
    return this.stats.bytesWritten;
  }

  get bytesDropped(): number {
    return this.stats.bytesDropped;
  }

  /** True while the file is open (false after an open failure, until a successful reopen). */
  get isOpen(): boolean {
    return this.fd !== null || this.stream !== null;
  }

  /** CLR-01: close and reopen the file by name (after an external logrotate, or to retry after a fault). */
  reopen(): Promise<void> {
    return this.exclusive(async () => {
      if (this.shutDown) return;
      // An open device or pipe is the same after a reopen; a FIFO whose reader went away would block the open.
      if ((this.fd !== null || this.stream !== null) && !this.seekable) return;
      await this.closeFile();
      await this.openFile("a");
      await this.announceGeneration();
    });
  }

  /** CLR-02: close, delete (ENOENT ignored), reopen a new empty file; backups are kept. */
  clear(): Promise<void> {
    return this.exclusive(async () => {
      if (this.shutDown) return;
      // A device or pipe (`/dev/stdout`) has nothing to clear, and is never deleted (as root that would remove
      // /dev/stdout itself) nor reopened (a FIFO without a reader would block the open).
      if ((this.fd !== null || this.stream !== null) && !this.seekable) return;
      await this.closeFile();
      try {
        await runAwaiting(ignoringEnoent(() => POOL_CALLS.unlink(this.path)));
      } catch (err) {
        this.report(err);
      }
      await this.openFile("a");
      await this.announceGeneration();
    });
  }

  /** Flush buffered data and close the file. The writer is not used again. */
  close(): Promise<void> {
    this.shutDown = true;
    this.retire();
    this.timeTrigger?.stop();
    // Compression and retention already queued finish before the writer counts as closed.
    if (this.writableFinished || this.destroyed) return this.exclusive(() => this.closeFile()).then(() => this.archived());
    return new Promise<void>((resolve) => {
      this.once("finish", () => resolve());
      this.once("close", () => resolve());
      if (!this.writableEnded) this.end();
    }).then(() => this.archived());
  }

  /** Resolves when everything written so far has reached the file (or been dropped and counted). */
  flush(): Promise<void> {
    if (this.writableEnded || this.destroyed) return this.exclusive(async () => {});
    // An empty write's callback runs after every chunk queued before it has been handled.
    return new Promise((resolve) => this.write(Buffer.alloc(0), () => resolve()));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    void this.exclusive(() => this.writeChunks([chunk])).then(() => callback());
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    void this.exclusive(() => this.writeChunks(chunks.map((c) => c.chunk))).then(() => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.shutDown = true;
    this.retire();
    this.timeTrigger?.stop();
    void this.exclusive(() => this.closeFile()).then(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.shutDown = true;
    this.retire();
    this.timeTrigger?.stop();
    void this.exclusive(() => this.closeFile()).then(() => callback(error));
  }

  /** No more writes: leave the registry; followers end once everything queued before this reached the file. */
  private retire(): void {
    if (!this.registered) return;
    this.registered = false;
    unregisterWriter(this.path, this);
    void this.exclusive(async () => {
      for (const f of this.followers) f.end();
      this.followers.clear();
    });
  }

  /** Hand every follower the file just opened (rotation, reopen, clear), before a byte is written to it. */
  private async announceGeneration(): Promise<void> {
    this.pump?.setFile(this.fd ?? -1, this.pumpRoom());
    if (this.followers.size === 0 || this.fd === null) return;
    for (const f of this.followers) {
      try {
        f.push(await fs.promises.open(this.path, "r"));
      } catch (err) {
        f.lost = true;
        f.notify();
        this.report(err);
      }
    }
  }

  /** Serialise writes, rotations, reopen/clear/close: each runs after the previous one settled. */
  private exclusive(fn: () => Promise<void>): Promise<void> {
    const next = this.chain.then(fn).catch((err: unknown) => this.report(err));
    this.chain = next;
    return next;
  }

  private report(err: unknown): void {
    const callback = this.onErrorCallback;
    if (callback === undefined) return;
    try {
      callback(asError(err));
    } catch {
      // A faulty reporter must not take the writer down.
    }
  }

  private async openFile(flags: "a" | "w"): Promise<void> {
    try {
      const fd = await POOL_CALLS.open(this.path, flags, this.mode);
      try {
        const st = await fstatAsync(fd);
        this.seekable = st.isFile();
        this.position = this.seekable ? st.size : 0;
      } catch {
        this.seekable = false;
        this.position = 0;
      }
      this.fd = fd;
      this.openedAt = this.clock.now();
      this.failing = false;
    } catch (err) {
      this.fd = null;
      const std = errnoCode(err) === "ENXIO" ? daemonStdStream(this.path) : null;
      if (std !== null) {
        this.stream = std;
        this.seekable = false;
        this.position = 0;
        this.failing = false;
        return;
      }
      this.report(err);
    }
  }

  private async closeFile(): Promise<void> {
    const fd = this.fd;
    this.fd = null;
    this.stream = null;
    if (fd !== null) await closeAsync(fd);
  }

  private drop(bytes: number): void {
    this.stats.bytesDropped += bytes;
  }

  private async writeChunks(bufs: Buffer[]): Promise<void> {
    if (!this.seekable || this.maxbytes === 0 || !this.sizeTrigger) {
      await this.writeGroup(bufs);
      return;
    }
    // ROT-01: rotation is checked after each chunk, so split the batch at every point where a chunk takes
    // the file to maxbytes: exactly the files supervisord would produce for the same sequence of chunks.
    let group: Buffer[] = [];
    let groupBytes = 0;
    for (const buf of bufs) {
      group.push(buf);
      groupBytes += buf.length;
      if (this.position + groupBytes >= this.sizeDue) {
        await this.writeGroup(group);
        group = [];
        groupBytes = 0;
        if (this.fd !== null && this.seekable && this.position >= this.sizeDue) await this.rotate();
      }
    }
    if (group.length > 0) await this.writeGroup(group);
  }

  private async writeGroup(bufs: Buffer[]): Promise<void> {
    const bytes = totalLength(bufs);
    if (bytes === 0) return;
    const fd = this.fd;
    if (fd === null && this.stream !== null) {
      const err = await writeToStream(this.stream, bufs);
      if (err === null) {
        this.stats.bytesWritten += bytes;
        this.failing = false;
      } else {
        this.drop(bytes);
        if (!this.failing) {
          this.failing = true;
          this.report(err);
        }
      }
      return;
    }
    if (fd === null) {
      this.drop(bytes);
      return;
    }
    try {
      await writevAll(fd, bufs);
      this.position += bytes;
      this.stats.bytesWritten += bytes;
      this.failing = false;
      for (const f of this.followers) f.notify();
    } catch (err) {
      // Bytes that made it before the failure count as written; the rest are dropped.
      const written = err instanceof PartialWriteError ? err.written : 0;
      this.position += written;
      this.stats.bytesWritten += written;
      this.drop(bytes - written);
      if (!this.failing) {
        this.failing = true;
        this.report(err instanceof PartialWriteError ? err.failure : err);
      }
    }
  }

  /** Time trigger / on demand: rotate a regular file that has content (an empty period leaves no file). */
  private async rotateIfUsed(endedLabel: string | null): Promise<void> {
    if (this.shutDown || this.fd === null || !this.seekable || (await this.currentSize(POOL_CALLS)) === 0) return;
    await this.rotate(endedLabel);
  }

  /** The open file's size: `position`, or with a pump (which reports a few ms late) the file's own. */
  private async currentSize(calls: MetadataCalls): Promise<number> {
    if (this.pump === null || this.fd === null) return this.position;
    try {
      return await calls.fdSize(this.fd);
    } catch {
      return this.position;
    }
  }

  private async metadataCalls(): Promise<MetadataCalls> {
    this.calls ??= await metadataCallsFor(nodePath.dirname(this.path));
    return this.calls;
  }

  /**
   * ROT-02/ROT-03: shift backups (`.1` newest), move the file to `.1`, reopen it truncated. The path never goes
   * missing on the way (a reader that looks in between would see NO_FILE / a 404 / an empty tail): the current
   * file is hard-linked to `.1` and a new empty file is renamed over the path, both atomic. Where hard links are
   * not possible the classic rename-then-create is used.
   * With date names or gzip (issue 15) the file is renamed aside by the archiver instead (the path is missing
   * for the moment between that rename and the new file's creation; followers are handed the new file).
   */
  private async rotate(endedLabel: string | null = null): Promise<void> {
    if (this.archiver?.replacesClassicRotation === true) {
      await this.closeFile();
      this.stats.rotations += 1;
      try {
        await this.archiver.moveAside(endedLabel, this.openedAt);
      } catch (err) {
        if (errnoCode(err) === "ENOENT") this.report(new Error(`log file ${this.path} was removed while open; recreating it`));
        else this.report(err);
      }
      await this.openFile("w");
      await this.announceGeneration();
      return;
    }
    const calls = await this.metadataCalls();
    const size = await this.currentSize(calls);
    // The file being rotated away is closed once the new one is in use: nothing needs it closed first, and a
    // close can take long (NFS writes the file's dirty pages out at close).
    const retired = this.fd;
    this.fd = null;
    this.stream = null;
    this.stats.rotations += 1;
    let expired: string | null = null;
    try {
      const shift = await runWith(calls, this.shiftBackups(calls, size));
      expired = shift.expired;
      if (shift.moved) {
        if (!shift.replaced) await this.openFile("w");
        this.sizeDue = this.maxbytes;
      } else {
        // The file is where it was, with its bytes: keep appending to it, never truncate it (a rotation that
        // failed half-way lost up to maxbytes of log to the "w" reopen before).
        await this.openFile("a");
        this.sizeDue = this.position + this.maxbytes;
      }
      await this.announceGeneration();
      this.archiver?.afterClassicRotation();
    } finally {
      if (retired !== null) this.retiring = Promise.all([this.retiring, this.closeRetired(retired)]).then(() => undefined);
      if (expired !== null) this.expired.deleteLater(expired);
    }
  }

  /** Close a file a rotation switched away from; its close is where NFS reports a failed write-out. */
  private closeRetired(fd: number): Promise<void> {
    return new Promise((resolve) =>
      fs.close(fd, (err) => {
        if (err !== null && err.code !== "EBADF") this.report(err);
        resolve();
      }),
    );
  }

  /**
   * ROT-02's files (rotation/classic.ts runs these steps with or without an await per call): the oldest backup
   * set aside, `.N-1` … `.1` shifted, the current file made `.1` and a new one opened at its path. ROT-03
   * (backups=0): the file is emptied. `moved`: the current file's bytes are no longer at its path (or are meant to
   * go); false when a call failed before that, and the caller keeps the file.
   */
  private *shiftBackups(
    calls: MetadataCalls,
    size: number,
  ): Steps<{ moved: boolean; replaced: boolean; expired: string | null }> {
    let replaced = false;
    let expired: string | null = null;
    try {
      if (this.backups > 0) {
        const oldest = `${this.path}.${this.backups}`;
        let away: number | null = null;
        try {
          away = (yield () => calls.size(oldest)) as number;
        } catch {
          // No oldest backup yet: nothing falls off the end.
        }
        if (away !== null) {
          this.stats.bytesRotatedAway += away;
          expired = yield* this.expired.setAside(oldest, calls);
        }
        for (let i = this.backups - 1; i >= 1; i -= 1) {
          const from = `${this.path}.${i}`;
          const to = `${this.path}.${i + 1}`;
          yield* ignoringEnoent(() => calls.rename(from, to));
        }
        replaced = yield* this.moveToFirstBackup(calls);
      } else {
        this.stats.bytesRotatedAway += size;
        // A pump still writing (a time rotation, `logrotate --now`) would go on at its old offset in a file
        // truncated in place, leaving a hole of zeros before its bytes: it gets a new file by the same name.
        if (this.pump !== null) {
          try {
            replaced = yield* this.freshFileAtPath(calls);
          } catch {
            // The directory refused a new file: the file is emptied in place, as without a pump.
          }
        }
      }
    } catch (err) {
      if (!this.rotationFailing) this.report(err);
      this.rotationFailing = true;
      return { moved: false, replaced: false, expired };
    }
    this.rotationFailing = false;
    return { moved: true, replaced, expired };
  }

  /**
   * A new empty file renamed over the path (atomic: the path never goes missing); true when it is open. Throws
   * when the rename failed (the new file removed again).
   */
  private *freshFileAtPath(calls: MetadataCalls): Steps<boolean> {
    const fresh = nodePath.join(nodePath.dirname(this.path), `.${nodePath.basename(this.path)}.rotating`);
    const fd = (yield () => calls.open(fresh, "w", this.mode)) as number;
    try {
      yield () => calls.rename(fresh, this.path);
    } catch (err) {
      try {
        yield () => calls.close(fd);
      } catch {
        // The rename's error is the one to report.
      }
      yield* ignoringEnoent(() => calls.unlink(fresh));
      throw err;
    }
    this.fd = fd;
    this.seekable = true;
    this.position = 0;
    this.failing = false;
    this.openedAt = this.clock.now();
    return true;
  }

  /** The current file becomes `.1` and a new empty file takes its path; true when the new file is open. */
  private *moveToFirstBackup(calls: MetadataCalls): Steps<boolean> {
    const first = `${this.path}.1`;
    yield* ignoringEnoent(() => calls.unlink(first)); // only left over when a shift above failed
    try {
      yield () => calls.link(this.path, first);
    } catch (err) {
      const code = errnoCode(err);
      if (code === "ENOENT") {
        // ROT-04: the file was deleted while open; what went to it since is gone. Recreate it, say so.
        this.report(new Error(`log file ${this.path} was removed while open; recreating it`));
        return false;
      }
      // No hard links here (some network or FUSE filesystems): the classic rename, then create.
      yield () => calls.rename(this.path, first);
      return false;
    }
    try {
      return yield* this.freshFileAtPath(calls);
    } catch (err) {
      // The old file is safe at `.1`, and the path is the same inode: unlink it (never truncate the backup),
      // the caller creates a new one.
      this.report(err);
      yield* ignoringEnoent(() => calls.unlink(this.path));
      return false;
    }
  }
}
