/**
 * The runner of one process's readiness and liveness checks: applies the effects of check-machine.ts with
 * real timers and probes (probes.ts), taps the child's output for log checks, and owns the sd_notify socket
 * of the current child. Wired into ManagedProcess by a few marked lines (spawn env, spawned, output, exit).
 */
import type { CheckConfig, ReadinessConfig } from "@tsupervisord/config";
import type { EngineLogger } from "../logger.js";
import {
  checkStatusText,
  checkTransition,
  initialCheckState,
  readinessOf,
  type CheckEffect,
  type CheckEvent,
  type CheckRole,
  type CheckState,
  type ReadinessName,
} from "./check-machine.js";
import { parseNotifyMessage, type NotifyPort, type NotifyReceiver } from "./notify-port.js";
import { LineMatcher, runProbe, type ProbeContext } from "./probes.js";

const NO_CONTEXT: ProbeContext = { env: {}, cwd: null };

export interface ChecksHost {
  name: string;
  logger: EngineLogger;
  notify: NotifyPort | null;
  probeContext(): ProbeContext;
  /** Readiness, liveness or a status text changed. */
  changed(): void;
  /** Liveness tripped: restart through the normal stop path. */
  restart(reason: string): void;
}

/** What clients see of a process's checks. */
export interface ChecksView {
  readiness: ReadinessName;
  /** One line: why (not) ready; sd_notify STATUS= text when the child sent one. */
  readinessStatus: string;
  liveness: ReadinessName;
  livenessStatus: string;
}

interface Runner {
  state: CheckState;
  timer: NodeJS.Timeout | null;
  matcher: LineMatcher | null;
  /** The probe in flight (cancelled on `cancel`: the child exited, or the process is disposed). */
  inFlight: AbortController | null;
}

export class ProcessChecks {
  private readonly runners = new Map<CheckRole, Runner>();
  private receiver: NotifyReceiver | null = null;
  private notifyStatus: string | null = null;
  private notifyProblem: string | null = null;
  private disposed = false;

  constructor(
    readonly config: ReadinessConfig,
    private readonly host: ChecksHost,
  ) {
    const add = (role: CheckRole, check: CheckConfig | null): void => {
      if (check === null) return;
      const matcher = check.probe.kind === "log" ? new LineMatcher(new RegExp(check.probe.source, check.probe.flags)) : null;
      this.runners.set(role, { state: initialCheckState(role, check), timer: null, matcher, inFlight: null });
    };
    add("ready", config.readyCheck);
    add("live", config.liveCheck);
  }

  get hasReadyCheck(): boolean {
    return this.runners.has("ready");
  }

  get isReady(): boolean {
    return this.runners.get("ready")?.state.phase === "ready";
  }

  private get usesNotify(): boolean {
    return [...this.runners.values()].some((r) => r.state.config.probe.kind === "notify");
  }

  /**
   * Before each spawn: the variables the child gets. With a notify check this opens the child's socket first
   * (the port answers asynchronously), so the result may be a promise.
   */
  prepareSpawn(): Record<string, string> | Promise<Record<string, string>> {
    this.closeReceiver();
    this.notifyStatus = null;
    if (!this.usesNotify) return {};
    const port = this.host.notify;
    if (port === null) {
      this.notifyProblem = "sd_notify is unavailable in this daemon";
      return {};
    }
    return port.open((text) => this.onNotify(text)).then(
      (receiver) => {
        if (this.disposed) {
          receiver.close();
          return {};
        }
        this.receiver = receiver;
        this.notifyProblem = null;
        const env: Record<string, string> = { NOTIFY_SOCKET: receiver.path };
        const live = this.runners.get("live")?.state.config;
        if (live?.probe.kind === "notify") env.WATCHDOG_USEC = String(live.intervalMs * 1000);
        return env;
      },
      (err: unknown) => {
        this.notifyProblem = `sd_notify socket: ${err instanceof Error ? err.message : String(err)}`;
        this.host.logger.error(`${this.host.name}: ${this.notifyProblem}`);
        return {};
      },
    );
  }

  /** The child is running (spawned): readiness begins; liveness too when there is no readiness check. */
  spawned(): void {
    // The socket is the child's own (one per spawn), so every datagram on it is the child's: no pid check.
    this.send("ready", { type: "begin" });
    if (!this.runners.has("ready")) this.send("live", { type: "begin" });
  }

  /** The child exited: checks stop, the socket is removed. */
  exited(): void {
    this.send("ready", { type: "end" });
    this.send("live", { type: "end" });
    for (const r of this.runners.values()) r.matcher?.reset();
    this.closeReceiver();
  }

  /** A chunk of the child's stdout or stderr, as written. */
  output(chunk: Buffer): void {
    for (const [role, r] of this.runners) {
      if (r.matcher === null || r.state.phase === "idle" || (role === "ready" && r.state.phase === "ready")) continue;
      if (r.matcher.feed(chunk)) this.send(role, { type: "signal" });
    }
  }

  view(): ChecksView {
    const ready = this.runners.get("ready")?.state ?? null;
    const live = this.runners.get("live")?.state ?? null;
    let readinessStatus = ready === null ? "" : checkStatusText(ready);
    if (this.notifyProblem !== null && ready?.config.probe.kind === "notify") readinessStatus = this.notifyProblem;
    if (this.notifyStatus !== null) readinessStatus = `${readinessStatus}; STATUS=${this.notifyStatus}`;
    return {
      readiness: readinessOf(ready),
      readinessStatus,
      // Liveness reads `ready` while it passes (probing, no failure since the last success).
      liveness: live !== null && live.phase === "checking" && live.failures === 0 ? "ready" : readinessOf(live),
      livenessStatus: live === null ? "" : checkStatusText(live),
    };
  }

  dispose(): void {
    this.disposed = true;
    for (const r of this.runners.values()) {
      if (r.timer !== null) clearTimeout(r.timer);
      r.timer = null;
      r.inFlight?.abort();
      r.inFlight = null;
    }
    this.closeReceiver();
  }

  private closeReceiver(): void {
    this.receiver?.close();
    this.receiver = null;
  }

  private onNotify(text: string): void {
    const msg = parseNotifyMessage(text);
    const status = msg.get("STATUS");
    if (status !== undefined) {
      this.notifyStatus = status.slice(0, 200);
      this.host.changed();
    }
    if (msg.get("STOPPING") === "1") {
      this.notifyStatus = this.notifyStatus ?? "stopping";
      this.host.changed();
    }
    if (msg.get("READY") === "1" && this.runners.get("ready")?.state.config.probe.kind === "notify") {
      this.send("ready", { type: "signal" });
    }
    if (msg.get("WATCHDOG") === "1" && this.runners.get("live")?.state.config.probe.kind === "notify") {
      this.send("live", { type: "signal" });
    }
  }

  private send(role: CheckRole, event: CheckEvent): void {
    const r = this.runners.get(role);
    if (r === undefined || this.disposed) return;
    const result = checkTransition(r.state, event);
    r.state = result.state;
    for (const effect of result.effects) this.apply(role, r, effect);
  }

  private apply(role: CheckRole, r: Runner, effect: CheckEffect): void {
    switch (effect.type) {
      case "arm":
        if (r.timer !== null) clearTimeout(r.timer);
        r.timer = setTimeout(() => {
          r.timer = null;
          this.send(role, { type: "timer", generation: effect.generation });
        }, effect.delayMs);
        break;
      case "cancel":
        if (r.timer !== null) clearTimeout(r.timer);
        r.timer = null;
        // A probe still running for a child that is gone is killed, not left to its timeout (or orphaned).
        r.inFlight?.abort();
        r.inFlight = null;
        break;
      case "probe": {
        const { generation } = effect;
        const abort = new AbortController();
        r.inFlight = abort;
        // Only exec probes need the program's environment (a copy of the daemon's): built for them alone.
        const probe = r.state.config.probe;
        const ctx = probe.kind === "exec" ? this.host.probeContext() : NO_CONTEXT;
        void runProbe(probe, effect.timeoutMs, ctx, abort.signal).then((outcome) => {
          if (r.inFlight === abort) r.inFlight = null;
          this.send(role, { type: "result", generation, ok: outcome.ok, detail: outcome.detail });
        });
        break;
      }
      case "ready":
        if (role === "ready") {
          this.host.logger.info(`ready: ${this.host.name} (${r.state.config.text})`);
          this.send("live", { type: "begin" });
        }
        break;
      case "restart":
        this.host.logger.warn(`live_check failed: ${this.host.name}: ${effect.reason}`);
        this.host.restart(effect.reason);
        break;
      case "changed":
        this.host.changed();
        break;
    }
  }
}
