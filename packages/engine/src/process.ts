/**
 * One supervised process: the pure state machine plus the runner that applies its effects with a real child,
 * real timers and the event bus. Events are processed one at a time from a queue, so effects that produce new
 * events (spawn -> spawned) never re-enter a transition half-way.
 */
import type { ProcessConfig } from "@tsupervisord/config";
import type { FcgiLease, FcgiSocket } from "./fcgi-socket.js";
import { releaseOnFailure, spawnWithFcgiSocket } from "./fcgi-spawn.js";
import type { Effect, MachineEvent, MachineState, TimerKind, TransitionResult } from "./machine.js";
import { initialState, transition } from "./machine.js";
import type { ProcessOutputSink } from "./output-port.js";
import { signame } from "./signals.js";
import type { RunningChild, SpawnResult } from "./spawn.js";
import type { ChildStart } from "./spawner-port.js";
import { childEnvironment, spawnChild } from "./spawn.js";
import type { ListenerHooks, ProcessEnvironment } from "./process-environment.js";
import { machineConfigOf, viewOf } from "./process-view.js";
import { ProcessChecks } from "./readiness/process-checks.js";
import type { ProcessView } from "./types.js";

// The seams and read-outs live in their own modules; these names were exported from here first.
export type { ListenerHooks, ProcessEnvironment } from "./process-environment.js";

/** How many of a process's recent process groups are remembered for the shutdown sweep. */
const RECENT_PROCESS_GROUPS = 4;

const TIMER_EVENT: Record<TimerKind, "startsecs-elapsed" | "backoff-elapsed" | "stopwait-elapsed"> = {
  startsecs: "startsecs-elapsed",
  backoff: "backoff-elapsed",
  stopwait: "stopwait-elapsed",
};

export class ManagedProcess {
  machine: MachineState;
  /** Set by an event-listener pool for its processes. */
  listenerHooks: ListenerHooks | null = null;
  /** `[fcgi-program:x]` processes: the group's socket manager (spec §1.5.8), set by the supervisor. */
  fcgiSocket: FcgiSocket | null = null;
  private child: RunningChild | null = null;
  private readonly processGroups: number[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly queue: MachineEvent[] = [];
  private processing = false;
  /** Epoch ms of the last "waiting for x to stop" line (STP-07 throttle). */
  lastStopReport = 0;
  /** Successful spawns since the daemon started (the descendant sweep: a respawned cgroup is never killed late). */
  spawnCount = 0;
  /** Incremented per spawn so a late exit of an old child can never reach a newer one. */
  private spawnSerial = 0;
  /** issue 14: readiness/liveness checks (null when the program has none). */
  readonly checks: ProcessChecks | null;
  /** issue 14: a liveness failure asked for stop-then-start; the start follows once STOPPED. */
  private restartAfterStop = false;

  constructor(
    public config: ProcessConfig, // issue 18: replaced in place by update's hot options (update/apply-plan.ts)
    readonly sink: ProcessOutputSink,
    private readonly env: ProcessEnvironment,
    daemonRunning: boolean,
  ) {
    this.machine = initialState(machineConfigOf(config), daemonRunning);
    this.checks = this.makeChecks();
  }

  // ---- issue 14: readiness and liveness checks --------------------------------------------------------
  private makeChecks(): ProcessChecks | null {
    const r = this.config.readiness;
    if (r === undefined || (r.readyCheck === null && r.liveCheck === null)) return null;
    return new ProcessChecks(r, {
      name: this.config.name,
      logger: this.env.logger,
      notify: this.env.notify ?? null,
      probeContext: () => ({
        env: childEnvironment(this.config, this.env.daemonEnv, this.env.serverUrl),
        cwd: this.config.directory,
      }),
      changed: () => this.env.onChecksChanged?.(this),
      restart: () => {
        if (this.machine.state !== "RUNNING" && this.machine.state !== "STARTING") return;
        this.restartAfterStop = true;
        this.dispatch({ type: "stop" });
      },
    });
  }

  /** A stop by hand wins over a liveness restart still in progress (the program stays stopped). */
  cancelLivenessRestart(): void {
    this.restartAfterStop = false;
  }

  /** After a batch: finish a liveness restart once the stop completed (a new stop/start by hand cancels it). */
  private continueRestart(): void {
    if (!this.restartAfterStop || this.processing) return;
    const state = this.machine.state;
    if (state === "STOPPING") return;
    this.restartAfterStop = false;
    if (state === "STOPPED" && this.machine.daemonRunning) this.dispatch({ type: "start" });
  }

  get name(): string {
    return this.config.name;
  }

  /** The read-only face handed to lifecycle hooks (SupervisorHooks). */
  readonly view: ProcessView = viewOf(this);

  get groupName(): string {
    return this.config.groupName;
  }

  get state(): MachineState["state"] {
    return this.machine.state;
  }

  get pid(): number {
    return this.machine.pid;
  }

  /** issue 20: the running child's start as its spawner read it; only for the pid the machine holds now. */
  get childStart(): ChildStart | null {
    const child = this.child;
    return child !== null && child.pid === this.machine.pid ? child.start : null;
  }

  /**
   * Process groups this process led in its last few spawns (each child is spawned detached, so pgid = pid).
   * At daemon shutdown their leftover members — grandchildren a program left behind in its own group — are
   * ended, so nothing of ours outlives the daemon. Bounded: a crash-looping program cannot grow it.
   */
  get recentProcessGroups(): readonly number[] {
    return this.processGroups;
  }

  get stdinOpen(): boolean {
    return this.child?.stdinOpen ?? false;
  }

  writeStdin(data: string | Uint8Array): void {
    this.child?.writeStdin(data);
  }

  /**
   * Feed one event. Returns the result of that event's own transition (for `refused`), or undefined when the event
   * was queued behind one being processed.
   */
  dispatch(event: MachineEvent): TransitionResult | undefined {
    this.queue.push(event);
    if (this.processing) return undefined;
    this.processing = true;
    let first: TransitionResult | undefined;
    try {
      while (this.queue.length > 0) {
        const next = this.queue.shift() as MachineEvent;
        const result = transition(this.machine, next, this.env.now());
        this.machine = result.state;
        first ??= result;
        for (const effect of result.effects) this.apply(effect);
      }
    } finally {
      this.processing = false;
    }
    this.env.onSettled(this);
    this.continueRestart(); // issue 14
    return first;
  }

  /** STP-06: send a signal to the pid only; null on success or ESRCH, else the failure message (-> UNKNOWN). */
  signal(signal: number): string | null {
    const pid = this.machine.pid;
    if (pid === 0 || this.child === null) {
      const message = `attempted to send ${this.name} sig ${signame(signal)} but it wasn't running`;
      this.env.logger.debug(message);
      return message;
    }
    this.env.logger.debug(`sending ${this.name} (pid ${pid}) sig ${signame(signal)}`);
    try {
      this.child.kill(signal, false);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ESRCH") {
        this.env.logger.debug(`unable to signal ${this.name} (pid ${pid}), it probably just now exited on its own`);
        return null;
      }
      const message = `unknown problem sending sig ${this.name} (${pid}):${String(err)}`;
      this.dispatch({ type: "kill-failed", message });
      return message;
    }
    return null;
  }

  /** Forget timers (group removal / after shutdown). The child, if any, is not touched. */
  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.checks?.dispose(); // issue 14
  }

  private apply(effect: Effect): void {
    switch (effect.type) {
      case "log":
        this.env.logger[effect.level](effect.message);
        break;
      case "state-change": {
        const c = effect.change;
        const input = {
          name: `PROCESS_STATE_${c.to}` as const,
          processName: this.name,
          groupName: this.groupName,
          fromState: c.from,
          toState: c.to,
          ...(c.tries !== undefined ? { tries: c.tries } : {}),
          ...(c.expected !== undefined ? { expected: c.expected } : {}),
          ...(c.pid !== undefined ? { pid: c.pid } : {}),
        };
        this.env.bus.publish(input);
        break;
      }
      case "set-timer": {
        if (this.timer !== null) clearTimeout(this.timer);
        const { generation, timer } = effect;
        this.timer = setTimeout(() => {
          this.timer = null;
          this.dispatch({ type: TIMER_EVENT[timer], generation });
        }, effect.delayMs);
        break;
      }
      case "cancel-timer":
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = null;
        break;
      case "spawn":
        this.spawn();
        break;
      case "kill":
        this.kill(effect.signal, effect.group);
        break;
    }
  }

  /** Spawns after the first (each spawn attempt counts, as each is a start of the program). */
  get restarts(): number {
    return Math.max(0, this.spawnSerial - 1);
  }

  private spawn(): void {
    const serial = ++this.spawnSerial;
    if (this.config.kind !== "fcgi-program") {
      // issue 14: a notify check opens the child's socket first (asynchronously), then spawns with NOTIFY_SOCKET.
      const extraEnv = this.checks?.prepareSpawn() ?? {};
      if (extraEnv instanceof Promise) {
        const outcome = extraEnv.then((env): SpawnResult =>
          serial === this.spawnSerial ? this.spawnWith(serial, null, undefined, env) : { kind: "failed", message: "superseded" },
        );
        this.handleSpawnResult({ kind: "deferred", outcome }, serial);
      } else this.handleSpawnResult(this.spawnWith(serial, null, undefined, extraEnv), serial);
      return;
    }
    const result = spawnWithFcgiSocket(this.fcgiSocket, this.config, () => serial === this.spawnSerial, (lease, fd) =>
      this.spawnWith(serial, lease, fd),
    );
    this.handleSpawnResult(result, serial);
  }

  /**
   * spawnChild, with an fcgi lease held for the child's lifetime: released when a spawn fails (supervisord: pid
   * None) or after the child's exit was processed — after, so an immediate autorestart re-acquires first and the
   * socket stays open across it.
   */
  private spawnWith(serial: number, lease: FcgiLease | null, stdinFd?: number, extraEnv?: Record<string, string>): SpawnResult {
    // Issue 17: the child is born in the program's cgroup (the daemon steps in around the synchronous fork).
    const leaveCgroup = this.env.governor?.beforeSpawn(this);
    let result: SpawnResult;
    try {
      result = this.spawnChildNow(serial, lease, stdinFd, extraEnv);
    } finally {
      leaveCgroup?.();
    }
    return lease === null ? result : releaseOnFailure(result, lease);
  }

  private spawnChildNow(serial: number, lease: FcgiLease | null, stdinFd?: number, extraEnv?: Record<string, string>): SpawnResult {
    const checks = this.checks;
    return spawnChild({
      config: this.config,
      daemonEnv: this.env.daemonEnv,
      serverUrl: this.env.serverUrl,
      sink: this.sink,
      native: this.env.spawner ?? null, // issue 20
      ...(extraEnv !== undefined && Object.keys(extraEnv).length > 0 ? { extraEnv } : {}),
      ...(checks !== null ? { onOutput: (chunk: Buffer) => checks.output(chunk) } : {}), // issue 14: log checks
      onExit: (code, signal) => {
        if (serial === this.spawnSerial) {
          this.child = null;
          this.env.governor?.exited(this, this.machine.state === "STOPPING");
          checks?.exited(); // issue 14
          this.dispatch({ type: "exited", code, signal });
          this.listenerHooks?.onExit();
        }
        lease?.release();
      },
      ...(this.listenerHooks !== null
        ? { onStdout: (chunk: Buffer) => this.listenerHooks?.onStdout(chunk) }
        : {}),
      ...(stdinFd !== undefined ? { stdinFd } : {}),
    });
  }

  private handleSpawnResult(result: SpawnResult, serial: number): void {
    switch (result.kind) {
      case "spawned":
        this.child = result.child;
        this.spawnCount++;
        this.env.logger.debug(`issue 20: '${this.name}' pid ${result.child.pid} started through ${result.child.via}`);
        this.env.governor?.spawned(this, result.child.pid);
        this.processGroups.push(result.child.pid);
        if (this.processGroups.length > RECENT_PROCESS_GROUPS) this.processGroups.shift();
        this.listenerHooks?.onSpawn();
        this.dispatch({ type: "spawned", pid: result.child.pid });
        this.checks?.spawned(); // issue 14
        break;
      case "failed":
        this.dispatch({ type: "spawn-failed", message: result.message });
        break;
      case "deferred":
        void result.outcome.then((outcome) => {
          if (serial === this.spawnSerial) this.handleSpawnResult(outcome, serial);
        });
        break;
    }
  }

  private kill(signal: number, group: boolean): void {
    const pid = this.machine.pid;
    if (this.child === null || pid === 0) return;
    // Issue 17: remember the tree before the stop signal, so descendants that left the group can be ended too.
    if (this.machine.state === "STOPPING") this.env.governor?.stopping(this, pid);
    try {
      this.child.kill(signal, group);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ESRCH") {
        // STP-04: the child exited between our check and the kill; the exit handler finishes the job.
        this.env.logger.debug(`unable to signal ${this.name} (pid ${pid}), it probably just now exited on its own`);
        return;
      }
      this.dispatch({ type: "kill-failed", message: `unknown problem killing ${this.name} (${pid}):${String(err)}` });
    }
  }
}
