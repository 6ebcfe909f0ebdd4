import { SupervisorError } from "@tsupervisord/errors";
import type { SupervisorHandlers } from "@tsupervisord/protocol";

/**
 * Fault details travel in HTTP/2 trailers (grpc-message and the fault metadata). A detail echoing a huge
 * request field (a 64 KiB "process name") would exceed the peer's header-list limit and wedge the connection,
 * so details are cut to a bound that any HTTP/2 peer accepts. Found by the fuzz test.
 */
export const MAX_FAULT_DETAIL = 1024;

function bounded(err: unknown): unknown {
  if (err instanceof SupervisorError && err.detail !== undefined && err.detail.length > MAX_FAULT_DETAIL) {
    return new SupervisorError(err.code, `${err.detail.slice(0, MAX_FAULT_DETAIL)}…`, { cause: err });
  }
  return err;
}

export function withBoundedFaults(handlers: SupervisorHandlers): SupervisorHandlers {
  const out: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as Array<[string, (...args: unknown[]) => unknown]>) {
    out[name] = (...args: unknown[]): unknown => {
      let result: unknown;
      try {
        result = handler(...args);
      } catch (err) {
        throw bounded(err);
      }
      if (result instanceof Promise) return result.catch((err: unknown) => Promise.reject(bounded(err)));
      if (result !== null && typeof result === "object" && Symbol.asyncIterator in result) {
        return boundedStream(result as AsyncIterable<unknown>);
      }
      return result;
    };
  }
  return out as SupervisorHandlers;
}

async function* boundedStream(source: AsyncIterable<unknown>): AsyncGenerator<unknown> {
  try {
    yield* source;
  } catch (err) {
    throw bounded(err);
  }
}
