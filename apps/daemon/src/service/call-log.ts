import { isSupervisorError } from "@tsupervisord/errors";
import type { ActivityLog } from "@tsupervisord/logs";
import type { SupervisorHandlers } from "@tsupervisord/protocol";
import { boundedLogText } from "@tsupervisord/xmlrpc/light";

/**
 * MLG-05: at loglevel trace supervisord logs every RPC (`XML-RPC method called: supervisor.getState()`, then
 * `… returned successfully` or `… returned fault: [<code>] <text>`). The same lines for gRPC calls, with the
 * gRPC method name; below trace the handlers are returned untouched (no cost).
 */
export function withCallLog(handlers: SupervisorHandlers, log: ActivityLog): SupervisorHandlers {
  if (!log.isLevelEnabled("trace")) return handlers;
  const out: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers) as Array<[string, (...args: unknown[]) => unknown]>) {
    const call = `gRPC method called: supervisor.${name}()`;
    const failed = (err: unknown): void => {
      // Fault texts quote client data (a name, a signal): bounded, never the whole request (issue 21 #14).
      if (isSupervisorError(err)) log.trace(`gRPC method supervisor.${name}() returned fault: [${err.fault}] ${boundedLogText(err.message)}`);
      else log.trace(`gRPC method supervisor.${name}() failed: ${boundedLogText(String(err))}`);
    };
    out[name] = (...args: unknown[]): unknown => {
      log.trace(call);
      let result: unknown;
      try {
        result = handler(...args);
      } catch (err) {
        failed(err);
        throw err;
      }
      if (result instanceof Promise) {
        return result.then(
          (value: unknown) => {
            log.trace(`gRPC method supervisor.${name}() returned successfully`);
            return value;
          },
          (err: unknown) => {
            failed(err);
            throw err;
          },
        );
      }
      if (result !== null && typeof result === "object" && Symbol.asyncIterator in result) return result;
      log.trace(`gRPC method supervisor.${name}() returned successfully`);
      return result;
    };
  }
  return out as SupervisorHandlers;
}
