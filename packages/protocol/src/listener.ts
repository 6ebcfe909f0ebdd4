/**
 * One address, every client: the daemon accepts each connection on its own `net.Server` (so it controls the
 * socket mode and owner before anyone connects) and calls `handleConnection`. A connection that opens with the
 * HTTP/2 client preface goes to the gRPC server's injector (createGrpcServer); anything else is HTTP/1.1 (XML-RPC on
 * /RPC2, the web UI), handed to the daemon's HTTP/1.1 server. The peeked bytes are pushed back (`unshift`)
 * before the hand-over, so whoever takes the socket reads it from its first byte.
 *
 * With `tls`, TLS is terminated here first and the same peek runs on the decrypted stream, so gRPC and
 * HTTP/1.1 can share a TLS port too (ALPN: h2 for clients that offer only h2, else http/1.1; see chooseAlpn).
 */
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import type * as Tls from "node:tls";
import type { SecureContextOptions, TLSSocket, TlsOptions } from "node:tls";
import type { Duplex } from "node:stream";

/**
 * node:tls through `require`, on the first TLS listener. An ESM `import` of a builtin makes Node build its ESM
 * facade, which reads every export once, `tls.rootCertificates` included: the ~140 root certificates parsed and
 * kept in the heap as PEM strings (+0.8 MiB RSS in a bare node with the daemon's flags; issue 20). http2 loads
 * node:tls itself, through require, which reads no export.
 */
let tlsModule: typeof Tls | undefined;
function loadTls(): typeof Tls {
  tlsModule ??= createRequire(import.meta.url)("node:tls") as typeof Tls;
  return tlsModule;
}

/** The first bytes of the HTTP/2 client connection preface (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`). */
export const HTTP2_PREFACE_PREFIX = Buffer.from("PRI * HTTP/2.0", "latin1");

export interface ConnectionHandlers {
  /** Where HTTP/2 connections go: `createGrpcServer(...).injector`. */
  grpc: { injectConnection(connection: Duplex): void };
  /**
   * Where HTTP/1.x connections go, e.g. `(socket) => httpServer.emit("connection", socket)`. The socket is
   * resumed right after this returns, so attach readers synchronously (http.Server does). A handler that returns a
   * promise (one that loads the HTTP/1.1 server first, issue 20) keeps the socket paused, its bytes buffered, until
   * the promise settles; it is resumed then if still paused.
   * Default: answer `501 Not Implemented` and close.
   */
  http1?: ((socket: Duplex) => void) | ((socket: Duplex) => Promise<void>) | undefined;
  /** Terminate TLS before peeking: `{ cert, key }`, plus `ca` + `requestCert` to demand client certificates. */
  tls?: TlsOptions | undefined;
  /** A connection that sends nothing for this long is closed before classification. Default 30 s. */
  peekTimeoutMs?: number | undefined;
  /** A TLS handshake failed (wrong CA on the client's side, no client certificate with mTLS…); default: ignored. */
  onTlsClientError?: ((err: Error, socket: TLSSocket) => void) | undefined;
}

/** A TLS listener's router whose certificate can be swapped while it serves (issue 19). */
export interface TlsConnectionRouter {
  route(socket: Socket): void;
  /** New connections handshake with these; open connections keep the context they were made with. */
  setSecureContext(options: SecureContextOptions): void;
}

export function respondNotImplemented(socket: Duplex): void {
  socket.on("error", () => socket.destroy());
  socket.end("HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain\r\nContent-Length: 16\r\nConnection: close\r\n\r\nNot Implemented\n");
}

/**
 * Routes every connection of one listener: `net.createServer(createConnectionRouter(handlers))`. With `tls`, the
 * TLS handshake is done by a never-listening `tls.Server` built once here (Node only finishes a server-side
 * TLSSocket's set-up, which http2 needs, on that path), and the peek runs on the decrypted stream.
 */
export function createConnectionRouter(handlers: ConnectionHandlers): (socket: Socket) => void {
  const tls = handlers.tls;
  if (tls === undefined) return (socket) => classify(socket, handlers);
  return createTlsConnectionRouter(tls, handlers).route;
}

/**
 * createConnectionRouter's TLS case, with the certificate swappable (`tls.Server.setSecureContext`): the daemon
 * reloads replaced certificate files without closing its listener or any open connection.
 */
export function createTlsConnectionRouter(tls: TlsOptions, handlers: ConnectionHandlers): TlsConnectionRouter {
  const terminator = loadTls().createServer({ ALPNCallback: chooseAlpn, ...tls }, (tlsSocket) => classify(tlsSocket, handlers));
  // A failed handshake concerns that connection only (tls destroys the socket).
  const onError = handlers.onTlsClientError;
  terminator.on("tlsClientError", (err: Error, socket: TLSSocket) => onError?.(err, socket));
  return {
    route: (socket) => terminator.emit("connection", socket),
    setSecureContext: (options) => terminator.setSecureContext(options),
  };
}

/**
 * ALPN decides which protocol a TLS client speaks, so it decides where the peek sends it. gRPC clients (grpc-js,
 * grpc-go, grpc core) offer h2 only and get it; browsers, curl and Python offer http/1.1 as well and get that:
 * the web UI, XML-RPC and /metrics are HTTP/1.1 services, and an h2 browser would reach gRPC instead (issue 19).
 * A client offering neither is refused (no_application_protocol); one offering no ALPN at all is peeked as usual.
 */
export function chooseAlpn({ protocols }: { protocols: string[] }): string | undefined {
  if (protocols.includes("http/1.1")) return "http/1.1";
  if (protocols.includes("h2")) return "h2";
  return undefined;
}

/** Routers for handleConnection's TLS case, one per (tls options, grpc target) pair. */
const tlsRouters = new WeakMap<TlsOptions, WeakMap<ConnectionHandlers["grpc"], (socket: Socket) => void>>();

/**
 * Routes one connection. Without TLS nothing is cached and the handlers may differ per call. With TLS the first
 * handlers seen for a given `tls` object and `grpc` injector are kept (the handshake machinery is built once),
 * so keep both objects for the listener's lifetime — or use createConnectionRouter once per listener.
 */
export function handleConnection(socket: Socket, handlers: ConnectionHandlers): void {
  const tls = handlers.tls;
  if (tls === undefined) {
    classify(socket, handlers);
    return;
  }
  let byGrpc = tlsRouters.get(tls);
  if (byGrpc === undefined) {
    byGrpc = new WeakMap();
    tlsRouters.set(tls, byGrpc);
  }
  let route = byGrpc.get(handlers.grpc);
  if (route === undefined) {
    route = createConnectionRouter(handlers);
    byGrpc.set(handlers.grpc, route);
  }
  route(socket);
}

function classify(stream: Socket, handlers: ConnectionHandlers): void {
  let seen: Buffer = Buffer.alloc(0);
  const timeoutMs = handlers.peekTimeoutMs ?? 30_000;
  const timer = setTimeout(() => stream.destroy(), timeoutMs);
  timer.unref();

  const stop = (): void => {
    clearTimeout(timer);
    stream.off("data", onData);
    stream.off("close", stop);
    stream.off("error", onError);
  };
  const onError = (): void => {
    stop();
    stream.destroy();
  };
  const onData = (chunk: Buffer): void => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const n = Math.min(seen.length, HTTP2_PREFACE_PREFIX.length);
    const looksLikeHttp2 = seen.subarray(0, n).equals(HTTP2_PREFACE_PREFIX.subarray(0, n));
    // Wait for more only while the bytes so far could still be the preface.
    if (looksLikeHttp2 && seen.length < HTTP2_PREFACE_PREFIX.length) return;
    stop();
    stream.pause();
    stream.unshift(seen);
    if (looksLikeHttp2) {
      // http2 takes over the socket and reads the unshifted bytes itself.
      handlers.grpc.injectConnection(stream);
    } else {
      // We paused the socket to push the bytes back; `http.Server` attaches its 'data' listener on
      // 'connection' but does not resume an explicitly paused socket, so restart the flow for it.
      const resume = (): void => {
        if (!stream.destroyed && stream.isPaused()) stream.resume();
      };
      // (A void handler may still return something, e.g. `server.emit(...)`'s boolean: only a promise defers.)
      const handing: unknown = (handlers.http1 ?? respondNotImplemented)(stream);
      if (handing instanceof Promise) void handing.then(resume, () => stream.destroy());
      else resume();
    }
  };
  stream.on("data", onData);
  stream.once("close", stop);
  stream.once("error", onError);
}
