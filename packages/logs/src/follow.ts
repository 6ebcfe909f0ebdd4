import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { writerFor, type WriterFollower } from "./log-registry.js";

export interface FollowOptions {
  /** Stops the iteration (the iterator then returns normally). */
  signal?: AbortSignal;
  /** TLF-01: how much of the existing end of the file to send first (default 1024). */
  initialBytes?: number;
  /** Safety re-check interval when no fs event arrives (default 1000 ms); events make it rarely matter. */
  recheckMs?: number;
  /** Largest chunk yielded at once (default 64 KiB): a slow consumer never makes us buffer more. */
  chunkSize?: number;
}

export const TRUNCATED_MARKER = Buffer.from("==> File truncated <==\n");

/** Resolves on the next change signal, the safety timeout, or abort. */
class Waker {
  private wake: (() => void) | null = null;
  private signalled = false;

  notify(): void {
    this.signalled = true;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** `ms` null: no safety timer (the writer tells us about every change). */
  wait(ms: number | null, signal: AbortSignal | undefined): Promise<void> {
    if (this.signalled || signal?.aborted) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.wake = null;
        this.signalled = false;
        resolve();
      };
      const timer = ms === null ? undefined : setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
      this.wake = done;
    });
  }
}

async function statOrNull(p: string): Promise<fs.Stats | null> {
  try {
    return await fsp.stat(p);
  } catch {
    return null;
  }
}

/**
 * `tail -f` of a log file (TLF-01/02): the last `initialBytes` bytes, then appended bytes as they arrive.
 * When this process writes the file (a RotatingFile), the follow is keyed on that logical log: every file the
 * writer switches to (rotation, reopen, clear) is handed over at the switch and read from its start after the
 * previous one was read to its end, so any number of rotations gives no gap and no duplicate. Otherwise (or once
 * the writer closed) the path is watched: rotation and clear (the path names another inode) reopen it and
 * stream it from its start, `==> File truncated <==` marks a shrink, and a vanished path keeps the open file.
 * Throws ENOENT if the file does not exist at the start.
 */
export async function* followLog(file: string, options: FollowOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  const initialBytes = options.initialBytes ?? 1024;
  const writer = writerFor(file);
  const follower = writer === null ? null : await writer.attachFollower();
  if (follower !== null) {
    yield* followWriter(file, follower, options, initialBytes);
    return;
  }
  const handle = await fsp.open(file, "r");
  const size = (await handle.stat().catch(async (err: unknown) => {
    await handle.close();
    throw err;
  })).size;
  yield* followPath(file, handle, Math.max(0, size - initialBytes), options);
}

/** Yields the bytes of `handle` from `position` to its current end, in bounded chunks; returns the new position. */
async function* drain(
  handle: fsp.FileHandle,
  position: number,
  end: number,
  chunkSize: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer, number, undefined> {
  while (position < end && !signal?.aborted) {
    const length = Math.min(chunkSize, end - position);
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buf, 0, length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
  return position;
}

async function* followWriter(
  file: string,
  follower: WriterFollower,
  options: FollowOptions,
  initialBytes: number,
): AsyncGenerator<Buffer, void, undefined> {
  const { signal } = options;
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const waker = new Waker();
  follower.onChange = () => waker.notify();
  let handle = follower.first;
  let handedOff = false;
  try {
    let position = Math.max(0, follower.firstSize - initialBytes);
    while (!signal?.aborted) {
      const st = await handle.stat();
      if (st.size < position) {
        // Truncated in place (backups=0 rotation, or someone else's truncate): stream it again from its start.
        yield TRUNCATED_MARKER;
        position = 0;
      }
      position = yield* drain(handle, position, st.size, chunkSize, signal);
      if (signal?.aborted) break;
      const next = follower.pending[0];
      if (next !== undefined) {
        // The writer closed this file before it opened `next`: once read to its end it is done.
        if ((await handle.stat()).size > position) continue;
        follower.pending.shift();
        await handle.close();
        handle = next;
        position = 0;
        if (follower.lost) {
          follower.lost = false;
          yield TRUNCATED_MARKER; // generations were dropped while we were too far behind
        }
        continue;
      }
      if (follower.ended) {
        // The writer closed (process removed, reload): keep following the path as any reader would.
        handedOff = true;
        follower.detach();
        yield* followPath(file, handle, position, options);
        return;
      }
      if ((await handle.stat()).size !== position) continue;
      await waker.wait(null, signal);
    }
  } finally {
    if (!handedOff) {
      follower.detach();
      await handle.close();
    }
  }
}

async function* followPath(
  file: string,
  initial: fsp.FileHandle,
  startAt: number,
  options: FollowOptions,
): AsyncGenerator<Buffer, void, undefined> {
  const { signal } = options;
  const recheckMs = options.recheckMs ?? 1000;
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const waker = new Waker();
  let handle = initial;
  let watcher: fs.FSWatcher | null = null;
  const base = path.basename(file);
  try {
    watcher = fs.watch(path.dirname(file), { persistent: false }, (_event, name) => {
      if (name === null || name === base) waker.notify();
    });
    watcher.on("error", () => waker.notify());
  } catch {
    watcher = null; // no inotify: the safety re-check still follows the file
  }
  try {
    let position = startAt;
    while (!signal?.aborted) {
      // Stream whatever the open file has beyond our position, in bounded chunks.
      const st = await handle.stat();
      if (st.size < position) {
        yield TRUNCATED_MARKER;
        position = 0;
      }
      position = yield* drain(handle, position, st.size, chunkSize, signal);
      // Rotation or clear: the name now refers to another file; finish the old one above, then switch.
      const named = await statOrNull(file);
      if (named !== null && (named.ino !== st.ino || named.dev !== st.dev)) {
        // Bytes that reached the old file after our read above come first (the loop reads them, then returns).
        if ((await handle.stat()).size > position) continue;
        const fresh = await fsp.open(file, "r").catch(() => null);
        if (fresh !== null) {
          await handle.close();
          handle = fresh;
          position = 0;
          continue;
        }
      }
      const latest = await handle.stat();
      if (latest.size !== position) continue;
      await waker.wait(recheckMs, signal);
    }
  } finally {
    watcher?.close();
    await handle.close();
  }
}
