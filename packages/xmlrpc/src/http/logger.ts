import { pyRepr } from "@tsupervisord/pycompat";
/** Where the HTTP layer reports what supervisord would log (levels as supervisord names them). All optional. */
export interface RpcLogger {
  trace?(message: string): void;
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
  critical?(message: string): void;
}

/**
 * How much of a client's data a log line may quote. supervisord quotes whole request bodies (`%r`); eight
 * 6.3 MB bodies then made a 31.5 MB log. A few hundred bytes say what the request was.
 */
export const LOG_EXCERPT_BYTES = 256;

/**
 * Client data for a log line: escaped (`repr`, so control characters and quotes cannot forge log lines) and
 * bounded. Data within the bound reads exactly as supervisord's `%r`; longer data is cut and its size said:
 * `'<methodCall>…'... (6291456 bytes)`.
 */
export function logExcerpt(data: Uint8Array | string, size?: number): string {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const total = size ?? bytes.length;
  if (total <= LOG_EXCERPT_BYTES && bytes.length === total) return pyRepr(bytes.toString("utf8"));
  // A cut multi-byte character decodes as U+FFFD: harmless in a log line.
  return `${pyRepr(bytes.subarray(0, LOG_EXCERPT_BYTES).toString("utf8"))}... (${total} bytes)`;
}

/** Keeps the first LOG_EXCERPT_BYTES of a streamed body (for log lines) without holding the rest. */
export class HeadKeeper {
  private readonly parts: Buffer[] = [];
  private kept = 0;
  size = 0;

  /** `declared`: the Content-Length, the size told when the body is refused before all of it arrived. */
  constructor(private readonly declared = 0) {}

  add(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.kept >= LOG_EXCERPT_BYTES) return;
    const part = chunk.subarray(0, LOG_EXCERPT_BYTES - this.kept);
    // A copy: a view would pin the whole (up to 64 KiB) chunk.
    this.parts.push(Buffer.from(part));
    this.kept += part.length;
  }

  /** The excerpt for a log line, with the size when cut. */
  excerpt(): string {
    return logExcerpt(Buffer.concat(this.parts), Math.max(this.size, this.declared));
  }
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Client-chosen text inside a log line (a method name, a fault naming a process): as is when short and
 * printable, as supervisord writes it; else escaped and cut at LOG_EXCERPT_BYTES with its size.
 */
export function boundedLogText(text: string): string {
  const escape = (s: string): string => (hasControl(s) ? pyRepr(s).slice(1, -1) : s);
  const size = Buffer.byteLength(text, "utf8");
  if (size <= LOG_EXCERPT_BYTES) return escape(text);
  return `${escape(Buffer.from(text, "utf8").subarray(0, LOG_EXCERPT_BYTES).toString("utf8"))}... (${size} bytes)`;
}
