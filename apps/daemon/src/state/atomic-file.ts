/**
 * Atomic file replacement for the daemon's state files (issue 18): write a temp file in the same directory, then
 * rename it over the target, so a reader (or the next daemon after a crash) sees the old content or the new,
 * never half of one. `durable` adds the fsyncs that make the new content survive a power loss or reboot too:
 * the file's data before the rename, the directory entry after it.
 */
import fs from "node:fs";
import path from "node:path";

function tempPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
}

/** Temp + fsync + rename + fsync of the directory; the temp file is removed again when a step fails. */
export async function writeFileDurable(target: string, data: string): Promise<void> {
  const temp = tempPath(target);
  try {
    const handle = await fs.promises.open(temp, "w", 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, target);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  const dir = await fs.promises.open(path.dirname(target), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Temp + rename, synchronously and without fsync: for runtime records that only have to outlive the daemon's
 * process (a `kill -9` leaves the page cache intact), never a reboot (after one they are meaningless anyway).
 * Synchronous so that the record is on disk before the next event is handled; the file is a few hundred bytes.
 */
export function writeFileAtomicSync(target: string, data: string): void {
  const temp = tempPath(target);
  try {
    fs.writeFileSync(temp, data, { mode: 0o644 });
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** The file's text; null when it does not exist. Other errors (EACCES, EISDIR…) are thrown. */
export function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}
