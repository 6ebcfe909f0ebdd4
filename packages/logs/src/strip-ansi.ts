/**
 * ANS-01: remove ANSI CSI sequences, `ESC [` up to and including the first following character among
 * `H f A B C D R s u J K h l p m` (supervisord's `stripEscapes`). Other escapes are left alone; a sequence
 * split across two chunks is not recognised (faithful, spec §12 item 16).
 */
const ESC = 0x1b;
const LEFT_BRACKET = 0x5b;
const TERMINATORS = new Set(Array.from("HfABCDRsuJKhlpm", (c) => c.charCodeAt(0)));

export function stripAnsi(data: Buffer): Buffer {
  let i = data.indexOf(ESC);
  if (i < 0) return data;
  const out = Buffer.allocUnsafe(data.length);
  let outLen = 0;
  let start = 0;
  while (i >= 0) {
    if (data[i + 1] !== LEFT_BRACKET) {
      i = data.indexOf(ESC, i + 1);
      continue;
    }
    let end = i + 2;
    while (end < data.length && !TERMINATORS.has(data[end]!)) end += 1;
    if (end >= data.length) {
      // No terminator: supervisord drops the rest of the chunk (its split leaves nothing after the escape).
      outLen += data.copy(out, outLen, start, i);
      return out.subarray(0, outLen);
    }
    outLen += data.copy(out, outLen, start, i);
    start = end + 1;
    i = data.indexOf(ESC, start);
  }
  outLen += data.copy(out, outLen, start);
  return out.subarray(0, outLen);
}
