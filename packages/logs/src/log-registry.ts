import type { FileHandle } from "node:fs/promises";
import * as path from "node:path";

/**
 * The logical logs this process writes, by absolute path. A follower of a path that one of our own writers
 * owns subscribes to that writer instead of watching the path: the writer hands it each new file at the moment
 * it switches (rotation, reopen, clear), so the follower reads every generation to its end whatever the path
 * looks like in between (TLF-02 without the race between rename and reopen, any number of rotations).
 */
export interface LogWriterLink {
  /** Opens a follower on the file being written now; null when no file is open (then follow the path). */
  attachFollower(): Promise<WriterFollower | null>;
}

/** One follower's view of a writer: the open generation is `current`; later ones queue up in `pending`. */
export interface WriterFollower {
  /** Called after bytes were appended, when a new generation was queued, and when the writer closed. */
  onChange: (() => void) | null;
  /** Generations opened after the current one, oldest first (each an fd on that file). */
  readonly pending: FileHandle[];
  /** Set when generations were dropped because the follower fell too far behind (a gap it must show). */
  lost: boolean;
  /** Set once the writer closed: no more bytes, no more generations. */
  ended: boolean;
  /** The open generation when the follower attached, and its size then (where TLF-01's tail is measured). */
  readonly first: FileHandle;
  readonly firstSize: number;
  detach(): void;
}

const writers = new Map<string, LogWriterLink[]>();

function key(file: string): string {
  return path.resolve(file);
}

export function registerWriter(file: string, writer: LogWriterLink): void {
  const k = key(file);
  const list = writers.get(k) ?? [];
  list.push(writer);
  writers.set(k, list);
}

export function unregisterWriter(file: string, writer: LogWriterLink): void {
  const k = key(file);
  const list = writers.get(k);
  if (list === undefined) return;
  const rest = list.filter((w) => w !== writer);
  if (rest.length === 0) writers.delete(k);
  else writers.set(k, rest);
}

/** The writer that owns `file` now (the newest, if a reload briefly has two), or null. */
export function writerFor(file: string): LogWriterLink | null {
  const list = writers.get(key(file));
  return list?.[list.length - 1] ?? null;
}
