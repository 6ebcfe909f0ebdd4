/**
 * The pure per-process state machine (spec §2.2, T1–T15): `transition(state, event, now) -> { state, effects }`.
 * No I/O, no clock reads: the runner applies the effects (spawn, kill, timers, events, log lines) and feeds
 * results back as events. Every timer carries a generation; a timer event whose generation is not the armed one
 * is stale and does nothing, so a late timer can never act on a newer state.
 */
import type { AutoRestart } from "@tsupervisord/config";
import type { EngineLogLevel } from "./logger.js";
import { describeExit, signame } from "./signals.js";
import type { ExitRecord } from "./signals.js";
import type { ProcessStateName } from "@tsupervisord/pycompat";

export const EXITED_TOO_QUICKLY = "Exited too quickly (process log may have details)";

/** The options of ProcessConfig the state machine reads. */
export interface MachineConfig {
  name: string;
  autostart: boolean;
  autorestart: AutoRestart;
  startsecs: number;
  startretries: number;
  exitcodes: readonly number[];
  /** Signal number of `stopsignal`. */
  stopsignal: number;
  stopwaitsecs: number;
  stopasgroup: boolean;
  killasgroup: boolean;
}

export interface MachineState {
  readonly config: MachineConfig;
  readonly state: ProcessStateName;
  /** 0 when no child. */
  readonly pid: number;
  /** Epoch ms of the last spawn attempt; 0 = never started (autostart applies only then, LIF-05). */
  readonly laststart: number;
  /** Epoch ms of the last exit; 0 = never. */
  readonly laststop: number;
  /** Consecutive failed starts. */
  readonly backoff: number;
  /** A stop/kill is in progress. */
  readonly killing: boolean;
  /** Last exit status; -1 for signal deaths; null while unknown. */
  readonly exitstatus: number | null;
  /** The last exit as Node reported it (set on every exit; `exitstatus` is supervisord's reading of it). */
  readonly lastExit: ExitRecord | null;
  readonly spawnerr: string | null;
  /** Automatic spawns (T1, T3, T4) are allowed only while the daemon is RUNNING (LIF-06). */
  readonly daemonRunning: boolean;
  /** Generation of the armed timer; bumped on every arm and disarm. */
  readonly timerGeneration: number;
}

export type TimerKind = "startsecs" | "backoff" | "stopwait";

export type MachineEvent =
  /** Explicit start (RPC). */
  | { type: "start" }
  /** The daemon looks at a freshly added process (T1). */
  | { type: "autostart" }
  /** Explicit stop (RPC stopProcess / group / all). */
  | { type: "stop" }
  /** Daemon shutdown stopping this process's group (ORD-04): like stop, but BACKOFF gives up (T9). */
  | { type: "shutdown-stop" }
  | { type: "spawned"; pid: number }
  | { type: "spawn-failed"; message: string }
  /** The child was reaped and its pipes drained; exactly one of code/signal is set (Node's exit event). */
  | { type: "exited"; code: number | null; signal: string | null }
  /** kill() failed with something other than ESRCH (T15); `message` is the CRIT log text. */
  | { type: "kill-failed"; message: string }
  | { type: "startsecs-elapsed"; generation: number }
  | { type: "backoff-elapsed"; generation: number }
  | { type: "stopwait-elapsed"; generation: number }
  | { type: "daemon-state"; running: boolean };

export interface StateChange {
  from: ProcessStateName;
  to: ProcessStateName;
  tries?: number;
  expected?: boolean;
  pid?: number;
}

export type Effect =
  | { type: "spawn" }
  | { type: "kill"; signal: number; group: boolean }
  | { type: "set-timer"; timer: TimerKind; delayMs: number; generation: number }
  | { type: "cancel-timer" }
  | { type: "state-change"; change: StateChange }
  | { type: "log"; level: EngineLogLevel; message: string };

export interface TransitionResult {
  state: MachineState;
  effects: Effect[];
  /** Set when a request could not be honoured (STP-02 "wasn't running"): the RPC turns it into FAILED. */
  refused?: string;
}

export function initialState(config: MachineConfig, daemonRunning = true): MachineState {
  return {
    config,
    state: "STOPPED",
    pid: 0,
    laststart: 0,
    laststop: 0,
    backoff: 0,
    killing: false,
    exitstatus: null,
    lastExit: null,
    spawnerr: null,
    daemonRunning,
    timerGeneration: 0,
  };
}

type Draft = { -readonly [K in keyof MachineState]: MachineState[K] };

/** Collects effects while mutating a private copy of the state. */
class Step {
  readonly s: Draft;
  readonly effects: Effect[] = [];
  refused: string | undefined;

  constructor(
    state: MachineState,
    readonly now: number,
  ) {
    this.s = { ...state };
  }

  log(level: EngineLogLevel, message: string): void {
    this.effects.push({ type: "log", level, message });
  }

  /** change_state(): no event for a "change" to the same state. */
  change(to: ProcessStateName, extra: Omit<StateChange, "from" | "to"> = {}): void {
    const from = this.s.state;
    if (from === to) return;
    this.s.state = to;
    this.effects.push({ type: "state-change", change: { from, to, ...extra } });
  }

  arm(timer: TimerKind, seconds: number): void {
    this.s.timerGeneration += 1;
    this.effects.push({
      type: "set-timer",
      timer,
      delayMs: Math.max(0, seconds * 1000),
      generation: this.s.timerGeneration,
    });
  }

  disarm(): void {
    this.s.timerGeneration += 1;
    this.effects.push({ type: "cancel-timer" });
  }

  result(): TransitionResult {
    const out: TransitionResult = { state: this.s, effects: this.effects };
    if (this.refused !== undefined) out.refused = this.refused;
    return out;
  }
}

export function transition(state: MachineState, event: MachineEvent, now: number): TransitionResult {
  const step = new Step(state, now);
  const s = step.s;
  const cfg = s.config;
  switch (event.type) {
    case "start":
      if (s.state === "STOPPED" || s.state === "EXITED" || s.state === "FATAL") spawn(step);
      else if (s.pid !== 0) step.log("warn", `process '${cfg.name}' already running`);
      else step.refused = `${cfg.name} is in state ${s.state}`;
      break;
    case "autostart":
      if (s.state === "STOPPED" && s.laststart === 0 && cfg.autostart && s.daemonRunning) spawn(step);
      break;
    case "stop":
    case "shutdown-stop":
      stop(step, event.type === "shutdown-stop");
      break;
    case "spawned":
      if (s.state !== "STARTING" || s.pid !== 0) break;
      s.pid = event.pid;
      step.log("info", `spawned: '${cfg.name}' with pid ${event.pid}`);
      if (cfg.startsecs <= 0) enterRunning(step);
      else step.arm("startsecs", cfg.startsecs);
      break;
    case "spawn-failed":
      if (s.state !== "STARTING" || s.pid !== 0) break;
      s.spawnerr = event.message;
      step.log("info", `spawnerr: ${event.message}`);
      enterBackoff(step);
      break;
    case "exited":
      if (s.pid !== 0) exited(step, event.code, event.signal);
      break;
    case "kill-failed":
      if (s.pid === 0) break;
      step.log("critical", event.message);
      s.killing = false;
      step.disarm();
      step.change("UNKNOWN");
      break;
    case "startsecs-elapsed":
      if (s.state === "STARTING" && event.generation === s.timerGeneration) enterRunning(step);
      break;
    case "backoff-elapsed":
      if (
        s.state === "BACKOFF" &&
        event.generation === s.timerGeneration &&
        s.daemonRunning &&
        s.backoff <= cfg.startretries
      ) {
        spawn(step);
      }
      break;
    case "stopwait-elapsed":
      if (s.state === "STOPPING" && event.generation === s.timerGeneration && s.pid !== 0) {
        // T14: escalate, and keep escalating every stopwaitsecs until the child dies (docs say once; code repeats).
        step.log("warn", `killing '${cfg.name}' (${s.pid}) with SIGKILL`);
        kill(step, 9, cfg.killasgroup);
      }
      break;
    case "daemon-state":
      s.daemonRunning = event.running;
      break;
  }
  return step.result();
}

/** SPN-02: reset, STARTING (event tries:<backoff>), then ask the runner to spawn. */
function spawn(step: Step): void {
  const s = step.s;
  s.killing = false;
  s.spawnerr = null;
  s.exitstatus = null;
  s.laststart = step.now;
  step.disarm();
  step.change("STARTING", { tries: s.backoff });
  step.effects.push({ type: "spawn" });
}

/** T6: STARTING -> RUNNING. */
function enterRunning(step: Step): void {
  const s = step.s;
  s.backoff = 0;
  step.disarm();
  step.change("RUNNING", { pid: s.pid });
  step.log(
    "info",
    `success: ${s.config.name} entered RUNNING state, process has stayed up for > than ${s.config.startsecs} seconds (startsecs)`,
  );
}

/** T5 (+T8): STARTING -> BACKOFF, and straight on to FATAL once the retries are used up. */
function enterBackoff(step: Step): void {
  const s = step.s;
  s.backoff += 1;
  step.change("BACKOFF", { tries: s.backoff });
  if (s.backoff > s.config.startretries) {
    giveUp(step);
    step.log("info", `gave up: ${s.config.name} entered FATAL state, too many start retries too quickly`);
  } else {
    // LIF-02: the n-th failure waits n seconds.
    step.arm("backoff", s.backoff);
  }
}

/** T8/T9. */
function giveUp(step: Step): void {
  step.s.backoff = 0;
  step.disarm();
  step.change("FATAL");
}

function stop(step: Step, forShutdown: boolean): void {
  const s = step.s;
  const cfg = s.config;
  if (s.state === "BACKOFF") {
    if (forShutdown) {
      giveUp(step); // T9: no log line
    } else {
      // T10 / STP-01: no signal; the backoff counter is kept (faithful quirk, spec §12.9).
      step.log("debug", `Attempted to kill ${cfg.name}, which is in BACKOFF state.`);
      step.disarm();
      step.change("STOPPED", { pid: 0 });
    }
    return;
  }
  if (s.state !== "STARTING" && s.state !== "RUNNING") {
    if (s.pid === 0 && !forShutdown) {
      const message = `attempted to kill ${cfg.name} with sig ${signame(cfg.stopsignal)} but it wasn't running`;
      step.log("debug", message);
      step.refused = message;
    }
    return;
  }
  if (s.pid === 0) {
    // STARTING while the spawn is still being attempted.
    const message = `attempted to kill ${cfg.name} with sig ${signame(cfg.stopsignal)} but it wasn't running`;
    step.log("debug", message);
    step.refused = message;
    return;
  }
  kill(step, cfg.stopsignal, cfg.stopasgroup);
}

/** T11/T14: signal the child (or its group) and wait stopwaitsecs. */
function kill(step: Step, signal: number, asGroup: boolean): void {
  const s = step.s;
  step.log(
    "debug",
    `killing ${s.config.name} (pid ${s.pid}) ${asGroup ? "process group " : ""}with signal ${signame(signal)}`,
  );
  s.killing = true;
  step.arm("stopwait", s.config.stopwaitsecs);
  step.change("STOPPING", { pid: s.pid });
  step.effects.push({ type: "kill", signal, group: asGroup });
}

/** §2.4 finish(): T5 (too quick), T7, T12, T13, then T3 (autorestart). */
function exited(step: Step, code: number | null, signal: string | null): void {
  const s = step.s;
  const cfg = s.config;
  const { exitstatus, how } = describeExit(code, signal);
  const pid = s.pid;
  const now = step.now;
  s.laststop = now;
  s.lastExit = { code: signal === null ? code ?? 0 : null, signal };
  step.disarm();

  if (s.state === "UNKNOWN") {
    s.exitstatus = exitstatus;
    s.pid = 0;
    return;
  }

  let tooQuickly = false;
  if (now >= s.laststart) {
    tooQuickly = s.state === "STARTING" && now - s.laststart < cfg.startsecs * 1000;
  } else {
    // LIF-08: the wall clock went back; never call it "too quick" by clock error.
    step.log(
      "warn",
      `process '${cfg.name}' (${pid}) laststart time is in the future, don't know how long process was running so assuming it did not exit too quickly`,
    );
  }
  const expected = cfg.exitcodes.includes(exitstatus);

  if (s.killing) {
    // T12: STOPPING -> STOPPED.
    s.killing = false;
    s.exitstatus = exitstatus;
    step.log(expected ? "info" : "warn", `stopped: ${cfg.name} (${how})`);
    step.change("STOPPED", { pid });
    s.pid = 0;
    return;
  }

  if (tooQuickly) {
    // T5: the "too quick" case always says "not expected" (RAP-04).
    s.exitstatus = null;
    s.spawnerr = EXITED_TOO_QUICKLY;
    step.log("warn", `exited: ${cfg.name} (${how}; not expected)`);
    s.pid = 0;
    enterBackoff(step);
    return;
  }

  // T13 (and T7: STARTING -> RUNNING -> EXITED when the startsecs timer had not fired yet).
  s.backoff = 0;
  s.exitstatus = exitstatus;
  if (s.state === "STARTING") step.change("RUNNING", { pid });
  if (expected) {
    step.log("info", `exited: ${cfg.name} (${how}; expected)`);
  } else {
    s.spawnerr = `Bad exit code ${exitstatus}`;
    step.log("warn", `exited: ${cfg.name} (${how}; not expected)`);
  }
  step.change("EXITED", { expected, pid });
  s.pid = 0;

  // T3: immediate, unlimited restarts while the daemon runs (LIF-04: exit status only).
  const restart = cfg.autorestart === true || (cfg.autorestart === "unexpected" && !expected);
  if (s.daemonRunning && restart) spawn(step);
}
