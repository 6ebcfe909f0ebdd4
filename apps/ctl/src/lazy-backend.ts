import type { BackendFactory, CtlBackend, ServerTarget } from "./backend.js";

/** A backend whose gRPC implementation (and grpc-js) is imported on the first call. */
export const lazyGrpcBackend: BackendFactory = (target: ServerTarget): CtlBackend => {
  let loaded: Promise<CtlBackend> | null = null;
  const load = (): Promise<CtlBackend> =>
    (loaded ??= import("./grpc-backend.js").then((m) => m.createGrpcBackend(target)));
  return new Proxy({} as CtlBackend, {
    get(_target, prop: string) {
      if (prop === "close") return () => void loaded?.then((b) => b.close());
      if (prop === "then") return undefined;
      // issue 14: a stream, not a promise: load, then delegate item by item.
      if (prop === "watch") {
        return async function* (signal: AbortSignal) {
          const backend = await load();
          if (backend.watch === undefined) throw new Error("this backend has no Watch stream");
          yield* backend.watch(signal);
        };
      }
      return async (...args: unknown[]) => {
        const backend = await load();
        const method = backend[prop as keyof CtlBackend] as (...a: unknown[]) => unknown;
        return method.apply(backend, args);
      };
    },
  });
};
