/**
 * Capture mode (CAP-01..05): bytes between `<!--XSUPERVISOR:BEGIN-->` and `<!--XSUPERVISOR:END-->` go to a
 * bounded capture buffer instead of the log, and each completed capture becomes one PROCESS_COMMUNICATION
 * event. Tokens split across reads are handled by holding back a trailing partial token (CAP-03).
 */

export const BEGIN_TOKEN = Buffer.from("<!--XSUPERVISOR:BEGIN-->");
export const END_TOKEN = Buffer.from("<!--XSUPERVISOR:END-->");

/** Length of the longest proper prefix of `needle` that `haystack` ends with (supervisord's find_prefix_at_end). */
export function prefixAtEnd(haystack: Buffer, needle: Buffer): number {
  for (let l = Math.min(needle.length - 1, haystack.length); l > 0; l -= 1) {
    if (haystack.compare(needle, 0, l, haystack.length - l, haystack.length) === 0) return l;
  }
  return 0;
}

/**
 * CAP-05 (supervisord's BoundIO): when a write would exceed the limit, as many bytes as the write's length are
 * dropped from the front first. Unlike BoundIO, a single write larger than the limit keeps only its last
 * `maxbytes` bytes, so the buffer never holds more than `maxbytes`.
 */
export class BoundedBuffer {
  private buf: Buffer = Buffer.alloc(0);
  private length = 0;

  constructor(readonly maxbytes: number) {}

  get size(): number {
    return this.length;
  }

  write(data: Buffer): void {
    if (this.maxbytes <= 0 || data.length === 0) return;
    if (data.length >= this.maxbytes) {
      this.ensureCapacity(this.maxbytes);
      data.copy(this.buf, 0, data.length - this.maxbytes);
      this.length = this.maxbytes;
      return;
    }
    if (this.length + data.length > this.maxbytes) {
      const drop = Math.min(this.length, data.length);
      this.buf.copy(this.buf, 0, drop, this.length);
      this.length -= drop;
    }
    this.ensureCapacity(this.length + data.length);
    data.copy(this.buf, this.length);
    this.length += data.length;
  }

  /** The contents (a copy) and empties the buffer. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.length));
    this.clear();
    return out;
  }

  clear(): void {
    this.length = 0;
    if (this.buf.length > 64 * 1024) this.buf = Buffer.alloc(0);
  }

  private ensureCapacity(n: number): void {
    if (this.buf.length >= n) return;
    const grown = Buffer.allocUnsafe(Math.min(this.maxbytes, Math.max(n, this.buf.length * 2, 4096)));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}

export type CaptureStep = { kind: "log"; data: Buffer; capturing: boolean } | { kind: "end-capture" };

/**
 * Splits a channel's chunks into log data (outside or inside a capture) and capture boundaries, as
 * supervisord's `record_output` does, minus its quirk of holding back every short buffer (CAP-04): only a
 * real partial token is held, and `flushHeld()` releases it (call it when the child's output ends).
 */
export class CaptureSplitter {
  private held: Buffer | null = null;
  private capturing = false;

  get isCapturing(): boolean {
    return this.capturing;
  }

  feed(chunk: Buffer, emit: (step: CaptureStep) => void): void {
    let data = this.held === null ? chunk : Buffer.concat([this.held, chunk]);
    this.held = null;
    while (data.length > 0) {
      const token = this.capturing ? END_TOKEN : BEGIN_TOKEN;
      const index = data.indexOf(token);
      if (index < 0) {
        const keep = prefixAtEnd(data, token);
        if (keep > 0) this.held = Buffer.from(data.subarray(data.length - keep));
        const logged = data.subarray(0, data.length - keep);
        if (logged.length > 0) emit({ kind: "log", data: logged, capturing: this.capturing });
        return;
      }
      if (index > 0) emit({ kind: "log", data: data.subarray(0, index), capturing: this.capturing });
      if (this.capturing) emit({ kind: "end-capture" });
      this.capturing = !this.capturing;
      data = data.subarray(index + token.length);
    }
  }

  /** Release a held-back partial token as ordinary data (spec §12 item 8: fixed, not lost). */
  flushHeld(emit: (step: CaptureStep) => void): void {
    const held = this.held;
    this.held = null;
    if (held !== null && held.length > 0) emit({ kind: "log", data: held, capturing: this.capturing });
  }

  /** CLR-02: a clear leaves capture mode state as is but forgets held bytes. */
  reset(): void {
    this.held = null;
  }
}
