/**
 * issue 20: the daemon's gRPC transport on node:http2 alone. grpc-js's server (its evaluation, its call
 * machinery, its channelz bookkeeping) cost the daemon ~3.7 MiB of RSS over a bare http2 server; the daemon
 * needs little of it: unary and server-streaming calls, a single request message each. What a client sees is
 * what grpc-js 1.14's server sends (server.ts, server-interceptors.ts, server-call.ts there): the same
 * headers, trailers, statuses and texts, the same idle timeout, the same graceful close. Protocol-agnostic:
 * the routes decode requests and run the calls (server.ts); nothing here knows supervisor.v1.
 */
import http2 from "node:http2";
import type { Duplex } from "node:stream";
import type { CallStatus } from "./fault-status.js";
import { GrpcStatus, MAX_RECEIVE_MESSAGE_BYTES, MessageDecoder, frameMessage, type FramedMessage, type OversizeMessageError } from "./grpc-framing.js";

/** One call as a route's handler drives it. */
export interface GrpcServerCall {
  /** grpc-js's getPeer(): the connection's `remoteAddress:remotePort`, the bare address without a port, else "unknown". */
  readonly peer: string;
  readonly headers: http2.IncomingHttpHeaders;
  /**
   * Aborted once the call is over for the server: the client cancelled it (RST_STREAM) or went away, its
   * deadline passed, the connection was closed, or its status was sent (grpc-js's 'cancelled' fires then too).
   */
  readonly signal: AbortSignal;
  /** Sends one message (the response headers first). False: too many are queued, wait for `writable()`. */
  send(message: Uint8Array): boolean;
  /** Resolves when every queued message was handed to the connection, or the call is over. */
  writable(): Promise<void>;
  /** Ends the call with this status: trailers after the messages, or a trailers-only answer without any. */
  end(status: CallStatus): void;
}

export interface GrpcRoute {
  /** Parses the request message; a throw answers INTERNAL "Error deserializing request" (grpc-js's text). */
  decode(message: Buffer): unknown;
  /** Runs the call once its single request message and the client's half-close are in. */
  handle(call: GrpcServerCall, request: unknown): void;
}

export interface Http2GrpcServerOptions {
  /** By HTTP/2 path: `/supervisor.v1.Supervisor/GetState`. */
  routes: ReadonlyMap<string, GrpcRoute>;
  /**
   * grpc-js's `grpc.max_connection_idle_ms`: a connection without a call in flight for this long is closed
   * gracefully (GOAWAY). Absent: never.
   */
  idleTimeoutMs?: number | undefined;
}

export interface Http2GrpcServer {
  /** Serves a connection the caller accepted (past the HTTP/2 preface peek, TLS already terminated). */
  injectConnection(connection: Duplex): void;
  /** GOAWAY to every connection, calls in flight may finish for up to `graceMs`, then the rest are cut. */
  close(graceMs: number): Promise<void>;
}

/**
 * grpc-js's writable call stream is an object-mode Writable (high-water mark 16 messages) feeding the HTTP/2
 * stream one message at a time: past 16 messages not yet handed to the connection, `write()` says false. The
 * same bound here keeps a slow client's backlog as small as it was, and `onBackpressure` as rare.
 */
const MAX_QUEUED_MESSAGES = 16;

/** grpc-js's response headers (defaultResponseHeaders + defaultCompressionHeaders in server-interceptors.ts). */
const RESPONSE_HEADERS = {
  ":status": 200,
  "content-type": "application/grpc+proto",
  "grpc-accept-encoding": "identity,deflate,gzip",
  "grpc-encoding": "identity",
} as const;

const DEADLINE_PATTERN = /(\d{1,8})\s*([HMSmun])/;
const DEADLINE_UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** grpc-js's Metadata drops a text value outside printable ASCII; the call then goes on without it. */
const LEGAL_TEXT_VALUE = /^[ -~]*$/;

/** The first value of a request header as grpc-js's Metadata gives it (undefined when absent or illegal). */
export function metadataValue(headers: http2.IncomingHttpHeaders, key: string): string | undefined {
  const raw = headers[key];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value !== undefined && LEGAL_TEXT_VALUE.test(value) ? value : undefined;
}

function peerOf(session: http2.Http2Session | undefined): string {
  const socket = session?.socket;
  const address = socket?.remoteAddress;
  if (address === undefined || address === "") return "unknown";
  return socket?.remotePort !== undefined && socket.remotePort !== 0 ? `${address}:${String(socket.remotePort)}` : address;
}

/** Trailing metadata as headers: `-bin` values in base64, as grpc-js's Metadata.toHttp2Headers writes them. */
function metadataHeaders(trailers: CallStatus["trailers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(trailers ?? {})) out[key] = typeof value === "string" ? value : value.toString("base64");
  return out;
}

function statusHeaders(status: CallStatus): http2.OutgoingHttpHeaders {
  return { "grpc-status": String(status.code), "grpc-message": encodeURI(status.details), ...metadataHeaders(status.trailers) };
}

/** A compressed request message, inflated as grpc-js does (zlib loaded only when a client compresses). */
async function decompress(message: FramedMessage, encoding: string): Promise<Buffer> {
  if (!message.compressed || encoding === "identity") return message.payload;
  if (encoding !== "gzip" && encoding !== "deflate") {
    throw { code: GrpcStatus.UNIMPLEMENTED, details: `Received message compressed with unsupported encoding "${encoding}"` } satisfies CallStatus;
  }
  const zlib = await import("node:zlib");
  const inflater = encoding === "gzip" ? zlib.createGunzip() : zlib.createInflate();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    inflater.on("error", () => reject({ code: GrpcStatus.INTERNAL, details: "Failed to decompress message" } satisfies CallStatus));
    inflater.on("data", (chunk: Buffer) => {
      parts.push(chunk);
      total += chunk.length;
      if (total > MAX_RECEIVE_MESSAGE_BYTES) {
        inflater.destroy();
        reject({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: `Received message that decompresses to a size larger than ${String(MAX_RECEIVE_MESSAGE_BYTES)}` } satisfies CallStatus);
      }
    });
    inflater.on("end", () => resolve(Buffer.concat(parts)));
    inflater.end(message.payload);
  });
}

class ServerCall implements GrpcServerCall {
  readonly peer: string;
  private readonly controller = new AbortController();
  private headersSent = false;
  private statusSent = false;
  private queued = 0;
  private drained: Array<() => void> = [];
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    readonly headers: http2.IncomingHttpHeaders,
  ) {
    this.peer = peerOf(stream.session);
    // RST_STREAM from the client, the connection gone or destroyed: the call is cancelled (if not over yet).
    stream.once("close", () => this.over());
    const timeout = metadataValue(headers, "grpc-timeout");
    if (timeout !== undefined) this.startDeadline(timeout);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** grpc-js's checkCancelled(): a stream destroyed before its 'close' event counts as cancelled already. */
  private get gone(): boolean {
    if (!this.controller.signal.aborted && (this.stream.destroyed || this.stream.closed)) this.over();
    return this.controller.signal.aborted;
  }

  private over(): void {
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    if (!this.controller.signal.aborted) this.controller.abort();
    for (const resolve of this.drained.splice(0)) resolve();
    // Whatever the client still sends is read and dropped.
    this.stream.resume();
  }

  private startDeadline(value: string): void {
    const match = DEADLINE_PATTERN.exec(value);
    if (match === null) {
      // As grpc-js: answered once the call is set up (its constructor's nextTick).
      process.nextTick(() => this.end({ code: GrpcStatus.INTERNAL, details: `Invalid grpc-timeout value "${value}"` }));
      return;
    }
    const ms = (Number(match[1]) * (DEADLINE_UNIT_MS[match[2] as string] as number)) | 0;
    this.deadline = setTimeout(() => this.end({ code: GrpcStatus.DEADLINE_EXCEEDED, details: "Deadline exceeded" }), ms);
  }

  send(message: Uint8Array): boolean {
    if (this.gone) return true;
    if (!this.headersSent) {
      this.headersSent = true;
      this.stream.respond(RESPONSE_HEADERS, { waitForTrailers: true });
    }
    this.queued++;
    this.stream.write(frameMessage(message), (err) => {
      this.queued--;
      // grpc-js's text without GRPC_NODE_DEBUG_SEND_ERROR_DETAILS.
      if (err !== undefined && err !== null) this.end({ code: GrpcStatus.INTERNAL, details: "Internal server error" });
      if (this.queued === 0) for (const resolve of this.drained.splice(0)) resolve();
    });
    return this.queued < MAX_QUEUED_MESSAGES;
  }

  writable(): Promise<void> {
    if (this.queued === 0 || this.gone) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  end(status: CallStatus): void {
    if (this.statusSent || this.gone) return;
    this.statusSent = true;
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    if (this.headersSent) {
      // After the messages still queued: node asks for the trailers once the last DATA frame is out.
      this.stream.once("wantTrailers", () => {
        this.stream.sendTrailers(statusHeaders(status));
        this.over();
      });
      this.stream.end();
    } else {
      this.stream.respond({ ...statusHeaders(status), ":status": 200, "content-type": "application/grpc+proto" }, { endStream: true });
      this.over();
    }
  }

  /** Reads the single request message, then hands the call to its route (grpc-js's handleUnary/handleServerStreaming). */
  read(route: GrpcRoute, path: string): void {
    const decoder = new MessageDecoder(MAX_RECEIVE_MESSAGE_BYTES);
    const encoding = metadataValue(this.headers, "grpc-encoding") ?? "identity";
    let messages = 0;
    let request: { value: unknown } | undefined;
    // Decompression may be async: each step waits for the one before, and the half-close for all of them.
    let inOrder: Promise<void> = Promise.resolve();
    const fail = (err: unknown): void => this.end(err as CallStatus);
    this.stream.on("data", (chunk: Buffer) => {
      if (this.gone || this.statusSent) return;
      let framed: FramedMessage[];
      try {
        framed = decoder.push(chunk);
      } catch (err) {
        this.end({ code: GrpcStatus.RESOURCE_EXHAUSTED, details: (err as OversizeMessageError).message });
        return;
      }
      for (const message of framed) {
        const index = ++messages;
        inOrder = inOrder.then(async () => {
          const bytes = await decompress(message, encoding);
          if (this.statusSent) return;
          if (index > 1) {
            this.end({ code: GrpcStatus.UNIMPLEMENTED, details: `Received a second request message for server streaming method ${path}` });
            return;
          }
          try {
            request = { value: route.decode(bytes) };
          } catch {
            this.end({ code: GrpcStatus.INTERNAL, details: "Error deserializing request" });
          }
        }).catch(fail);
      }
    });
    this.stream.once("end", () => {
      void inOrder.then(() => {
        if (this.gone || this.statusSent) return;
        if (request === undefined) {
          this.end({ code: GrpcStatus.UNIMPLEMENTED, details: `Received no request message for server streaming method ${path}` });
          return;
        }
        route.handle(this, request.value);
      });
    });
  }
}

/** A gRPC server for connections handed over by the caller; it never listens itself. */
export function createHttp2GrpcServer(options: Http2GrpcServerOptions): Http2GrpcServer {
  // grpc-js's settings: no cap on the session's memory (node degrades badly at it, says grpc-js) or on the
  // header block it sends; everything else is node's default. No keepalive pings (grpc-js sends none by default).
  const server = http2.createServer({ maxSessionMemory: Number.MAX_SAFE_INTEGER, maxSendHeaderBlockLength: Number.MAX_SAFE_INTEGER });
  server.setTimeout(0);
  const sessions = new Set<http2.ServerHttp2Session>();
  let closing = false;
  const idleTimeoutMs = options.idleTimeoutMs;
  const activity = new WeakMap<http2.Http2Session, { active: number; lastIdle: number; timer: NodeJS.Timeout }>();

  server.on("session", (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => {
      sessions.delete(session);
      const idle = activity.get(session);
      if (idle !== undefined) clearTimeout(idle.timer);
    });
    if (idleTimeoutMs === undefined) return;
    // grpc-js's idle timeout: armed while no stream is open; a timer that fires during a call does nothing,
    // and is re-armed when the last call ends.
    const idle = {
      active: 0,
      lastIdle: Date.now(),
      timer: setTimeout(() => {
        if (idle.active !== 0) return;
        if (Date.now() - idle.lastIdle >= idleTimeoutMs) void closeSession(session);
        else idle.timer.refresh();
      }, idleTimeoutMs),
    };
    idle.timer.unref();
    activity.set(session, idle);
  });

  server.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    // An error comes with a 'close', which cancels the call; nothing else to do with it.
    stream.on("error", () => undefined);
    const idle = activity.get(stream.session as http2.Http2Session);
    if (idle !== undefined) {
      idle.active++;
      stream.once("close", () => {
        if (--idle.active !== 0) return;
        idle.lastIdle = Date.now();
        idle.timer.refresh();
      });
    }
    const contentType = headers["content-type"];
    if (typeof contentType !== "string" || !contentType.startsWith("application/grpc")) {
      stream.respond({ ":status": http2.constants.HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE }, { endStream: true });
      return;
    }
    const path = headers[":path"] ?? "";
    const route = options.routes.get(path);
    if (route === undefined) {
      // grpc-js's _respondWithError: this one message is sent as is, not percent-encoded.
      stream.respond(
        { "grpc-status": String(GrpcStatus.UNIMPLEMENTED), "grpc-message": `The server does not implement the method ${path}`, ":status": 200, "content-type": "application/grpc+proto" },
        { endStream: true },
      );
      return;
    }
    new ServerCall(stream, headers).read(route, path);
  });

  const closeSession = (session: http2.ServerHttp2Session): Promise<void> =>
    new Promise((resolve) => {
      if (session.destroyed) return resolve();
      session.once("close", () => resolve());
      // GOAWAY; node closes the connection once the streams in flight are done.
      if (!session.closed) session.close();
    });

  return {
    injectConnection(connection) {
      if (closing) {
        connection.destroy();
        return;
      }
      server.emit("connection", connection);
    },
    close(graceMs) {
      closing = true;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const session of sessions) session.destroy(undefined, http2.constants.NGHTTP2_CANCEL);
          resolve();
        }, graceMs);
        timer.unref();
        void Promise.all([...sessions].map(closeSession)).then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
