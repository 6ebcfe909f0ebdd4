/**
 * The pure state machine of one check (a readiness or a liveness probe) of one process, in the style of
 * machine.ts: `checkTransition(state, event) -> { state, effects }`. No I/O and no clock: the runner
 * (process-checks.ts) arms the timers it asks for, runs the probes it asks for (each bounded by the check's
 * timeout) and feeds the results back. Every timer and probe carries a generation; a stale one does nothing.
 *
 * Readiness: from `begin` (the child was spawned) wait start_period, then probe every interval until one
 * succeeds; then the process is `ready` until it exits (probing stops: readiness latches for the child's
 * life). After `retries` consecutive failures it reports `failing` (with the last error) but keeps probing, so
 * a late service still becomes ready. `notify` and `log` probe nothing: READY=1 from the child, or a matching
 * output line, makes it ready.
 *
 * Liveness: from `begin` (ready, or spawned when there is no readiness check) wait start_period, then probe
 * every interval; `retries` consecutive failures trip it once (`restart` effect) and probing stops until the
 * next `begin`. `notify` (sd_notify watchdog) and `log` (a heartbeat line): each interval window without
 * WATCHDOG=1 / a matching line is one failure.
 */
import type { CheckConfig } from "@tsupervisord/config";

export type CheckRole = "ready" | "live";

export type CheckPhase =
  /** No child, or the check has not begun. */
  | "idle"
  /** Waiting out start_period. */
  | "starting"
  /** Probing (a probe in flight or the next one armed); not yet passed. */
  | "checking"
  /** Readiness passed (latched until `end`). */
  | "ready"
  /** Liveness tripped: the restart was requested. */
  | "tripped";

export interface CheckState {
  readonly role: CheckRole;
  readonly config: CheckConfig;
  readonly phase: CheckPhase;
  /** Consecutive failures. */
  readonly failures: number;
  /** The last failure's text, or null. */
  readonly lastError: string | null;
  /** Bumped on every begin/end and on every arm/probe, so stale timers and probe results are ignored. */
  readonly generation: number;
  /** A probe is in flight. */
  readonly probing: boolean;
  /** notify liveness: a WATCHDOG=1 arrived in the current window. */
  readonly pinged: boolean;
}

export type CheckEvent =
  | { type: "begin" }
  | { type: "end" }
  | { type: "timer"; generation: number }
  | { type: "result"; generation: number; ok: boolean; detail: string }
  /**
   * A passive check's signal: readiness — sd_notify READY=1, or a matching output line; liveness — sd_notify
   * WATCHDOG=1, or a matching output line (a heartbeat within each interval).
   */
  | { type: "signal" };

export type CheckEffect =
  | { type: "arm"; delayMs: number; generation: number }
  | { type: "cancel" }
  | { type: "probe"; generation: number; timeoutMs: number }
  /** Readiness passed. */
  | { type: "ready" }
  /** Liveness tripped: restart the program through its normal stop path. */
  | { type: "restart"; reason: string }
  /** The status text or phase changed (the runner publishes it). */
  | { type: "changed" };

export interface CheckResult {
  state: CheckState;
  effects: CheckEffect[];
}

export function initialCheckState(role: CheckRole, config: CheckConfig): CheckState {
  return { role, config, phase: "idle", failures: 0, lastError: null, generation: 0, probing: false, pinged: false };
}

type Draft = { -readonly [K in keyof CheckState]: CheckState[K] };

/** notify and log checks probe nothing: the child's messages or output lines arrive as `signal` events. */
const isPassive = (s: CheckState): boolean => s.config.probe.kind === "notify" || s.config.probe.kind === "log";

export function checkTransition(state: CheckState, event: CheckEvent): CheckResult {
  const s: Draft = { ...state };
  const effects: CheckEffect[] = [];
  const arm = (delayMs: number): void => {
    s.generation += 1;
    effects.push({ type: "arm", delayMs, generation: s.generation });
  };
  const probe = (): void => {
    s.generation += 1;
    s.probing = true;
    effects.push({ type: "probe", generation: s.generation, timeoutMs: s.config.timeoutMs });
  };
  /** Start probing (or, for notify, wait for the child's messages). */
  const startChecking = (): void => {
    s.phase = "checking";
    if (!isPassive(s)) probe();
    else if (s.role === "live") {
      s.pinged = false;
      arm(s.config.intervalMs);
    }
  };

  switch (event.type) {
    case "begin":
      s.generation += 1;
      s.failures = 0;
      s.lastError = null;
      s.probing = false;
      s.pinged = false;
      effects.push({ type: "cancel" });
      if (s.config.startPeriodMs > 0) {
        s.phase = "starting";
        arm(s.config.startPeriodMs);
      } else startChecking();
      effects.push({ type: "changed" });
      break;
    case "end":
      if (s.phase === "idle") break;
      s.generation += 1;
      s.phase = "idle";
      s.probing = false;
      effects.push({ type: "cancel" }, { type: "changed" });
      break;
    case "timer":
      if (event.generation !== s.generation) break;
      if (s.phase === "starting") {
        startChecking();
        effects.push({ type: "changed" });
      } else if (s.phase === "checking" && isPassive(s) && s.role === "live") {
        if (s.pinged) {
          s.failures = 0;
          s.lastError = null;
        } else {
          const what = s.config.probe.kind === "notify" ? "WATCHDOG=1" : "matching line";
          fail(s, effects, `no ${what} within ${s.config.intervalMs / 1000}s`);
        }
        s.pinged = false;
        if (s.phase === "checking") arm(s.config.intervalMs);
      } else if (s.phase === "checking" && !s.probing) {
        probe();
      }
      break;
    case "result":
      if (event.generation !== s.generation || !s.probing) break;
      s.probing = false;
      if (s.phase !== "checking") break;
      if (event.ok) {
        const changed = s.failures > 0 || s.role === "ready";
        s.failures = 0;
        s.lastError = null;
        if (s.role === "ready") {
          s.phase = "ready";
          effects.push({ type: "ready" });
        } else arm(s.config.intervalMs);
        if (changed) effects.push({ type: "changed" });
      } else {
        fail(s, effects, event.detail);
        if (s.phase === "checking") arm(s.config.intervalMs);
      }
      break;
    case "signal":
      if (!isPassive(s)) break;
      if (s.role === "live") {
        if (s.phase === "checking") s.pinged = true;
        break;
      }
      // A ready line printed during start_period counts: the service is up.
      if (s.phase !== "checking" && s.phase !== "starting") break;
      s.generation += 1;
      s.phase = "ready";
      s.failures = 0;
      s.lastError = null;
      effects.push({ type: "cancel" }, { type: "ready" }, { type: "changed" });
      break;
  }
  return { state: s, effects };
}

function fail(s: Draft, effects: CheckEffect[], detail: string): void {
  // A probe failing the same way again and again (a port that never opens) is published while it counts up to
  // `retries` and whenever the reason changes, not on every probe: Watch clients are not flooded by it (reads
  // of the process info still show the current count).
  const quiet = s.failures >= s.config.retries && detail === s.lastError;
  s.failures += 1;
  s.lastError = detail;
  if (s.role === "live" && s.failures >= s.config.retries) {
    s.phase = "tripped";
    s.generation += 1;
    effects.push({ type: "cancel" });
    effects.push({ type: "restart", reason: `${s.config.text} failed ${s.failures} times: ${detail}` });
  }
  if (!quiet) effects.push({ type: "changed" });
}

/** Readiness as clients see it (beside supervisord's state, never instead of it). */
export type ReadinessName = "none" | "pending" | "checking" | "failing" | "ready";

export function readinessOf(s: CheckState | null): ReadinessName {
  if (s === null) return "none";
  switch (s.phase) {
    case "idle":
      return "pending";
    case "starting":
      return "checking";
    case "checking":
      return s.failures >= s.config.retries ? "failing" : "checking";
    case "ready":
      return "ready";
    case "tripped":
      return "failing";
  }
}

/** One line saying where the check is and why. */
export function checkStatusText(s: CheckState): string {
  const what = s.config.text;
  switch (s.phase) {
    case "idle":
      return `not started (${what})`;
    case "starting":
      return `start period ${s.config.startPeriodMs / 1000}s (${what})`;
    case "checking":
      if (s.failures === 0) {
        if (s.role === "live") return `${what} ok`;
        if (s.config.probe.kind === "notify") return "waiting for READY=1";
        if (s.config.probe.kind === "log") return `waiting for a line matching ${what.slice(4)}`;
        return `checking ${what}`;
      }
      return `${what} failed ${s.failures} time${s.failures === 1 ? "" : "s"}: ${s.lastError ?? ""}`;
    case "ready":
      return `${what} passed`;
    case "tripped":
      return `${what} failed ${s.failures} times: ${s.lastError ?? ""}; restarting`;
  }
}
