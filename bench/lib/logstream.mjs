// The log scenario's byte stream: fixed 1 KiB lines `<15-digit seq> <filler>\n`, so any suffix of it can be
// checked byte for byte and a gap shows up as a jump in the sequence numbers.
import { openSync, readSync, closeSync, statSync, existsSync } from 'node:fs';

export const LINE = 1024;
const DIGITS = 15;
const FILLER = Buffer.alloc(LINE - DIGITS - 1, 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.repeat(20));

/** Writes line `seq` into `buf` at `offset`. */
export function fillLine(buf, offset, seq) {
  buf.write(String(seq).padStart(DIGITS, '0'), offset, 'latin1');
  buf[offset + DIGITS] = 0x20;
  FILLER.copy(buf, offset + DIGITS + 1, 0, LINE - DIGITS - 2);
  buf[offset + LINE - 1] = 0x0a;
}

export function lineAt(seq) {
  const b = Buffer.alloc(LINE);
  fillLine(b, 0, seq);
  return b;
}

/** True once the last line of a `totalBytes` stream is the last thing in the newest non-empty log file. */
export function finalLineWritten(logfile, totalBytes) {
  const last = lineAt(totalBytes / LINE - 1);
  for (const f of [logfile, `${logfile}.1`]) {
    if (!existsSync(f)) continue;
    const size = statSync(f).size;
    if (size === 0) continue;
    if (size < LINE) return false;
    const fd = openSync(f, 'r');
    try {
      const b = Buffer.alloc(LINE);
      readSync(fd, b, 0, LINE, size - LINE);
      return b.equals(last);
    } finally {
      closeSync(fd);
    }
  }
  return false;
}

/**
 * Checks the retained files (oldest backup first, current file last) against the stream.
 * Lost bytes = missing lines inside the retained window + missing lines after it + corrupt lines, and,
 * when `fromStart` (nothing may have been rotated away), missing lines before it.
 * Lines rotated away by design (beyond `backups`) are not counted as lost.
 */
export function verify(logfile, backups, totalBytes, { fromStart = false } = {}) {
  const files = [];
  for (let i = backups; i >= 1; i--) if (existsSync(`${logfile}.${i}`)) files.push(`${logfile}.${i}`);
  if (existsSync(logfile)) files.push(logfile);
  const lastSeq = totalBytes / LINE - 1;
  let retained = 0;
  let lost = 0;
  let corrupt = 0;
  let prev = null; // seq of the previous whole line
  let first = true; // the oldest retained file may start mid-line (rotation cuts by bytes)
  let carry = Buffer.alloc(0);
  const expected = Buffer.alloc(LINE);
  const chunk = Buffer.alloc(8 << 20);
  const onLine = (line) => {
    const seq = Number(line.toString('latin1', 0, DIGITS));
    fillLine(expected, 0, Number.isSafeInteger(seq) ? seq : 0);
    if (line.length !== LINE || !Number.isSafeInteger(seq) || !line.equals(expected)) {
      corrupt += line.length;
      if (prev !== null && line.length === LINE) prev += 1; // it stands in the place of the next line: no gap too
      return;
    }
    if (prev === null) {
      if (fromStart) lost += seq * LINE;
    } else if (seq !== prev + 1) {
      lost += Math.max(0, seq - prev - 1) * LINE;
    }
    prev = seq;
  };
  for (const f of files) {
    const fd = openSync(f, 'r');
    try {
      for (;;) {
        const n = readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) break;
        retained += n;
        let data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
        let start = 0;
        if (first) {
          first = false;
          const firstNl = data.indexOf(0x0a);
          // a partial first line is expected only when earlier bytes were rotated away
          if (!fromStart && firstNl >= 0 && firstNl !== LINE - 1) start = firstNl + 1;
        }
        for (;;) {
          const nl = data.indexOf(0x0a, start);
          if (nl < 0) break;
          onLine(data.subarray(start, nl + 1));
          start = nl + 1;
        }
        carry = Buffer.from(data.subarray(start));
      }
    } finally {
      closeSync(fd);
    }
  }
  if (carry.length) corrupt += carry.length;
  lost += prev === null ? totalBytes : (lastSeq - prev) * LINE;
  return { files: files.length, retainedBytes: retained, lostBytes: lost + corrupt, corruptBytes: corrupt };
}
