/**
 * `tsctl logs NAME --since 2h`: a log's content from a point in time on, across its rotated files (numbered,
 * dated, compressed, or still waiting for compression) and the current file, oldest first.
 *
 * Files are ordered by modification time (compression keeps the original's). A file last written before
 * `since` is skipped whole. Inside a file, framed records (`line`: `2026-12-04T15:00:00.123Z …`, `json`:
 * `{"ts":"…",…}`) are kept from the first one stamped at or after `since`; raw (supervisord-format) logs carry
 * no time per line, so a raw file is included whole when it was written to after `since`.
 * Streams: memory stays bounded whatever the size of the logs.
 */
import * as fs from "node:fs";
import { createGunzip } from "node:zlib";
import { rotatedPattern } from "./rotation/names.js";
import { listRotated } from "./rotation/retention.js";

const ISO_PREFIX = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) /u;
const JSON_PREFIX = /^\{"ts":"([^"]+)"/u;
/** The longest unfinished line kept while looking for the first recent record. */
const MAX_CARRY = 1024 * 1024;

/** The record time of a framed line, or null for a raw line. */
export function recordTime(line: string): number | null {
  const m = ISO_PREFIX.exec(line) ?? JSON_PREFIX.exec(line);
  if (m === null) return null;
  const t = Date.parse(m[1] ?? "");
  return Number.isNaN(t) ? null : t;
}

/** The files `readLogSince` reads, oldest first (rotated siblings, then the current file when it exists). */
export async function logFilesInOrder(logPath: string): Promise<Array<{ path: string; mtimeMs: number }>> {
  const all = await listRotated(logPath, rotatedPattern(logPath));
  // While an archive is being finished, `x` and `x.gz` can both exist for a moment: read `x` once.
  const names = new Set(all.map((f) => f.path));
  const files = all.filter((f) => !(f.path.endsWith(".gz") && names.has(f.path.slice(0, -3))));
  try {
    const st = await fs.promises.stat(logPath);
    files.push({ path: logPath, mtimeMs: st.mtimeMs, size: st.size });
  } catch {
    // No current file (not started yet, or removed).
  }
  return files.map((f) => ({ path: f.path, mtimeMs: f.mtimeMs }));
}

function open(path: string): NodeJS.ReadableStream {
  const raw = fs.createReadStream(path);
  return path.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
}

/** Yields the bytes of `logPath` and its rotated files from `sinceMs` on, in order. */
export async function* readLogSince(logPath: string, sinceMs: number): AsyncGenerator<Buffer> {
  for (const file of await logFilesInOrder(logPath)) {
    if (file.mtimeMs < sinceMs) continue;
    let passing = false;
    let carry: Buffer = Buffer.alloc(0);
    /** Inside an old line too long to keep: drop bytes up to its newline. */
    let skipping = false;
    try {
      for await (const piece of open(file.path)) {
        let chunk = piece as Buffer;
        if (passing) {
          yield chunk;
          continue;
        }
        if (skipping) {
          const nl = chunk.indexOf(0x0a);
          if (nl === -1) continue;
          skipping = false;
          chunk = chunk.subarray(nl + 1);
        }
        const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        let start = 0;
        for (let nl = data.indexOf(0x0a); nl !== -1 && !passing; nl = data.indexOf(0x0a, start)) {
          const t = recordTime(data.subarray(start, Math.min(nl, start + 64)).toString("latin1"));
          // A raw line: the file's mtime already said it is recent enough; a framed one: its own time.
          if (t === null || t >= sinceMs) passing = true;
          else start = nl + 1;
        }
        if (passing) {
          yield data.subarray(start);
          carry = Buffer.alloc(0);
        } else if (data.length - start > MAX_CARRY) {
          // Bounded memory: an old line this long is skipped to its end, never yielded as a fragment.
          carry = Buffer.alloc(0);
          skipping = true;
        } else {
          carry = Buffer.from(data.subarray(start));
        }
      }
    } catch {
      // Rotated away or removed while reading: the next file carries on.
      continue;
    }
    if (!passing && carry.length > 0) {
      const t = recordTime(carry.subarray(0, 64).toString("latin1"));
      if (t === null || t >= sinceMs) yield carry;
    }
  }
}
