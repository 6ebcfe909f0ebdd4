/**
 * issue 20: a unary-only gRPC client over `node:http2` alone, for tsctl's one-shot commands. grpc-js (its own
 * evaluation, and the ~40 % of tsctl's bundle it is) costs a `tsctl status` more than the call; one unary call
 * needs little of it: POST /supervisor.v1.Supervisor/Method with `content-type: application/grpc` and
 * `te: trailers`, the request as one 5-byte length-prefixed frame, the answer likewise, then the status in
 * `grpc-status`/`grpc-message` trailers (or in the headers of a trailers-only answer, as every fault is).
 *
 * Plain connections only (unix socket, http://host:port); TLS and streams stay with grpc-js (client.ts). It fails
 * as that client does, so callers cannot tell them apart: a fault in the trailers is the same `SupervisorError`,
 * a daemon out of reach the same `ConnectionError` (same reason and text), any other status an Error with
 * grpc-js's `code`, `details` and message (`13 INTERNAL: internal error`); grpc-js's texts for what the
 * transport does (HTTP status, RST_STREAM, oversize, missing message) are kept.
 */
import http2 from "node:http2";
import net from "node:net";
import type { SupervisorError } from "@tsupervisord/errors";
import type { DeepPartial } from "./gen/supervisor/v1/supervisor.js";
import { grpcTarget, parseServerUrl, type ServerAddress } from "./address.js";
import { AUTHORIZATION_METADATA_KEY, basicAuthorization } from "./auth.js";
import { connectionErrorFor } from "./connection-error.js";
import { GrpcStatus, MAX_RECEIVE_MESSAGE_BYTES, MessageDecoder, frameMessage, type OversizeMessageError } from "./grpc-framing.js";
import { FAULT_DETAIL_METADATA_KEY, FAULT_METADATA_KEY, faultFrom } from "./fault-trailers.js";
import { METHOD_NAMES, isStreamMethod, methodInfo, requestFromPartial, type RequestOf, type ResponseOf, type UnaryMethodName } from "./service.js";

export { GrpcStatus, MAX_RECEIVE_MESSAGE_BYTES } from "./grpc-framing.js";
const STATUS_NAMES = Object.keys(GrpcStatus);

/** A call that ended with a status that is neither OK nor a fault nor a connection failure: grpc-js's ServiceError. */
export class GrpcStatusError extends Error {
  override readonly name = "GrpcStatusError";
  readonly code: number;
  readonly details: string;
  constructor(code: number, details: string, options?: { cause?: unknown }) {
    super(`${String(code)} ${STATUS_NAMES[code] ?? "UNKNOWN"}: ${details}`, options);
    this.code = code;
    this.details = details;
  }
}

export interface UnaryConnectOptions {
  username?: string | undefined;
  password?: string | undefined;
}

export interface UnaryCallOptions {
  /** Cancels the call; the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

export type UnarySupervisorClient = {
  [M in UnaryMethodName]: (request?: DeepPartial<RequestOf<M>>, options?: UnaryCallOptions) => Promise<ResponseOf<M>>;
} & {
  readonly url: string;
  readonly address: ServerAddress;
  /** Closes the connection; calls in flight fail. */
  close(): void;
};

interface Status {
  code: number;
  details: string;
  fault?: SupervisorError | undefined;
}

/**
 * What a failed call becomes (the contract of client.ts's translateError): the fault, a ConnectionError, or a
 * GrpcStatusError.
 */
function failure(status: Status, url: string, address: ServerAddress, cause?: unknown): Error {
  if (status.fault !== undefined) return status.fault;
  const lost = connectionErrorFor(status.code, status.details, url, address, cause);
  if (lost !== undefined) return lost;
  return new GrpcStatusError(status.code, status.details, { cause });
}

/** grpc-js's mapping of a non-200 HTTP status without a grpc-status. */
function httpStatus(code: number): Status {
  const map: Record<number, number> = { 400: 13, 401: 16, 403: 7, 404: 12, 429: 14, 502: 14, 503: 14, 504: 14 };
  return { code: map[code] ?? GrpcStatus.UNKNOWN, details: `Received HTTP status code ${String(code)}` };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The status in a trailers block (or a trailers-only answer's headers), fault included; undefined without one. */
function statusOf(headers: http2.IncomingHttpHeaders): Status | undefined {
  const raw = headerText(headers["grpc-status"]);
  if (raw === undefined) return undefined;
  const code = /^\d+$/.test(raw) ? Number(raw) : GrpcStatus.UNKNOWN;
  const message = headerText(headers["grpc-message"]) ?? "";
  let details = message;
  try {
    details = decodeURI(message); // as grpc-js decodes it
  } catch {
    // left as sent
  }
  const detail = headerText(headers[FAULT_DETAIL_METADATA_KEY]);
  const fault = faultFrom(headerText(headers[FAULT_METADATA_KEY]), detail === undefined ? undefined : Buffer.from(detail, "base64").toString("utf8"));
  return { code, details, fault };
}

/** The response's messages, or the status the stream must end with (compressed or oversize message). */
class MessageReader {
  private readonly decoder = new MessageDecoder(MAX_RECEIVE_MESSAGE_BYTES);
  readonly messages: Buffer[] = [];

  push(chunk: Buffer): Status | undefined {
    let framed;
    try {
      framed = this.decoder.push(chunk);
    } catch (err) {
      return { code: GrpcStatus.RESOURCE_EXHAUSTED, details: (err as OversizeMessageError).message };
    }
    for (const { compressed, payload } of framed) {
      // We offer identity only (grpc-accept-encoding), so a compressed message is the server's mistake.
      if (compressed) return { code: GrpcStatus.INTERNAL, details: "Received compressed message but \"grpc-encoding\" is identity" };
      this.messages.push(payload);
    }
    return undefined;
  }
}

/**
 * A connection that failed or went away, as grpc-js's UNAVAILABLE status would say it: the connect error (its
 * ECONNREFUSED/ENOENT pick tsctl's message), "Connection dropped" once it had been up, and an HTTP/2 protocol
 * error as is (an HTTP/1.1-only server: tsctl then speaks XML-RPC, lazy-backend.ts).
 */
function transportStatus(err: Error, connected: boolean, address: ServerAddress): Status {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ERR_HTTP2_ERROR") return { code: GrpcStatus.UNAVAILABLE, details: err.message };
  if (e.syscall === "getaddrinfo" && address.kind === "tcp") {
    return { code: GrpcStatus.UNAVAILABLE, details: `Name resolution failed for target dns:${grpcTarget(address)}` };
  }
  if (connected) return { code: GrpcStatus.UNAVAILABLE, details: "Connection dropped" };
  return { code: GrpcStatus.UNAVAILABLE, details: `No connection established. Last error: ${err.message}` };
}

/**
 * A unary client for the daemon at `url` (`unix:///path`, `http://host:port`, `host:port`): one HTTP/2
 * connection, opened on the first call and again after it is lost, unreferenced while no call is in flight so
 * it never holds the process up.
 */
export function connectUnary(url: string, options: UnaryConnectOptions = {}): UnarySupervisorClient {
  const address = parseServerUrl(url);
  // CTL-03: credentials are sent only when both are set.
  const authorization =
    options.username !== undefined && options.username !== "" && options.password !== undefined
      ? basicAuthorization({ username: options.username, password: options.password })
      : undefined;
  let session: http2.ClientHttp2Session | null = null;
  let sessionError: Error | null = null;
  let connected = false;
  // Sessions whose server sent its SETTINGS: a server that closes a connection it will not serve (a peer outside
  // allow_uids) never does, and "Call cancelled" would not say what happened.
  const heardFrom = new WeakSet<http2.ClientHttp2Session>();
  let inFlight = 0;

  const open = (): http2.ClientHttp2Session => {
    if (session !== null && !session.closed && !session.destroyed) return session;
    sessionError = null;
    connected = false;
    const s =
      address.kind === "unix"
        ? http2.connect("http://localhost", { createConnection: () => net.connect(address.path) })
        : http2.connect(`http://${address.host.includes(":") ? `[${address.host}]` : address.host}:${String(address.port)}`);
    s.once("connect", () => {
      connected = true;
    });
    s.once("remoteSettings", () => heardFrom.add(s));
    s.on("error", (err: Error) => {
      sessionError = err;
    });
    // Closed, or going away (a daemon restarting or shutting down sends GOAWAY): the next call opens a new one,
    // as grpc-js's channel reconnects; calls already sent on this one still get their answer.
    const forget = (): void => {
      if (session === s) session = null;
    };
    s.on("close", forget);
    s.on("goaway", forget);
    session = s;
    return s;
  };

  const call = (method: UnaryMethodName, request: unknown, callOptions: UnaryCallOptions | undefined): Promise<unknown> => {
    const signal = callOptions?.signal;
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    const info = methodInfo(method);
    const body = frameMessage(info.requestType.encode(requestFromPartial(method, request as never)).finish());
    return new Promise((resolve, reject) => {
      const s = open();
      if (inFlight++ === 0) s.ref();
      let settled = false;
      let httpCode: number | undefined;
      let headerStatus: Status | undefined;
      let streamError: Error | null = null;
      const reader = new MessageReader();
      const headers: http2.OutgoingHttpHeaders = {
        ":method": "POST",
        ":path": info.path,
        "content-type": "application/grpc",
        te: "trailers",
        "grpc-accept-encoding": "identity",
      };
      if (authorization !== undefined) headers[AUTHORIZATION_METADATA_KEY] = authorization;
      let stream: http2.ClientHttp2Stream;
      try {
        stream = s.request(headers, { endStream: false });
      } catch (err) {
        // The session went away between open() and here (ERR_HTTP2_GOAWAY_SESSION, ERR_HTTP2_INVALID_SESSION).
        if (--inFlight === 0 && !s.destroyed) s.unref();
        if (session === s) session = null;
        reject(failure(transportStatus(err as Error, connected, address), url, address, err));
        return;
      }

      const settle = (outcome: { status: Status; cause?: unknown } | { value: unknown } | { aborted: unknown }): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        if (--inFlight === 0 && !s.destroyed) s.unref();
        if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_CANCEL);
        if ("value" in outcome) resolve(outcome.value);
        else if ("aborted" in outcome) reject(outcome.aborted as Error);
        else reject(failure(outcome.status, url, address, outcome.cause));
      };
      const finish = (status: Status): void => {
        if (status.code !== GrpcStatus.OK) return settle({ status });
        if (reader.messages.length === 0) return settle({ status: { code: GrpcStatus.UNIMPLEMENTED, details: "No message received" } });
        if (reader.messages.length > 1) return settle({ status: { code: GrpcStatus.UNIMPLEMENTED, details: "Too many responses received" } });
        let value: unknown;
        try {
          value = info.responseType.decode(reader.messages[0] as Buffer);
        } catch (err) {
          return settle({ status: { code: GrpcStatus.INTERNAL, details: `Response message parsing error: ${(err as Error).message}` } });
        }
        settle({ value });
      };
      const onAbort = (): void => settle({ aborted: signal?.reason });
      signal?.addEventListener("abort", onAbort, { once: true });

      stream.on("response", (h) => {
        httpCode = Number(h[":status"]);
        // A trailers-only answer (every fault, every refusal): the status is in these headers.
        headerStatus = statusOf(h);
      });
      stream.on("data", (chunk: Buffer) => {
        if (settled) return;
        const stop = reader.push(chunk);
        if (stop === undefined) return;
        settle({ status: httpCode !== undefined && httpCode !== 200 ? httpStatus(httpCode) : stop });
      });
      stream.on("trailers", (t) => {
        headerStatus = statusOf(t) ?? headerStatus;
      });
      stream.on("error", (err: Error) => {
        streamError = err;
      });
      stream.on("close", () => {
        // After any 'error' of the stream or session that came with the close (grpc-js waits the same tick).
        process.nextTick(() => {
          if (settled) return;
          if (headerStatus !== undefined) return finish(headerStatus);
          const lost = sessionError ?? (streamError !== null && (streamError as NodeJS.ErrnoException).code !== "ERR_HTTP2_STREAM_ERROR" ? streamError : null);
          // A server that took the connection and closed it without ever sending its SETTINGS (a peer outside
          // allow_uids). The close reaches us as an end of stream, or as ECONNRESET/EPIPE when our preface or
          // request was still unread on its side: which one is a race, the answer must not be. Not a protocol
          // error (an HTTP/1.1 server answered: the XML-RPC fallback), not a connect that failed (tsctl's words).
          const silent =
            httpCode === undefined &&
            !heardFrom.has(s) &&
            (lost === null ? s.destroyed || s.closed : connected && (lost as NodeJS.ErrnoException).code !== "ERR_HTTP2_ERROR");
          if (silent) return settle({ status: { code: GrpcStatus.UNAVAILABLE, details: "the server closed the connection without answering" }, cause: lost ?? undefined });
          if (httpCode === undefined && lost !== null) return settle({ status: transportStatus(lost, connected, address), cause: lost });
          if (httpCode !== undefined && httpCode !== 200 && stream.rstCode === http2.constants.NGHTTP2_NO_ERROR) {
            return settle({ status: httpStatus(httpCode) });
          }
          settle({ status: rstStatus(stream.rstCode, httpCode, lost), cause: lost ?? undefined });
        });
      });
      stream.end(body);
    });
  };

  const methods: Record<string, unknown> = {};
  for (const method of METHOD_NAMES) {
    if (isStreamMethod(method)) continue;
    methods[method] = (request?: unknown, callOptions?: UnaryCallOptions) => call(method, request, callOptions);
  }
  return Object.assign(methods, {
    url,
    address,
    close: () => {
      session?.close();
      session = null;
    },
  }) as unknown as UnarySupervisorClient;
}

/** What grpc-js reports for a stream that ended without a status (subchannel-call.ts). */
function rstStatus(rstCode: number, httpCode: number | undefined, lost: Error | null): Status {
  const c = http2.constants;
  switch (rstCode) {
    case c.NGHTTP2_NO_ERROR:
      return httpCode === undefined
        ? { code: GrpcStatus.INTERNAL, details: `Received RST_STREAM with code ${String(rstCode)} (Call ended without gRPC status)` }
        : { code: GrpcStatus.UNKNOWN, details: "No status information received" };
    case c.NGHTTP2_REFUSED_STREAM:
      return { code: GrpcStatus.UNAVAILABLE, details: "Stream refused by server" };
    case c.NGHTTP2_CANCEL:
      return lost !== null ? { code: GrpcStatus.UNAVAILABLE, details: "Connection dropped" } : { code: GrpcStatus.CANCELLED, details: "Call cancelled" };
    case c.NGHTTP2_ENHANCE_YOUR_CALM:
      return { code: GrpcStatus.RESOURCE_EXHAUSTED, details: "Bandwidth exhausted or memory limit exceeded" };
    case c.NGHTTP2_INADEQUATE_SECURITY:
      return { code: GrpcStatus.PERMISSION_DENIED, details: "Protocol not secure enough" };
    case c.NGHTTP2_INTERNAL_ERROR: {
      const code = (lost as NodeJS.ErrnoException | null)?.code;
      if (lost !== null && (code === "ECONNRESET" || code === "ETIMEDOUT")) return { code: GrpcStatus.UNAVAILABLE, details: lost.message };
      return {
        code: GrpcStatus.INTERNAL,
        details:
          lost === null
            ? `Received RST_STREAM with code ${String(rstCode)} (Internal server error)`
            : `Received RST_STREAM with code ${String(rstCode)} triggered by internal client error: ${lost.message}`,
      };
    }
    default:
      return { code: GrpcStatus.INTERNAL, details: `Received RST_STREAM with code ${String(rstCode)}` };
  }
}
