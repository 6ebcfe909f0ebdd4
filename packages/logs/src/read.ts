import * as fs from "node:fs/promises";
import { SupervisorError } from "@tsupervisord/errors";
import { errnoCode } from "./errors.js";

/** RD-05 (fixed, spec §12 item 1): invalid UTF-8 or a cut character becomes U+FFFD instead of an HTTP 500. */
const lenientDecoder = new TextDecoder("utf-8", { fatal: false });

export function decodeLogBytes(data: Uint8Array): string {
  return lenientDecoder.decode(data);
}

async function readAt(handle: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buf, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buf.subarray(0, filled);
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * supervisord's `readFile` as raw bytes (RD-01..04): `path` null means logfile NONE. NO_FILE is checked first
 * (detail: the path), then the argument rules (BAD_ARGUMENTS), then I/O (FAILED).
 */
export async function readLogRangeBytes(path: string | null, offset: number, length: number): Promise<Buffer> {
  if (path === null || !(await exists(path))) throw new SupervisorError("NO_FILE", path ?? undefined); // RPCError(NO_FILE, None) renders as plain `NO_FILE`
  if (!Number.isInteger(offset) || !Number.isInteger(length)) throw new SupervisorError("BAD_ARGUMENTS");
  if (offset < 0 && length !== 0) throw new SupervisorError("BAD_ARGUMENTS");
  if (offset >= 0 && length < 0) throw new SupervisorError("BAD_ARGUMENTS");
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, "r");
  } catch (err) {
    throw new SupervisorError("FAILED", undefined, { cause: err });
  }
  try {
    const size = (await handle.stat()).size;
    if (offset < 0) {
      // RD-03: the last |offset| bytes (whole file if smaller).
      const start = Math.max(0, size - -offset);
      return await readAt(handle, start, Math.min(-offset, size - start));
    }
    // RD-01 (length > 0) / RD-02 (length 0: to EOF); past EOF is empty.
    const available = Math.max(0, size - offset);
    return await readAt(handle, offset, length === 0 ? available : Math.min(length, available));
  } catch (err) {
    throw new SupervisorError("FAILED", undefined, { cause: err });
  } finally {
    await handle.close();
  }
}

/** `readLog` / `readProcessStdoutLog` / `readProcessStderrLog`: RD-01..05, decoded with replacement. */
export async function readLogRange(path: string | null, offset: number, length: number): Promise<string> {
  return decodeLogBytes(await readLogRangeBytes(path, offset, length));
}

export interface TailResult {
  /** The slice, decoded with replacement (RD-05). */
  data: string;
  /** TL-01: always the file size (the offset to ask from next time). */
  offset: number;
  overflow: boolean;
}

/** The TL-02 offset arithmetic, exactly as supervisord's `tailFile` (overlapping data included, §12 item 3). */
export function tailWindow(size: number, offset: number, length: number): { start: number; length: number; overflow: boolean } {
  let overflow = false;
  if (size > offset + length) {
    overflow = true;
    offset = size - 1;
  }
  if (offset + length > size) {
    if (offset > size - 1) length = 0;
    offset = size - length;
  }
  return { start: Math.max(offset, 0), length: Math.max(length, 0), overflow };
}

/** `tailLog` with the raw bytes (for clients that carry bytes, e.g. gRPC). */
export async function tailLogBytes(
  path: string | null,
  offset: number,
  length: number,
): Promise<{ data: Buffer; offset: number; overflow: boolean }> {
  if (path === null || !(await exists(path))) return { data: Buffer.alloc(0), offset: 0, overflow: false };
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, "r");
  } catch {
    return { data: Buffer.alloc(0), offset, overflow: false };
  }
  try {
    const size = (await handle.stat()).size;
    const window = tailWindow(size, offset, length);
    const readable = Math.max(0, Math.min(window.length, size - window.start));
    const data = readable === 0 ? Buffer.alloc(0) : await readAt(handle, window.start, readable);
    return { data, offset: size, overflow: window.overflow };
  } catch (err) {
    if (errnoCode(err) === undefined) throw err;
    return { data: Buffer.alloc(0), offset, overflow: false };
  } finally {
    await handle.close();
  }
}

/**
 * `tailProcessStdoutLog` / `tailProcessStderrLog` (TL-01..03). A missing file or NONE (null) gives
 * `{ data: "", offset: 0, overflow: false }`; an I/O error gives `{ "", offset, false }` as supervisord does.
 */
export async function tailLog(path: string | null, offset: number, length: number): Promise<TailResult> {
  const result = await tailLogBytes(path, offset, length);
  return { data: decodeLogBytes(result.data), offset: result.offset, overflow: result.overflow };
}
