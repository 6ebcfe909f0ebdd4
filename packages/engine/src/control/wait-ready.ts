/**
 * issue 18: wait for one RUNNING process to pass its readiness check (issue 14's `ready_check`), on events only:
 * every state or readiness change re-checks. A process without a ready_check is ready once RUNNING.
 */
import { SupervisorError } from "@tsupervisord/errors";
import type { Supervisor } from "../supervisor.js";

/** Resolves once ready; FAILED when it leaves RUNNING, when its check reports failing, or on `signal`. */
export async function waitUntilReady(supervisor: Supervisor, namespec: string, signal: AbortSignal): Promise<void> {
  // Subscribed before the first look, so no change between the look and the wait is missed.
  const events = supervisor.subscribe({ events: ["PROCESS_STATE", "PROCESS_READINESS_CHANGED"], overflow: "drop-oldest" });
  const onAbort = (): void => events.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      const info = supervisor.getProcessInfo(namespec, { stats: false });
      if (info.state !== "RUNNING") throw new SupervisorError("ABNORMAL_TERMINATION", `${namespec} went ${info.state} before it was ready`);
      if (info.readiness === "ready" || info.readiness === "none") return;
      if (info.readiness === "failing") throw new SupervisorError("FAILED", `${namespec} never got ready: ${info.readinessStatus}`);
      // An abort listener added after the abort never runs: a cancel that came before this wait is seen here.
      if (signal.aborted) throw new SupervisorError("FAILED", "cancelled while waiting for readiness");
      if ((await events.next()) === undefined && !signal.aborted) throw new SupervisorError("FAILED", "event stream ended");
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    events.close();
  }
}
