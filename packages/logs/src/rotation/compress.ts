/**
 * `*_logfile_compress = gzip`: a rotated file becomes `<name>.gz`, streamed through zlib (deflate runs on libuv's
 * thread pool, never on the write path of a child). The result appears atomically (written to `.gz.tmp`, then
 * renamed) and keeps the source's mtime, so ordering by time still works; the source is removed only after the
 * archive is complete. On any failure (ENOSPC, EIO, ...) the partial archive is removed and the uncompressed
 * file is kept: nothing written by a child is lost to compression.
 */
import * as fs from "node:fs";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";

export async function gzipFile(source: string, target: string): Promise<void> {
  const tmp = `${target}.tmp`;
  try {
    const st = await fs.promises.stat(source);
    await pipeline(fs.createReadStream(source), createGzip(), fs.createWriteStream(tmp, { flags: "w", mode: st.mode & 0o777 }));
    await fs.promises.utimes(tmp, st.atime, st.mtime);
    await fs.promises.rename(tmp, target);
  } catch (err) {
    await fs.promises.unlink(tmp).catch(() => {});
    throw err;
  }
  await fs.promises.unlink(source);
}
