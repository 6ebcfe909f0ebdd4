/**
 * `*_log_format = line|json`: turns a child's byte stream into one record per line.
 *
 * - `line`: `2026-12-04T15:00:00.123Z name stdout | text\n` (bytes of the line kept as they are).
 * - `json`: `{"ts":"…","name":"…","group":"…","stream":"stdout","pid":123,"line":"text"}\n`.
 *
 * A record that does not end a line is marked: `+` instead of `|` in `line`, `"partial":true` in `json`. That
 * happens when a line is longer than `maxLineBytes` (it is split into pieces, all but the last marked), when a
 * partial line waits too long (`flushPartial`, armed by the caller) and when the child's output ends without a
 * newline (`flushAll`). A cut never falls inside a UTF-8 character. Memory is bounded by `maxLineBytes`.
 */
import type { LogFormat, OutputChannel } from "../types.js";

export interface FramerOptions {
  format: Exclude<LogFormat, "raw">;
  name: string;
  group: string;
  stream: OutputChannel;
  /** The child's pid when the chunk arrived (0 when unknown). */
  pid: () => number;
  /** Wall clock in ms (a fake one in tests). */
  now: () => number;
  maxLineBytes: number;
}

/** Smallest line bound accepted: a 4-byte character must always fit. */
export const MIN_LINE_BYTES = 16;

const NEWLINE = 0x0a;

/** Largest cut <= limit that does not split a UTF-8 sequence (invalid bytes: cut at `limit`). */
export function utf8Boundary(buf: Buffer, limit: number): number {
  if (limit >= buf.length) return buf.length;
  let cut = limit;
  // Back off over continuation bytes (10xxxxxx), at most 3 of them.
  for (let i = 0; i < 3 && cut > 0 && ((buf[cut] ?? 0) & 0xc0) === 0x80; i += 1) cut -= 1;
  if (cut === 0 || ((buf[cut] ?? 0) & 0xc0) === 0x80) return limit;
  return cut;
}

/** Length of `buf` without a trailing incomplete UTF-8 sequence (what can be emitted now). */
export function completeUtf8Length(buf: Buffer): number {
  const n = buf.length;
  for (let back = 1; back <= Math.min(3, n); back += 1) {
    const b = buf[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation: keep looking for the lead byte
    const need = b >= 0xf8 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

export class LineFramer {
  private held: Buffer = Buffer.alloc(0);
  private readonly limit: number;
  private readonly sep: { full: string; partial: string };

  constructor(private readonly options: FramerOptions) {
    this.limit = Math.max(MIN_LINE_BYTES, options.maxLineBytes);
    this.sep = { full: ` ${options.name} ${options.stream} | `, partial: ` ${options.name} ${options.stream} + ` };
  }

  /** Bytes of a line waiting for its newline. */
  get pendingBytes(): number {
    return this.held.length;
  }

  /** Frame a chunk: every complete line, plus pieces of an over-long unfinished line. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    const data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    const out: Buffer[] = [];
    const stamp = this.stamp();
    let start = 0;
    for (let nl = data.indexOf(NEWLINE, this.held.length); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
      this.emitLine(data.subarray(start, nl), stamp, out);
      start = nl + 1;
    }
    let rest = data.subarray(start);
    while (rest.length > this.limit) {
      const cut = utf8Boundary(rest, this.limit);
      out.push(this.record(rest.subarray(0, cut), stamp, true));
      rest = rest.subarray(cut);
    }
    // Copy: the caller may reuse the chunk's memory.
    this.held = rest.length > 0 ? Buffer.from(rest) : Buffer.alloc(0);
    // One buffer per chunk: one write for all its records, not one per line.
    return out.length <= 1 ? out : [Buffer.concat(out)];
  }

  /** Emit the waiting partial line (marked), keeping back only an incomplete UTF-8 character. */
  flushPartial(): Buffer[] {
    const n = completeUtf8Length(this.held);
    if (n === 0) return [];
    const out = [this.record(this.held.subarray(0, n), this.stamp(), true)];
    this.held = Buffer.from(this.held.subarray(n));
    return out;
  }

  /** The output ended: emit whatever is held (marked partial). */
  flushAll(): Buffer[] {
    if (this.held.length === 0) return [];
    const out = [this.record(this.held, this.stamp(), true)];
    this.held = Buffer.alloc(0);
    return out;
  }

  private stamp(): Stamp {
    const ts = new Date(this.options.now()).toISOString();
    const pid = this.options.pid();
    const o = this.options;
    // The JSON head is the same for every record of a chunk: built once (keys in a fixed order).
    const jsonHead =
      o.format === "json"
        ? `{"ts":"${ts}","name":${JSON.stringify(o.name)},"group":${JSON.stringify(o.group)},"stream":"${o.stream}","pid":${pid},"line":`
        : "";
    return { ts, pid, jsonHead };
  }

  private emitLine(line: Buffer, stamp: Stamp, out: Buffer[]): void {
    let rest = line;
    while (rest.length > this.limit) {
      const cut = utf8Boundary(rest, this.limit);
      out.push(this.record(rest.subarray(0, cut), stamp, true));
      rest = rest.subarray(cut);
    }
    out.push(this.record(rest, stamp, false));
  }

  private record(text: Buffer, stamp: Stamp, partial: boolean): Buffer {
    if (this.options.format === "line") {
      return Buffer.concat([Buffer.from(stamp.ts + (partial ? this.sep.partial : this.sep.full)), text, NEWLINE_BUF]);
    }
    // Fast path: printable ASCII without `"` or `\` is its own JSON string: copy the bytes, no decode/encode.
    if (!NEEDS_ESCAPE.test(text.toString("latin1"))) {
      return Buffer.concat([Buffer.from(`${stamp.jsonHead}"`), text, partial ? PARTIAL_TAIL : FULL_TAIL]);
    }
    // JSON cannot carry arbitrary bytes: invalid UTF-8 becomes U+FFFD here (the `line` format keeps bytes).
    return Buffer.from(`${stamp.jsonHead}${JSON.stringify(text.toString("utf8"))}${partial ? ',"partial":true}\n' : "}\n"}`);
  }
}

interface Stamp {
  ts: string;
  pid: number;
  jsonHead: string;
}

const NEWLINE_BUF = Buffer.from("\n");
/** Bytes a JSON string cannot hold as they are: controls, `"`, `\`, DEL and everything non-ASCII. */
// eslint-disable-next-line no-control-regex -- control bytes are exactly what must be found here
const NEEDS_ESCAPE = /[\x00-\x1f"\\\x7f-\xff]/u;
const FULL_TAIL = Buffer.from('"}\n');
const PARTIAL_TAIL = Buffer.from('","partial":true}\n');
