/**
 * Bytes on a raw connection, for the listener fuzz test: send what no client library would (write, then
 * half-close), collect everything the daemon answers until it closes, and read the answer back as HTTP/1.x
 * responses or HTTP/2 frames.
 */
import net from "node:net";

export interface Exchange {
  /** Every byte the daemon sent. */
  data: Buffer;
  /** The daemon closed (or reset) the connection before the deadline. */
  closed: boolean;
}

/**
 * Connects, writes each chunk, half-closes, and waits for the daemon to close. `deadlineMs` only turns a hang into
 * a reported failure (closed: false); it is not a measurement.
 */
export function exchange(target: net.NetConnectOpts, chunks: readonly Buffer[], deadlineMs = 15_000): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect(target);
    const received: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(received), closed });
    };
    const timer = setTimeout(() => finish(false), deadlineMs);
    socket.on("data", (d: Buffer) => received.push(d));
    // EPIPE/ECONNRESET while we still write: the daemon hung up on us, which is an answer.
    socket.on("error", () => finish(true));
    socket.on("close", () => finish(true));
    socket.once("connect", () => {
      for (const chunk of chunks) socket.write(chunk);
      socket.end();
    });
  });
}

export interface Http1Response {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
}

/** The responses in `data`, in order; throws with the offending bytes when they are not well-formed HTTP/1.x. */
export function parseHttp1Responses(data: Buffer): Http1Response[] {
  const out: Http1Response[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf("\r\n\r\n", at);
    if (end === -1) throw new Error(`truncated response head: ${JSON.stringify(data.subarray(at, at + 200).toString("latin1"))}`);
    const [statusLine = "", ...headerLines] = data.subarray(at, end).toString("latin1").split("\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
    if (m === null) throw new Error(`bad status line: ${JSON.stringify(statusLine)}`);
    const headers = new Map<string, string>();
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new Error(`bad header line: ${JSON.stringify(line)}`);
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const status = Number(m[1]);
    at = end + 4;
    let body: Buffer;
    if (status < 200 || status === 204 || status === 304) body = Buffer.alloc(0);
    else if (headers.has("content-length")) {
      const n = Number(headers.get("content-length"));
      if (!Number.isInteger(n) || n < 0 || at + n > data.length) throw new Error(`bad or short content-length ${headers.get("content-length")}`);
      body = data.subarray(at, at + n);
      at += n;
    } else if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) {
      const parts: Buffer[] = [];
      for (;;) {
        const eol = data.indexOf("\r\n", at);
        if (eol === -1) throw new Error("truncated chunk size");
        const size = parseInt(data.subarray(at, eol).toString("latin1"), 16);
        if (!Number.isInteger(size) || size < 0 || eol + 2 + size + 2 > data.length) throw new Error("bad chunk");
        parts.push(data.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      // Delimited by the close.
      body = data.subarray(at);
      at = data.length;
    }
    out.push({ status, headers, body });
  }
  return out;
}

export const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

/** One HTTP/2 frame; `length` overrides the length field (to lie about it). */
export function frame(type: number, flags: number, streamId: number, payload: Buffer, length = payload.length): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(length & 0xffffff, 0, 3);
  head.writeUInt8(type & 0xff, 3);
  head.writeUInt8(flags & 0xff, 4);
  head.writeUInt32BE(streamId >>> 0, 5);
  return Buffer.concat([head, payload]);
}

/** The frame types of an HTTP/2 byte stream from the server, as far as it parses. */
export function frameTypes(data: Buffer): number[] {
  const types: number[] = [];
  let at = 0;
  while (at + 9 <= data.length) {
    const length = data.readUIntBE(at, 3);
    types.push(data.readUInt8(at + 3));
    at += 9 + length;
  }
  return types;
}
