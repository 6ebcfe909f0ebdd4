/**
 * issue 20: the children file as an append-only journal. Since issue 18 the whole file was rewritten (temp +
 * rename) on every spawn and exit: 100 programs cost ~100 renames and O(n²) bytes at start-up. Now a spawn or
 * exit appends one line through a descriptor kept open (one write(2) for all the changes of one step), and the
 * file is compacted (rewritten atomically with only the live children) when it has grown past a few times the
 * live set. A `kill -9` cannot tear a write(2) to a regular file, so the next daemon reads every line written;
 * a torn last line (a full disk) is ignored, like a change that was never made.
 *
 * Format, one JSON value per line:
 *   {"version":2,"daemon":{"pid":…,"starttime":…}}
 *   {"add":{"key":"g:n","program":"n","pid":…,"starttime":…,"pgid":…}}
 *   {"del":"g:n","pid":…}
 * A version 1 file (one JSON object with every child, issue 18) is still read.
 */
import fs from "node:fs";
import { writeFileAtomicSync } from "./atomic-file.js";
import type { ChildRecord, ChildRecordsFile } from "./child-records.js";

type DaemonId = ChildRecordsFile["daemon"];

/** A line more than this many times the live set (plus a floor) triggers a compaction. */
const COMPACT_FACTOR = 4;
const COMPACT_FLOOR = 64;

export class ChildJournal {
  private fd: number | null = null;
  private lines = 0;

  constructor(
    readonly file: string,
    private readonly daemon: DaemonId,
  ) {}

  /** Rewrites the file with just `live` (atomically) and appends from there on. */
  compact(live: Iterable<ChildRecord>): void {
    this.close();
    const body = [JSON.stringify({ version: 2, daemon: this.daemon })];
    for (const record of live) body.push(JSON.stringify({ add: record }));
    writeFileAtomicSync(this.file, `${body.join("\n")}\n`);
    this.lines = body.length;
    this.fd = fs.openSync(this.file, "a");
  }

  /** Appends the lines of one step in one write; compacts when the journal has outgrown `liveCount`. */
  append(lines: readonly string[], live: () => Iterable<ChildRecord>, liveCount: number): void {
    if (this.fd === null) {
      this.compact(live());
      return;
    }
    const text = lines.join("");
    fs.writeSync(this.fd, text);
    this.lines += lines.length;
    if (this.lines > COMPACT_FACTOR * liveCount + COMPACT_FLOOR) this.compact(live());
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      fs.closeSync(fd);
    } catch {
      // Nothing left to flush: every write went straight to the kernel.
    }
  }
}

export const addLine = (record: ChildRecord): string => `${JSON.stringify({ add: record })}\n`;
export const delLine = (key: string, pid: number): string => `${JSON.stringify({ del: key, pid })}\n`;

/** Replays a version 2 journal; a string says why it cannot be used. */
export function replayJournal(text: string, check: (file: unknown) => ChildRecordsFile | string): ChildRecordsFile | string {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const children = new Map<string, unknown>();
  let header: { version?: unknown; daemon?: unknown } | null = null;
  for (let i = 0; i < lines.length; i++) {
    let entry: { version?: unknown; daemon?: unknown; add?: { key?: unknown }; del?: unknown; pid?: unknown };
    try {
      entry = JSON.parse(lines[i] as string) as typeof entry;
    } catch (err) {
      if (i === lines.length - 1 && i > 0) break; // torn last line: that change never happened
      return `not JSON at line ${i + 1} (${(err as Error).message})`;
    }
    if (i === 0) header = entry;
    else if (entry?.add !== undefined && typeof entry.add?.key === "string") children.set(entry.add.key, entry.add);
    else if (typeof entry?.del === "string") {
      const current = children.get(entry.del) as { pid?: unknown } | undefined;
      if (current?.pid === entry.pid) children.delete(entry.del);
    } else return `bad journal line ${i + 1}`;
  }
  if (header === null) return "empty";
  return check({ version: header.version, daemon: header.daemon, children: [...children.values()] });
}
