/**
 * issue 20: the SupervisorClient tsctl talks through. Unary calls over a plain connection (unix socket, http://)
 * go over node:http2 directly (@tsupervisord/protocol/unary), so a one-shot command such as `status` never
 * loads grpc-js; streams (`tail -f`, `wait`, operations, `--since`) and every call over https:// use grpc-js's
 * client, imported on the first of them. Both fail alike (the same SupervisorError, ConnectionError texts).
 */
import type { ConnectOptions, SupervisorClient } from "@tsupervisord/protocol";
import { METHOD_NAMES, connectUnary, isStreamMethod, parseServerUrl } from "@tsupervisord/protocol/unary";
import { BackendConnectionError } from "./backend.js";

type AnyCall = (request?: unknown, options?: unknown) => unknown;

/** Throws what grpc-js's `connect` throws for an address nobody can dial (`unix://relative`), as it did. */
export function hybridClient(url: string, options: ConnectOptions): SupervisorClient {
  const address = parseServerUrl(url);
  const unary = options.tls === undefined ? connectUnary(url, { username: options.username, password: options.password }) : null;
  let full: Promise<SupervisorClient> | undefined;
  const grpcJs = (): Promise<SupervisorClient> =>
    (full ??= import("@tsupervisord/protocol").then((m) => {
      try {
        return m.connect(url, options);
      } catch (err) {
        // What createGrpcBackend made of a client that could not be built: every call fails with it.
        throw new BackendConnectionError("other", url, (err as Error).message, { cause: err });
      }
    }));
  const methods: Record<string, AnyCall> = {};
  for (const method of METHOD_NAMES) {
    if (isStreamMethod(method)) {
      methods[method] = (request, callOptions) => ({
        async *[Symbol.asyncIterator]() {
          const client = (await grpcJs()) as unknown as Record<string, AnyCall>;
          yield* (client[method] as AnyCall)(request, callOptions) as AsyncIterable<unknown>;
        },
      });
    } else if (unary !== null) {
      methods[method] = (unary as unknown as Record<string, AnyCall>)[method] as AnyCall;
    } else {
      methods[method] = async (request, callOptions) =>
        ((await grpcJs()) as unknown as Record<string, AnyCall>)[method]?.(request, callOptions);
    }
  }
  return Object.assign(methods, {
    url,
    address,
    close: () => {
      unary?.close();
      void full?.then((c) => c.close(), () => undefined);
    },
  }) as unknown as SupervisorClient;
}
