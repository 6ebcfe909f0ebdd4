/** Issue 19: where one generation's access lines and audit events go: the activity log and the engine's bus. */
import type { Supervisor } from "@tsupervisord/engine";
import type { ActivityLog } from "@tsupervisord/logs";
import type { AccessSinks } from "./services.js";

export function auditSinks(log: ActivityLog, supervisor: Supervisor): AccessSinks {
  return {
    warn: (line) => log.warn(line),
    info: (line) => log.info(line),
    publish: ({ caller, method, target, outcome }) => {
      supervisor.emit({
        name: "CONTROL_AUDIT",
        user: caller.user,
        role: caller.role,
        peer: caller.peer,
        uid: caller.uid ?? null,
        face: caller.face,
        method,
        target,
        outcome,
      });
    },
  };
}
