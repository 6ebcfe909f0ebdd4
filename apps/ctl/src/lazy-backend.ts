import type { BackendFactory, CtlBackend, ServerTarget } from "./backend.js";
import { isBackendConnectionError, UnsupportedCallError } from "./backend.js";

/**
 * The server answered the gRPC connection attempt with something that is not HTTP/2 (a real supervisord's
 * medusa answers HTTP/1.1): grpc-js reports it as a protocol error on connect. Over https (issue 19), a TLS
 * front that offers only http/1.1 (nginx or stunnel before supervisord) refuses grpc-js's h2-only ALPN offer
 * with a `no application protocol` alert instead.
 */
export function speaksOnlyHttp1(err: unknown): boolean {
  return isBackendConnectionError(err) && /Protocol error|alert no application protocol/i.test(err.message);
}

/**
 * A backend whose gRPC implementation (and grpc-js) is imported on the first call. When the server does not
 * speak gRPC (a real supervisord, issue 21 defect 6), the call is made again over XML-RPC, and so is every
 * later one: the XML-RPC client is imported only then.
 */
export const lazyGrpcBackend: BackendFactory = (target: ServerTarget): CtlBackend => {
  let loaded: Promise<CtlBackend> | null = null;
  let fallback: Promise<CtlBackend> | null = null;
  const load = (): Promise<CtlBackend> =>
    fallback ?? (loaded ??= import("./grpc-backend.js").then((m) => m.createGrpcBackend(target)));
  const loadFallback = (): Promise<CtlBackend> => {
    if (fallback === null) {
      void loaded?.then((b) => b.close());
      fallback = import("./xmlrpc-backend.js").then((m) => m.createXmlRpcBackend(target));
    }
    return fallback;
  };
  const invoke = async (backend: CtlBackend, prop: string, args: unknown[]): Promise<unknown> => {
    const method = backend[prop as keyof CtlBackend] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof method !== "function") throw new UnsupportedCallError(prop); // issue 18: tsctl-only calls
    return method.apply(backend, args);
  };
  return new Proxy({} as CtlBackend, {
    get(_target, prop: string) {
      if (prop === "close") {
        return () => {
          void loaded?.then((b) => b.close());
          void fallback?.then((b) => b.close());
        };
      }
      if (prop === "then") return undefined;
      // issue 14: a stream, not a promise: load, then delegate item by item.
      if (prop === "watch") {
        return async function* (signal: AbortSignal) {
          const backend = await load();
          if (backend.watch === undefined) throw new Error("this backend has no Watch stream");
          yield* backend.watch(signal);
        };
      }
      // issue 18: also a stream.
      if (prop === "followOperation") {
        return async function* (id: number, signal: AbortSignal) {
          const backend = await load();
          if (backend.followOperation === undefined) throw new Error("followOperation needs tsupervisord's gRPC API");
          yield* backend.followOperation(id, signal);
        };
      }
      return async (...args: unknown[]) => {
        const backend = await load();
        try {
          return await invoke(backend, prop, args);
        } catch (err) {
          if (!speaksOnlyHttp1(err)) throw err;
          return invoke(await loadFallback(), prop, args);
        }
      };
    },
  });
};
