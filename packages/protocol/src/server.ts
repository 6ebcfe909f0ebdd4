/**
 * Serving supervisor.v1 from plain async functions. The daemon writes `async (request, ctx) => response` for
 * unary calls and `async function* (request, ctx)` for streams; the wrappers here check credentials, turn
 * thrown SupervisorErrors into statuses with the fault in trailing metadata, hide unexpected errors behind
 * INTERNAL, honour backpressure (`write()` false -> wait for 'drain') and abort `ctx.signal` on cancellation.
 */
import type {
  Metadata} from "@grpc/grpc-js";
import {
  Server,
  ServerCredentials,
  status,
  type ChannelOptions,
  type ConnectionInjector,
  type ServerUnaryCall,
  type ServerWritableStream,
  type UntypedServiceImplementation,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type sendUnaryData,
  type StatusObject,
} from "@grpc/grpc-js";
import type { Caller } from "@tsupervisord/errors";
import type { DeepPartial } from "./gen/supervisor/v1/supervisor.js";
import { SupervisorService } from "./grpc-service.js";
import { AUTHORIZATION_METADATA_KEY, isAuthorized, type Credentials } from "./auth.js";
import { toGrpcStatus } from "./errors.js";
import {
  METHOD_NAMES,
  isStreamMethod,
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
  /** The request metadata; absent when the call did not come over gRPC (the daemon's XML-RPC face). */
  readonly metadata?: Metadata;
  /** grpc-js's peer string (for the daemon's log). */
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

const UNAUTHENTICATED_STATUS = { code: status.UNAUTHENTICATED, details: "" };
const LIMITED_STATUS = { code: status.RESOURCE_EXHAUSTED, details: "too many failed logins from this peer; try again later" };

/**
 * Authentication, then authorization, before the handler runs: the caller, or the status the call ends with.
 * Without `access` this is the old single-credentials check and no caller.
 */
type Admitted = { caller: Caller | undefined } | { refuse: Partial<StatusObject> & { code: status; details: string } };

async function admit(
  method: MethodName,
  call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
  options: WrapOptions,
): Promise<Admitted> {
  const access = options.access;
  if (access === undefined) return authorized(call.metadata, options.auth) ? { caller: undefined } : { refuse: UNAUTHENTICATED_STATUS };
  const [value] = call.metadata.get(AUTHORIZATION_METADATA_KEY);
  let outcome: AdmitOutcome;
  try {
    outcome = await access.authenticate(typeof value === "string" ? value : undefined, call.getPeer());
  } catch (err) {
    return { refuse: toGrpcStatus(err, (e) => options.onUnexpectedError?.(e, method)) };
  }
  if (!outcome.ok) return { refuse: outcome.refusal === "limited" ? LIMITED_STATUS : UNAUTHENTICATED_STATUS };
  try {
    access.authorize(method, outcome.caller, call.request);
  } catch (err) {
    return { refuse: toGrpcStatus(err, (e) => options.onUnexpectedError?.(e, method)) };
  }
  return { caller: outcome.caller };
}

function authorized(metadata: Metadata, auth: Credentials | null | undefined): boolean {
  if (auth === null || auth === undefined) return true;
  const [value] = metadata.get(AUTHORIZATION_METADATA_KEY);
  return isAuthorized(auth, typeof value === "string" ? value : undefined);
}

function contextFor(
  method: MethodName,
  call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>,
  caller: Caller | undefined,
): { ctx: CallContext; controller: AbortController } {
  const controller = new AbortController();
  // 'cancelled' fires for an explicit cancel and for a dropped connection alike; one that came while the
  // caller was being authenticated (a bcrypt check yields) has already fired.
  call.once("cancelled", () => controller.abort());
  if (call.cancelled) controller.abort();
  const ctx: CallContext = {
    method,
    signal: controller.signal,
    metadata: call.metadata,
    peer: call.getPeer(),
    ...(caller === undefined ? {} : { caller }),
  };
  return { ctx, controller };
}

export function wrapUnary<M extends UnaryMethodName>(
  method: M,
  handler: UnaryHandler<RequestOf<M>, ResponseOf<M>>,
  options: WrapOptions = {},
): handleUnaryCall<RequestOf<M>, ResponseOf<M>> {
  return (call: ServerUnaryCall<RequestOf<M>, ResponseOf<M>>, callback: sendUnaryData<ResponseOf<M>>) => {
    void (async () => {
      const admitted = await admit(method, call, options);
      if ("refuse" in admitted) {
        callback(admitted.refuse);
        return;
      }
      const { ctx } = contextFor(method, call, admitted.caller);
      let response: ResponseOf<M>;
      try {
        response = responseFromPartial(method, await handler(call.request, ctx));
      } catch (err) {
        callback(toGrpcStatus(err, (e) => options.onUnexpectedError?.(e, method)));
        return;
      }
      callback(null, response);
    })();
  };
}

/** Resolves when the stream can take more ('drain') or the call is gone, whichever is first. */
function writable(call: ServerWritableStream<unknown, unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off("drain", done);
      call.off("close", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    call.once("drain", done);
    call.once("close", done);
    signal.addEventListener("abort", done, { once: true });
  });
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

export function wrapServerStream<M extends StreamMethodName>(
  method: M,
  handler: ServerStreamHandler<RequestOf<M>, ResponseOf<M>>,
  options: WrapOptions = {},
): handleServerStreamingCall<RequestOf<M>, ResponseOf<M>> {
  return (call: ServerWritableStream<RequestOf<M>, ResponseOf<M>>) => {
    void (async () => {
      const admitted = await admit(method, call, options);
      if ("refuse" in admitted) {
        call.emit("error", admitted.refuse);
        return;
      }
      const { ctx, controller } = contextFor(method, call, admitted.caller);
      const signal = controller.signal;
      let iterator: AsyncIterator<DeepPartial<ResponseOf<M>>> | undefined;
      try {
        iterator = handler(call.request, ctx)[Symbol.asyncIterator]();
        while (!signal.aborted) {
          const next = await nextOrAbort(iterator, signal);
          if (next === undefined || signal.aborted) break;
          if (next.done === true) {
            call.end();
            return;
          }
          if (!call.write(responseFromPartial(method, next.value))) {
            options.onBackpressure?.(method);
            await writable(call, signal);
          }
        }
        // Cancelled: let the producer clean up (queued until it next yields if it is busy); nobody listens.
        iterator.return?.().catch(() => undefined);
      } catch (err) {
        const grpcStatus = toGrpcStatus(err, (e) => options.onUnexpectedError?.(e, method));
        if (!signal.aborted) call.emit("error", grpcStatus);
        iterator?.return?.().catch(() => undefined);
      }
    })();
  };
}

export interface CreateGrpcServerOptions extends WrapOptions {
  /** grpc-js server options (keepalive, message sizes…). */
  channelOptions?: ChannelOptions;
}

export interface SupervisorGrpcServer {
  server: Server;
  /**
   * Hands a connection the daemon accepted (already past the HTTP/2 preface peek, TLS already terminated)
   * to grpc-js. The daemon owns every listener; grpc-js never binds one.
   */
  injector: ConnectionInjector;
  /** Stops accepting calls, waits up to `graceMs` for calls in flight, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Wraps every handler of the implementation and registers them on a new grpc-js Server. */
export function createGrpcServer(handlers: SupervisorHandlers, options: CreateGrpcServerOptions = {}): SupervisorGrpcServer {
  const server = new Server(options.channelOptions);
  const implementation: UntypedServiceImplementation = {};
  for (const method of METHOD_NAMES) {
    // The mapped types tie each handler to its method; TS cannot follow that through a loop, hence the casts.
    implementation[method] = isStreamMethod(method)
      ? wrapServerStream(method, handlers[method] as unknown as Parameters<typeof wrapServerStream>[1], options)
      : wrapUnary(method as UnaryMethodName, handlers[method] as unknown as Parameters<typeof wrapUnary>[1], options);
  }
  server.addService(SupervisorService, implementation);
  // TLS, when configured, is terminated by the daemon's listener (so HTTP/1.1 shares the port), hence insecure.
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  return {
    server,
    injector,
    close: (graceMs = 1000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        timer.unref();
        injector.drain(graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          injector.destroy();
          resolve();
        });
      }),
  };
}
