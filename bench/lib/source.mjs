// The logs scenario's producer, shared by every system (issue 20): the line stream precomputed once into a
// file and read from the page cache by coreutils `cat`. The floors copy it (`cat SRC | cat > FILE`,
// `cat SRC > FILE`) and the supervised child is the same `cat SRC`, so the rows compare the supervisors and
// the floor with the same producer (a Node writer alone tops out near the pipe's speed and would bound both).
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINE, fillLine } from './logstream.mjs';

let cacheDir = null;

/** The stream's first `bytes` as a file (1 MiB writes). */
export function writeSource(file, bytes) {
  const fd = openSync(file, 'w');
  const lines = 1024;
  const buf = Buffer.alloc(lines * LINE);
  try {
    for (let seq = 0; seq < bytes / LINE; seq += lines) {
      const n = Math.min(lines, bytes / LINE - seq);
      for (let i = 0; i < n; i++) fillLine(buf, i * LINE, seq + i);
      writeSync(fd, buf, 0, n * LINE);
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads the file once so its pages are cached, as a writer's bytes would be in memory. */
function warm(file) {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(8 << 20);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * The path of a `bytes`-long source, written once per benchmark process and reused by every system and rep
 * (writing 1 GiB per run would cost more than the run), re-read before each use so it is in the page cache.
 */
export function sourceFile(bytes) {
  cacheDir ??= mkdtempSync(join(tmpdir(), 'tsup-bench-src-'));
  const file = join(cacheDir, `stream-${bytes}`);
  let size = -1;
  try {
    size = statSync(file).size;
  } catch {
    /* not written yet */
  }
  if (size !== bytes) writeSource(file, bytes);
  warm(file);
  return file;
}

/** Removes the cached sources (the runner calls this at the end, and on ^C). */
export function removeSources() {
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  cacheDir = null;
}

/**
 * argv of the supervised producer: a shell that waits for SIGUSR2 (so the benchmark starts the clock, not the
 * daemon's start-up), then becomes `cat SRC` on the stdout the supervisor gave it, and exits 0 at the end.
 */
export function catOnSignalArgv(src) {
  if (!/^[\w./-]+$/.test(src)) throw new Error(`source path needs quoting: ${src}`);
  return ['/bin/sh', '-c', `trap "kill \\$!; exec cat ${src}" USR2; sleep 1000000 & wait`];
}
