import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";

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

  wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (this.signalled || signal?.aborted) {
      this.signalled = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.wake = null;
        this.signalled = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
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
 * Follows rotation and clear (the path now names another inode: reopen, stream it from its start), shows
 * `==> File truncated <==` when the file shrinks, keeps following the open file if the path disappears.
 * Event-driven (fs.watch on the directory) with a slow safety re-check. Throws ENOENT if the file does not
 * exist at the start.
 */
export async function* followLog(file: string, options: FollowOptions = {}): AsyncGenerator<Buffer, void, undefined> {
  const { signal } = options;
  const initialBytes = options.initialBytes ?? 1024;
  const recheckMs = options.recheckMs ?? 1000;
  const chunkSize = options.chunkSize ?? 64 * 1024;
  const waker = new Waker();
  let handle = await fsp.open(file, "r");
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
    let st = await handle.stat();
    let position = Math.max(0, st.size - initialBytes);
    while (!signal?.aborted) {
      // Stream whatever the open file has beyond our position, in bounded chunks.
      st = await handle.stat();
      if (st.size < position) {
        yield TRUNCATED_MARKER;
        position = 0;
      }
      while (position < st.size && !signal?.aborted) {
        const length = Math.min(chunkSize, st.size - position);
        const buf = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buf, 0, length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        yield buf.subarray(0, bytesRead);
      }
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
