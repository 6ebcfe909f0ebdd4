import { SupervisorError } from "@tsupervisord/errors";
import type { SupervisorHandlers } from "@tsupervisord/protocol";

/**
 * Without `[rpcinterface:supervisor]` supervisord serves no `supervisor.*` namespace: every call of it is
 * UNKNOWN_METHOD and supervisorctl says "Sorry, supervisord responded but did not recognize the supervisor
 * namespace commands…" (issue 21 defect 11). The gRPC service is the same namespace under another wire, so it
 * answers the same; the web UI and /logtail do not depend on it (supervisord builds its own interface for them).
 */
export function withoutSupervisorNamespace(handlers: SupervisorHandlers): SupervisorHandlers {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(handlers)) {
    out[name] = (): never => {
      throw new SupervisorError("UNKNOWN_METHOD");
    };
  }
  return out as unknown as SupervisorHandlers;
}
