/**
 * A small promise-based client over grpc-js: `await client.getAllProcessInfo()`, streams as async iterables,
 * an AbortSignal to cancel, Basic credentials on every call. Failures come back as one of three things:
 * - `SupervisorError` — the daemon answered with a fault (rebuilt from trailing metadata, same code/detail);
 * - `ConnectionError` — the daemon could not be reached or refused our credentials (`reason` says which, for
 *   tsctl's upcheck messages and exit codes, spec §4.2);
 * - anything else grpc-js raises (a `ServiceError`), or the signal's reason when the caller aborted.
 */
import {
  Client,
  Metadata,
  credentials as grpcCredentials,
  type CallOptions as GrpcCallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientReadableStream,
} from "@grpc/grpc-js";
import type { DeepPartial } from "./gen/supervisor/v1/supervisor.js";
import { SupervisorService } from "./grpc-service.js";
import { connectionErrorFor } from "./connection-error.js";
import { formatServerUrl, grpcTarget, parseServerUrl, type ServerAddress } from "./address.js";
import { AUTHORIZATION_METADATA_KEY, basicAuthorization } from "./auth.js";
import { faultFromMetadata, isServiceError } from "./errors.js";
import {
  METHOD_NAMES,
  isStreamMethod,
  requestFromPartial,
  type MethodName,
  type RequestOf,
  type ResponseOf,
  type StreamMethodName,
  type UnaryMethodName,
} from "./service.js";

export { ConnectionError, isConnectionError, type ConnectionFailure } from "./connection-error.js";

export interface TlsClientOptions {
  /** PEM CA bundle to trust (default: the system roots). */
  ca?: Buffer | string | undefined;
  /** Client certificate and key, when the server asks for one. */
  cert?: Buffer | string | undefined;
  key?: Buffer | string | undefined;
  /** Name to verify the server certificate against when it differs from the URL's host. */
  serverName?: string | undefined;
  /** Skip verifying the server's certificate chain and name (tsctl's explicit `--insecure`). */
  insecure?: boolean | undefined;
}

export interface ConnectOptions {
  username?: string | undefined;
  password?: string | undefined;
  /** TLS for a TCP address: true for system roots, or explicit options. */
  tls?: boolean | TlsClientOptions | undefined;
  channelOptions?: ChannelOptions | undefined;
}

export interface CallOptions {
  /** Cancels the call; the promise rejects (or the iteration throws) with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Absolute deadline (Date or epoch ms); DEADLINE_EXCEEDED after it. */
  deadline?: Date | number | undefined;
}

type UnaryMethods = {
  [M in UnaryMethodName]: (request?: DeepPartial<RequestOf<M>>, options?: CallOptions) => Promise<ResponseOf<M>>;
};
type StreamMethods = {
  [M in StreamMethodName]: (request?: DeepPartial<RequestOf<M>>, options?: CallOptions) => AsyncIterable<ResponseOf<M>>;
};

export type SupervisorClient = UnaryMethods &
  StreamMethods & {
    readonly url: string;
    readonly address: ServerAddress;
    /** Closes the channel; calls in flight are cancelled. */
    close(): void;
  };

function toBuffer(value: Buffer | string | undefined): Buffer | null {
  if (value === undefined) return null;
  return typeof value === "string" ? Buffer.from(value) : value;
}

function channelCredentials(address: ServerAddress, tls: ConnectOptions["tls"]): ChannelCredentials {
  if (tls === undefined || tls === false || address.kind === "unix") return grpcCredentials.createInsecure();
  const options = tls === true ? {} : tls;
  const verify = options.insecure === true ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {};
  return grpcCredentials.createSsl(toBuffer(options.ca), toBuffer(options.key), toBuffer(options.cert), verify);
}

function channelOptions(tls: ConnectOptions["tls"], extra: ChannelOptions | undefined): ChannelOptions {
  const options: ChannelOptions = { ...extra };
  if (typeof tls === "object" && tls.serverName !== undefined) {
    options["grpc.ssl_target_name_override"] = tls.serverName;
    options["grpc.default_authority"] = tls.serverName;
  }
  return options;
}

/** Turns a grpc-js failure into the error callers are promised (see the module comment). */
function translateError(err: unknown, url: string, address: ServerAddress, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted === true) return signal.reason;
  if (!isServiceError(err)) return err;
  const fault = faultFromMetadata(err.metadata);
  if (fault !== undefined) return fault;
  return connectionErrorFor(err.code, err.details ?? "", url, address, err) ?? err;
}

/**
 * A client for the daemon at `url` (`unix:///path`, `http://host:port`, `host:port`). Nothing is dialled until
 * the first call; the channel reconnects by itself after the daemon restarts.
 */
export function connect(url: string, options: ConnectOptions = {}): SupervisorClient {
  const address = parseServerUrl(url);
  const client = new Client(
    grpcTarget(address),
    channelCredentials(address, options.tls),
    channelOptions(options.tls, options.channelOptions),
  );
  // CTL-03: credentials are sent only when both are set.
  const authorization =
    options.username !== undefined && options.username !== "" && options.password !== undefined
      ? basicAuthorization({ username: options.username, password: options.password })
      : undefined;

  const metadata = (): Metadata => {
    const md = new Metadata();
    if (authorization !== undefined) md.set(AUTHORIZATION_METADATA_KEY, authorization);
    return md;
  };
  const grpcOptions = (callOptions: CallOptions | undefined): GrpcCallOptions =>
    callOptions?.deadline === undefined ? {} : { deadline: callOptions.deadline };

  const unary = <M extends UnaryMethodName>(method: M) => {
    const definition = SupervisorService[method];
    return (request?: DeepPartial<RequestOf<M>>, callOptions?: CallOptions): Promise<ResponseOf<M>> => {
      const signal = callOptions?.signal;
      if (signal?.aborted === true) return Promise.reject(signal.reason);
      const message = requestFromPartial(method, request);
      return new Promise<ResponseOf<M>>((resolve, reject) => {
        const call = client.makeUnaryRequest<RequestOf<M>, ResponseOf<M>>(
          definition.path,
          definition.requestSerialize as (value: RequestOf<M>) => Buffer,
          definition.responseDeserialize as (value: Buffer) => ResponseOf<M>,
          message,
          metadata(),
          grpcOptions(callOptions),
          (err, response) => {
            signal?.removeEventListener("abort", onAbort);
            if (err !== null || response === undefined) reject(translateError(err, url, address, signal));
            else resolve(response);
          },
        );
        const onAbort = (): void => call.cancel();
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    };
  };

  const stream = <M extends StreamMethodName>(method: M) => {
    const definition = SupervisorService[method];
    return (request?: DeepPartial<RequestOf<M>>, callOptions?: CallOptions): AsyncIterable<ResponseOf<M>> => {
      const signal = callOptions?.signal;
      const message = requestFromPartial(method, request);
      // Each iteration opens its own call; messages are pulled, so a slow consumer applies flow control.
      return {
        async *[Symbol.asyncIterator]() {
          if (signal?.aborted === true) throw signal.reason;
          const call: ClientReadableStream<ResponseOf<M>> = client.makeServerStreamRequest<RequestOf<M>, ResponseOf<M>>(
            definition.path,
            definition.requestSerialize as (value: RequestOf<M>) => Buffer,
            definition.responseDeserialize as (value: Buffer) => ResponseOf<M>,
            message,
            metadata(),
            grpcOptions(callOptions),
          );
          const onAbort = (): void => call.cancel();
          signal?.addEventListener("abort", onAbort, { once: true });
          try {
            for await (const item of call) yield item as ResponseOf<M>;
          } catch (err) {
            throw translateError(err, url, address, signal);
          } finally {
            signal?.removeEventListener("abort", onAbort);
            // The consumer stopped early (break/return): tell the server.
            call.cancel();
          }
        },
      };
    };
  };

  const methods: Record<string, unknown> = {};
  for (const method of METHOD_NAMES) {
    methods[method] = isStreamMethod(method) ? stream(method) : unary(method as UnaryMethodName);
  }
  return Object.assign(methods, {
    url,
    address,
    close: () => client.close(),
  }) as unknown as SupervisorClient;
}

/** The method names a SupervisorClient has (for tests and completion). */
export const CLIENT_METHODS: readonly MethodName[] = METHOD_NAMES;

/** The URL as tsctl should print it in connection messages. */
export function displayUrl(address: ServerAddress): string {
  return formatServerUrl(address);
}
