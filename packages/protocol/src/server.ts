/**
 * Serving supervisor.v1 from plain async functions. The daemon writes `async (request, ctx) => response` for
 * unary calls and `async function* (request, ctx)` for streams; the wrappers here check credentials, turn
 * thrown SupervisorErrors into statuses with the fault in trailing metadata, hide unexpected errors behind
 * INTERNAL, honour backpressure (`send()` false -> wait until the queue drains) and abort `ctx.signal` on
 * cancellation. issue 20: the transport is node:http2 (http2-server.ts); nothing here loads grpc-js.
 */
import type { Duplex } from "node:stream";
import type { Caller } from "@tsupervisord/errors";
import type { DeepPartial } from "./gen/supervisor/v1/supervisor.js";
import { AUTHORIZATION_METADATA_KEY, isAuthorized, type Credentials } from "./auth.js";
import { faultStatus, type CallStatus } from "./fault-status.js";
import { GrpcStatus } from "./grpc-framing.js";
import { createHttp2GrpcServer, metadataValue, type GrpcRoute, type GrpcServerCall } from "./http2-server.js";
import {
  METHOD_NAMES,
  isStreamMethod,
  methodInfo,
  responseFromPartial,
  type MethodName,
  type RequestOf,
  type ResponseOf,
  type StreamMethodName,
  type UnaryMethodName,
} from "./service.js";

export interface CallContext {
  readonly method: MethodName;
  /** Aborted when the client cancels the call or goes away: long waits (start with wait, follow) stop on it. */
  readonly signal: AbortSignal;
  /** The peer as grpc-js's getPeer() says it, `ip:port` or the unix socket's label (for the daemon's log). */
  readonly peer: string;
  /** Who is calling (issue 19), when the server was built with `access`. */
  readonly caller?: Caller;
}

/** What an authentication attempt ended in: a caller, or the status to refuse the call with. */
export type AdmitOutcome = { ok: true; caller: Caller } | { ok: false; refusal: "unauthenticated" | "limited" };

/**
 * Issue 19: who may call what, decided by the daemon (its one role table). `authenticate` sees the
 * Authorization value and grpc-js's peer string; `authorize` throws a SupervisorError (PERMISSION_DENIED) to
 * refuse, and is where allowed control calls are audited (it sees the request, to name the program).
 */
export interface CallAccess {
  /** May be async: a bcrypt hash takes a while to verify. */
  authenticate(authorization: string | undefined, peer: string): AdmitOutcome | Promise<AdmitOutcome>;
  authorize(method: MethodName, caller: Caller, request: unknown): void;
}

export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<DeepPartial<Res>> | DeepPartial<Res>;

/**
 * A server stream as an async iterable. The wrapper pulls the next message only after the previous one was
 * accepted by the transport, so a slow client slows the producer instead of growing a buffer. On cancellation
 * the wrapper stops at once and calls the iterator's `return()`; a generator blocked in an `await` should also
 * watch `ctx.signal` so it finishes promptly.
 */
export type ServerStreamHandler<Req, Res> = (request: Req, ctx: CallContext) => AsyncIterable<DeepPartial<Res>>;

/** The typed implementation of the whole service: every RPC must be present (a missing one fails to compile). */
export type SupervisorHandlers = {
  [M in UnaryMethodName]: UnaryHandler<RequestOf<M>, ResponseOf<M>>;
} & {
  [M in StreamMethodName]: ServerStreamHandler<RequestOf<M>, ResponseOf<M>>;
};

export interface WrapOptions {
  /** Credentials every call must present; null/undefined = no authentication (as without `username=`). */
  auth?: Credentials | null | undefined;
  /** Issue 19: users, roles and audit; when set, `auth` is not consulted. */
  access?: CallAccess | undefined;
  /** Sees every error that is not a SupervisorError/ConfigError, before the client gets a bare INTERNAL. */
  onUnexpectedError?: ((err: unknown, method: MethodName) => void) | undefined;
  /** Called each time a stream stops pulling from its producer because the client is behind (observability). */
  onBackpressure?: ((method: MethodName) => void) | undefined;
}

const UNAUTHENTICATED_STATUS: CallStatus = { code: GrpcStatus.UNAUTHENTICATED, details: "" };
const LIMITED_STATUS: CallStatus = { code: GrpcStatus.RESOURCE_EXHAUSTED, details: "too many failed logins from this peer; try again later" };

/**
 * Authentication, then authorization, before the handler runs: the caller, or the status the call ends with.
 * Without `access` this is the old single-credentials check and no caller.
 */
type Admitted = { caller: Caller | undefined } | { refuse: CallStatus };

async function admit(method: MethodName, call: GrpcServerCall, request: unknown, options: WrapOptions): Promise<Admitted> {
  const access = options.access;
  const authorization = metadataValue(call.headers, AUTHORIZATION_METADATA_KEY);
  if (access === undefined) return authorized(authorization, options.auth) ? { caller: undefined } : { refuse: UNAUTHENTICATED_STATUS };
  let outcome: AdmitOutcome;
  try {
    outcome = await access.authenticate(authorization, call.peer);
  } catch (err) {
    return { refuse: faultStatus(err, (e) => options.onUnexpectedError?.(e, method)) };
  }
  if (!outcome.ok) return { refuse: outcome.refusal === "limited" ? LIMITED_STATUS : UNAUTHENTICATED_STATUS };
  try {
    access.authorize(method, outcome.caller, request);
  } catch (err) {
    return { refuse: faultStatus(err, (e) => options.onUnexpectedError?.(e, method)) };
  }
  return { caller: outcome.caller };
}

function authorized(authorization: string | undefined, auth: Credentials | null | undefined): boolean {
  if (auth === null || auth === undefined) return true;
  return isAuthorized(auth, authorization);
}

function contextFor(method: MethodName, call: GrpcServerCall, caller: Caller | undefined): CallContext {
  // The call's signal aborts for an explicit cancel and a dropped connection alike; one that came while the
  // caller was being authenticated (a bcrypt check yields) has already aborted it.
  return { method, signal: call.signal, peer: call.peer, ...(caller === undefined ? {} : { caller }) };
}

/** The encoded response; a message that cannot be encoded ends the call as grpc-js does. */
function encodeResponse(method: MethodName, value: unknown): Uint8Array | undefined {
  try {
    return methodInfo(method).responseType.encode(value).finish();
  } catch {
    return undefined;
  }
}
const SERIALIZE_FAILED: CallStatus = { code: GrpcStatus.INTERNAL, details: "Error serializing response" };
const OK_STATUS: CallStatus = { code: GrpcStatus.OK, details: "OK" };

function unaryRoute<M extends UnaryMethodName>(method: M, handler: UnaryHandler<RequestOf<M>, ResponseOf<M>>, options: WrapOptions): GrpcRoute["handle"] {
  return (call, request) => {
    void (async () => {
      const admitted = await admit(method, call, request, options);
      if ("refuse" in admitted) {
        call.end(admitted.refuse);
        return;
      }
      const ctx = contextFor(method, call, admitted.caller);
      let response: ResponseOf<M>;
      try {
        response = responseFromPartial(method, await handler(request as RequestOf<M>, ctx));
      } catch (err) {
        call.end(faultStatus(err, (e) => options.onUnexpectedError?.(e, method)));
        return;
      }
      const bytes = encodeResponse(method, response);
      if (bytes === undefined) return call.end(SERIALIZE_FAILED);
      call.send(bytes);
      call.end(OK_STATUS);
    })();
  };
}

/**
 * The producer's next message, or `undefined` once the signal aborts, so a pending `next()` cannot hold a
 * cancelled call. Each round has its own abort listener, removed when the round settles: racing every
 * `next()` against one long-lived promise would leave a reaction per message on it and keep every message
 * sent reachable until the stream ends (a follow stream of a flooding log grew the daemon by ~1 GB in 15 s).
 */
function nextOrAbort<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T> | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    iterator.next().then(
      (result) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

function streamRoute<M extends StreamMethodName>(method: M, handler: ServerStreamHandler<RequestOf<M>, ResponseOf<M>>, options: WrapOptions): GrpcRoute["handle"] {
  return (call, request) => {
    void (async () => {
      const admitted = await admit(method, call, request, options);
      if ("refuse" in admitted) {
        call.end(admitted.refuse);
        return;
      }
      const ctx = contextFor(method, call, admitted.caller);
      const signal = call.signal;
      let iterator: AsyncIterator<DeepPartial<ResponseOf<M>>> | undefined;
      try {
        iterator = handler(request as RequestOf<M>, ctx)[Symbol.asyncIterator]();
        while (!signal.aborted) {
          const next = await nextOrAbort(iterator, signal);
          if (next === undefined || signal.aborted) break;
          if (next.done === true) {
            call.end(OK_STATUS);
            return;
          }
          const bytes = encodeResponse(method, responseFromPartial(method, next.value));
          if (bytes === undefined) {
            call.end(SERIALIZE_FAILED);
            break;
          }
          if (!call.send(bytes)) {
            options.onBackpressure?.(method);
            await call.writable();
          }
        }
        // Cancelled: let the producer clean up (queued until it next yields if it is busy); nobody listens.
        iterator.return?.().catch(() => undefined);
      } catch (err) {
        const status = faultStatus(err, (e) => options.onUnexpectedError?.(e, method));
        if (!signal.aborted) call.end(status);
        iterator?.return?.().catch(() => undefined);
      }
    })();
  };
}

export interface CreateGrpcServerOptions extends WrapOptions {
  /**
   * Closes (GOAWAY) a connection that has had no call in flight for this long, as grpc-js's
   * `grpc.max_connection_idle_ms` did (`grpc_idle_timeout=`, issue 19). Absent: never.
   */
  idleTimeoutMs?: number | undefined;
}

export interface SupervisorGrpcServer {
  /**
   * Takes a connection the daemon accepted (already past the HTTP/2 preface peek, TLS already terminated).
   * The daemon owns every listener; this server never binds one.
   */
  injector: { injectConnection(connection: Duplex): void };
  /** Stops accepting calls (GOAWAY), waits up to `graceMs` for calls in flight, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Wraps every handler of the implementation and serves them over node:http2 (http2-server.ts). */
export function createGrpcServer(handlers: SupervisorHandlers, options: CreateGrpcServerOptions = {}): SupervisorGrpcServer {
  const routes = new Map<string, GrpcRoute>();
  for (const method of METHOD_NAMES) {
    const info = methodInfo(method);
    // The mapped types tie each handler to its method; TS cannot follow that through a loop, hence the casts.
    const handle = isStreamMethod(method)
      ? streamRoute(method, handlers[method] as unknown as Parameters<typeof streamRoute>[1], options)
      : unaryRoute(method as UnaryMethodName, handlers[method] as unknown as Parameters<typeof unaryRoute>[1], options);
    routes.set(info.path, { decode: (message) => info.requestType.decode(message), handle });
  }
  const server = createHttp2GrpcServer({ routes, idleTimeoutMs: options.idleTimeoutMs });
  return {
    injector: { injectConnection: (connection) => server.injectConnection(connection) },
    close: (graceMs = 1000) => server.close(graceMs),
  };
}
