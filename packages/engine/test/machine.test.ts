import { describe, expect, it } from "vitest";
import type { Effect, MachineConfig, MachineEvent, MachineState } from "../src/machine.js";
import { EXITED_TOO_QUICKLY, initialState, transition } from "../src/machine.js";
import type { ProcessStateName } from "@tsupervisord/pycompat";

const NOW = 1_700_000_000_000;

function cfg(overrides: Partial<MachineConfig> = {}): MachineConfig {
  return {
    name: "web",
    autostart: true,
    autorestart: "unexpected",
    startsecs: 1,
    startretries: 3,
    exitcodes: [0],
    stopsignal: 15,
    stopwaitsecs: 10,
    stopasgroup: false,
    killasgroup: false,
    ...overrides,
  };
}

/** A representative machine state in each process state (timer generation 5 is the armed one). */
function stateIn(state: ProcessStateName, config = cfg()): MachineState {
  const base = { ...initialState(config), timerGeneration: 5 };
  switch (state) {
    case "STOPPED":
      return base;
    case "STARTING":
      return { ...base, state, pid: 100, laststart: NOW - 500 };
    case "RUNNING":
      return { ...base, state, pid: 100, laststart: NOW - 5000 };
    case "BACKOFF":
      return { ...base, state, backoff: 1, laststart: NOW - 1500, spawnerr: EXITED_TOO_QUICKLY };
    case "STOPPING":
      return { ...base, state, pid: 100, laststart: NOW - 5000, killing: true };
    case "EXITED":
      return { ...base, state, laststart: NOW - 5000, laststop: NOW - 100, exitstatus: 0 };
    case "FATAL":
      return { ...base, state, laststart: NOW - 5000 };
    case "UNKNOWN":
      return { ...base, state, pid: 100, laststart: NOW - 5000 };
  }
}

const changes = (effects: Effect[]): string[] =>
  effects.flatMap((e) => (e.type === "state-change" ? [e.change.to] : []));
const actions = (effects: Effect[]): string[] =>
  effects.flatMap((e) =>
    e.type === "spawn" ? ["spawn"] : e.type === "kill" ? [`kill:${e.signal}${e.group ? ":group" : ""}`] : [],
  );
const logs = (effects: Effect[]): string[] =>
  effects.flatMap((e) => (e.type === "log" ? [`${e.level}: ${e.message}`] : []));

const STATES: ProcessStateName[] = ["STOPPED", "STARTING", "RUNNING", "BACKOFF", "STOPPING", "EXITED", "FATAL", "UNKNOWN"];

const EVENTS: Record<string, MachineEvent> = {
  start: { type: "start" },
  autostart: { type: "autostart" },
  stop: { type: "stop" },
  "shutdown-stop": { type: "shutdown-stop" },
  spawned: { type: "spawned", pid: 200 },
  "spawn-failed": { type: "spawn-failed", message: "can't find command 'x'" },
  exited: { type: "exited", code: 1, signal: null },
  "kill-failed": { type: "kill-failed", message: "unknown problem killing web (100):EPERM" },
  "startsecs-elapsed": { type: "startsecs-elapsed", generation: 5 },
  "backoff-elapsed": { type: "backoff-elapsed", generation: 5 },
  "stopwait-elapsed": { type: "stopwait-elapsed", generation: 5 },
  "daemon-state": { type: "daemon-state", running: false },
};

type Row = { to: ProcessStateName; changes?: string[]; actions?: string[]; refused?: boolean };

/**
 * Expected outcome of every (state, event) pair. `changes` = PROCESS_STATE_* events in order; `actions` = spawn/kill
 * effects. Omitted = none. The STARTING row uses a child that has a pid; spawned/spawn-failed for a STARTING
 * process still waiting for its pid are tested separately below.
 */
const TABLE: Record<ProcessStateName, Record<string, Row>> = {
  STOPPED: {
    start: { to: "STARTING", changes: ["STARTING"], actions: ["spawn"] },
    autostart: { to: "STARTING", changes: ["STARTING"], actions: ["spawn"] },
    stop: { to: "STOPPED", refused: true },
    "shutdown-stop": { to: "STOPPED" },
    spawned: { to: "STOPPED" },
    "spawn-failed": { to: "STOPPED" },
    exited: { to: "STOPPED" },
    "kill-failed": { to: "STOPPED" },
    "startsecs-elapsed": { to: "STOPPED" },
    "backoff-elapsed": { to: "STOPPED" },
    "stopwait-elapsed": { to: "STOPPED" },
    "daemon-state": { to: "STOPPED" },
  },
  STARTING: {
    start: { to: "STARTING" },
    autostart: { to: "STARTING" },
    stop: { to: "STOPPING", changes: ["STOPPING"], actions: ["kill:15"] },
    "shutdown-stop": { to: "STOPPING", changes: ["STOPPING"], actions: ["kill:15"] },
    spawned: { to: "STARTING" },
    "spawn-failed": { to: "STARTING" },
    exited: { to: "BACKOFF", changes: ["BACKOFF"] },
    "kill-failed": { to: "UNKNOWN", changes: ["UNKNOWN"] },
    "startsecs-elapsed": { to: "RUNNING", changes: ["RUNNING"] },
    "backoff-elapsed": { to: "STARTING" },
    "stopwait-elapsed": { to: "STARTING" },
    "daemon-state": { to: "STARTING" },
  },
  RUNNING: {
    start: { to: "RUNNING" },
    autostart: { to: "RUNNING" },
    stop: { to: "STOPPING", changes: ["STOPPING"], actions: ["kill:15"] },
    "shutdown-stop": { to: "STOPPING", changes: ["STOPPING"], actions: ["kill:15"] },
    spawned: { to: "RUNNING" },
    "spawn-failed": { to: "RUNNING" },
    exited: { to: "STARTING", changes: ["EXITED", "STARTING"], actions: ["spawn"] },
    "kill-failed": { to: "UNKNOWN", changes: ["UNKNOWN"] },
    "startsecs-elapsed": { to: "RUNNING" },
    "backoff-elapsed": { to: "RUNNING" },
    "stopwait-elapsed": { to: "RUNNING" },
    "daemon-state": { to: "RUNNING" },
  },
  BACKOFF: {
    start: { to: "BACKOFF", refused: true },
    autostart: { to: "BACKOFF" },
    stop: { to: "STOPPED", changes: ["STOPPED"] },
    "shutdown-stop": { to: "FATAL", changes: ["FATAL"] },
    spawned: { to: "BACKOFF" },
    "spawn-failed": { to: "BACKOFF" },
    exited: { to: "BACKOFF" },
    "kill-failed": { to: "BACKOFF" },
    "startsecs-elapsed": { to: "BACKOFF" },
    "backoff-elapsed": { to: "STARTING", changes: ["STARTING"], actions: ["spawn"] },
    "stopwait-elapsed": { to: "BACKOFF" },
    "daemon-state": { to: "BACKOFF" },
  },
  STOPPING: {
    start: { to: "STOPPING" },
    autostart: { to: "STOPPING" },
    stop: { to: "STOPPING" },
    "shutdown-stop": { to: "STOPPING" },
    spawned: { to: "STOPPING" },
    "spawn-failed": { to: "STOPPING" },
    exited: { to: "STOPPED", changes: ["STOPPED"] },
    "kill-failed": { to: "UNKNOWN", changes: ["UNKNOWN"] },
    "startsecs-elapsed": { to: "STOPPING" },
    "backoff-elapsed": { to: "STOPPING" },
    "stopwait-elapsed": { to: "STOPPING", actions: ["kill:9"] },
    "daemon-state": { to: "STOPPING" },
  },
  EXITED: {
    start: { to: "STARTING", changes: ["STARTING"], actions: ["spawn"] },
    autostart: { to: "EXITED" },
    stop: { to: "EXITED", refused: true },
    "shutdown-stop": { to: "EXITED" },
    spawned: { to: "EXITED" },
    "spawn-failed": { to: "EXITED" },
    exited: { to: "EXITED" },
    "kill-failed": { to: "EXITED" },
    "startsecs-elapsed": { to: "EXITED" },
    "backoff-elapsed": { to: "EXITED" },
    "stopwait-elapsed": { to: "EXITED" },
    "daemon-state": { to: "EXITED" },
  },
  FATAL: {
    start: { to: "STARTING", changes: ["STARTING"], actions: ["spawn"] },
    autostart: { to: "FATAL" },
    stop: { to: "FATAL", refused: true },
    "shutdown-stop": { to: "FATAL" },
    spawned: { to: "FATAL" },
    "spawn-failed": { to: "FATAL" },
    exited: { to: "FATAL" },
    "kill-failed": { to: "FATAL" },
    "startsecs-elapsed": { to: "FATAL" },
    "backoff-elapsed": { to: "FATAL" },
    "stopwait-elapsed": { to: "FATAL" },
    "daemon-state": { to: "FATAL" },
  },
  UNKNOWN: {
    start: { to: "UNKNOWN" },
    autostart: { to: "UNKNOWN" },
    stop: { to: "UNKNOWN" },
    "shutdown-stop": { to: "UNKNOWN" },
    spawned: { to: "UNKNOWN" },
    "spawn-failed": { to: "UNKNOWN" },
    exited: { to: "UNKNOWN" },
    "kill-failed": { to: "UNKNOWN" },
    "startsecs-elapsed": { to: "UNKNOWN" },
    "backoff-elapsed": { to: "UNKNOWN" },
    "stopwait-elapsed": { to: "UNKNOWN" },
    "daemon-state": { to: "UNKNOWN" },
  },
};

describe("transition: every state × event (spec §2.2 T1–T15)", () => {
  for (const state of STATES) {
    for (const [eventName, event] of Object.entries(EVENTS)) {
      const row = TABLE[state][eventName] as Row;
      it(`${state} + ${eventName} -> ${row.to}`, () => {
        const before = stateIn(state);
        const result = transition(before, event, NOW);
        expect(result.state.state).toBe(row.to);
        expect(changes(result.effects)).toEqual(row.changes ?? []);
        expect(actions(result.effects)).toEqual(row.actions ?? []);
        expect(result.refused !== undefined).toBe(row.refused ?? false);
        // purity: the input is never mutated
        expect(before).toEqual(stateIn(state));
      });
    }
  }
});

/** Feed events in order, advancing the fake clock; collect everything. */
function run(start: MachineState, steps: Array<[number, MachineEvent]>) {
  let state = start;
  let now = NOW;
  const effects: Effect[] = [];
  for (const [advance, event] of steps) {
    now += advance;
    const r = transition(state, event, now);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

/** The generation of the last armed timer in a list of effects. */
function lastTimer(effects: Effect[]): { timer: string; delayMs: number; generation: number } {
  const t = effects.filter((e) => e.type === "set-timer").at(-1);
  if (t?.type !== "set-timer") throw new Error("no timer armed");
  return t;
}

describe("state machine scenarios", () => {
  it("LIF-02: startretries=3 gives 4 attempts with 1 s, 2 s, 3 s waits, then FATAL with the gave-up line", () => {
    let state = transition(initialState(cfg()), { type: "start" }, NOW).state;
    const all: Effect[] = [];
    const waits: number[] = [];
    let now = NOW;
    for (let attempt = 1; attempt <= 4; attempt++) {
      let r = transition(state, { type: "spawned", pid: 1000 + attempt }, now);
      all.push(...r.effects);
      r = transition(r.state, { type: "exited", code: 1, signal: null }, now + 100);
      all.push(...r.effects);
      state = r.state;
      if (state.state === "FATAL") break;
      const t = lastTimer(r.effects);
      waits.push(t.delayMs);
      now += 100 + t.delayMs;
      r = transition(state, { type: "backoff-elapsed", generation: t.generation }, now);
      all.push(...r.effects);
      state = r.state;
    }
    expect(waits).toEqual([1000, 2000, 3000]);
    expect(state.state).toBe("FATAL");
    expect(state.backoff).toBe(0);
    const tries = all.flatMap((e) => (e.type === "state-change" ? [`${e.change.to}:${e.change.tries ?? ""}`] : []));
    expect(tries).toEqual([
      "BACKOFF:1",
      "STARTING:1",
      "BACKOFF:2",
      "STARTING:2",
      "BACKOFF:3",
      "STARTING:3",
      "BACKOFF:4",
      "FATAL:",
    ]);
    expect(logs(all)).toContain("info: gave up: web entered FATAL state, too many start retries too quickly");
    expect(logs(all)).toContain("warn: exited: web (exit status 1; not expected)");
    expect(all.filter((e) => e.type === "log" && e.message.startsWith("spawned:"))).toHaveLength(4);
  });

  it("LIF-02: startretries=1 reports BACKOFF tries:1, STARTING tries:1, BACKOFF tries:2, FATAL", () => {
    const c = cfg({ startretries: 1 });
    let r = transition(initialState(c), { type: "start" }, NOW);
    const all = [...r.effects];
    r = transition(r.state, { type: "spawn-failed", message: "can't find command 'nope'" }, NOW);
    all.push(...r.effects);
    r = transition(r.state, { type: "backoff-elapsed", generation: lastTimer(r.effects).generation }, NOW + 1000);
    all.push(...r.effects);
    r = transition(r.state, { type: "spawn-failed", message: "can't find command 'nope'" }, NOW + 1000);
    all.push(...r.effects);
    const seq = all.flatMap((e) => (e.type === "state-change" ? [`${e.change.to}:${e.change.tries ?? ""}`] : []));
    expect(seq).toEqual(["STARTING:0", "BACKOFF:1", "STARTING:1", "BACKOFF:2", "FATAL:"]);
    expect(logs(all)).toContain("info: spawnerr: can't find command 'nope'");
    expect(r.state.spawnerr).toBe("can't find command 'nope'");
  });

  it("T5/LIF-01: an exit before startsecs is 'too quick' (BACKOFF, exitstatus None, spawnerr), even for code 0", () => {
    const { state, effects } = run(initialState(cfg()), [
      [0, { type: "start" }],
      [0, { type: "spawned", pid: 7 }],
      [999, { type: "exited", code: 0, signal: null }],
    ]);
    expect(state.state).toBe("BACKOFF");
    expect(state.exitstatus).toBeNull();
    expect(state.spawnerr).toBe(EXITED_TOO_QUICKLY);
    expect(logs(effects)).toContain("warn: exited: web (exit status 0; not expected)");
  });

  it("T6: startsecs elapsed -> RUNNING with the success line; backoff reset", () => {
    const s0 = { ...stateIn("STARTING"), backoff: 2 };
    const r = transition(s0, { type: "startsecs-elapsed", generation: 5 }, NOW + 1000);
    expect(r.state.state).toBe("RUNNING");
    expect(r.state.backoff).toBe(0);
    expect(logs(r.effects)).toEqual([
      "info: success: web entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
    ]);
    expect(r.effects).toContainEqual({ type: "state-change", change: { from: "STARTING", to: "RUNNING", pid: 100 } });
  });

  it("T7: startsecs=0 is RUNNING at once after spawn; an exit emits RUNNING before EXITED when the timer had not fired", () => {
    const { state, effects } = run(initialState(cfg({ startsecs: 0, autorestart: false })), [
      [0, { type: "start" }],
      [0, { type: "spawned", pid: 9 }],
    ]);
    expect(state.state).toBe("RUNNING");
    expect(changes(effects)).toEqual(["STARTING", "RUNNING"]);
    const s = { ...stateIn("STARTING", cfg({ autorestart: false })), laststart: NOW - 1500 };
    const r = transition(s, { type: "exited", code: 0, signal: null }, NOW);
    expect(changes(r.effects)).toEqual(["RUNNING", "EXITED"]);
    expect(r.effects).toContainEqual({
      type: "state-change",
      change: { from: "RUNNING", to: "EXITED", expected: true, pid: 100 },
    });
    expect(logs(r.effects)).toEqual(["info: exited: web (exit status 0; expected)"]);
  });

  it("T13/LIF-03: a signal death gives exitstatus -1, always unexpected, spawnerr 'Bad exit code -1'", () => {
    const r = transition(stateIn("RUNNING", cfg({ autorestart: false, exitcodes: [0, 1, 2] })), { type: "exited", code: null, signal: "SIGKILL" }, NOW);
    expect(r.state.state).toBe("EXITED");
    expect(r.state.exitstatus).toBe(-1);
    expect(r.state.spawnerr).toBe("Bad exit code -1");
    expect(logs(r.effects)).toEqual(["warn: exited: web (terminated by SIGKILL; not expected)"]);
    expect(r.effects).toContainEqual({
      type: "state-change",
      change: { from: "RUNNING", to: "EXITED", expected: false, pid: 100 },
    });
  });

  it.each([
    [true, 0, true],
    [true, 3, true],
    [false, 3, false],
    [false, 0, false],
    ["unexpected", 0, false],
    ["unexpected", 3, true],
    ["unexpected", 2, false],
  ] as const)("T3/LIF-04: autorestart=%s with exit %i restarts: %s (exitcodes 0,2)", (autorestart, code, restarts) => {
    const r = transition(stateIn("RUNNING", cfg({ autorestart, exitcodes: [0, 2] })), { type: "exited", code, signal: null }, NOW);
    expect(r.state.state).toBe(restarts ? "STARTING" : "EXITED");
    expect(actions(r.effects)).toEqual(restarts ? ["spawn"] : []);
    if (restarts) expect(r.effects).toContainEqual({ type: "state-change", change: { from: "EXITED", to: "STARTING", tries: 0 } });
  });

  it("LIF-06: no automatic spawn (T1, T3, T4) while the daemon is not RUNNING", () => {
    const off = { type: "daemon-state", running: false } as const;
    const stopped = transition(stateIn("STOPPED"), off, NOW).state;
    expect(transition(stopped, { type: "autostart" }, NOW).state.state).toBe("STOPPED");
    const running = transition(stateIn("RUNNING", cfg({ autorestart: true })), off, NOW).state;
    expect(transition(running, { type: "exited", code: 0, signal: null }, NOW).state.state).toBe("EXITED");
    const backoff = transition(stateIn("BACKOFF"), off, NOW).state;
    const r = transition(backoff, { type: "backoff-elapsed", generation: backoff.timerGeneration }, NOW);
    expect(r.state.state).toBe("BACKOFF");
    // an explicit start still works (only automatic transitions are suppressed)
    expect(transition(stopped, { type: "start" }, NOW).state.state).toBe("STARTING");
  });

  it("LIF-05: autostart only for a process never started, and only with autostart=true", () => {
    expect(transition(stateIn("STOPPED", cfg({ autostart: false })), { type: "autostart" }, NOW).state.state).toBe("STOPPED");
    const stoppedByHand = { ...stateIn("STOPPED"), laststart: NOW - 10 };
    expect(transition(stoppedByHand, { type: "autostart" }, NOW).state.state).toBe("STOPPED");
  });

  it("stale timers never act (generation mismatch)", () => {
    for (const [state, type] of [
      ["STARTING", "startsecs-elapsed"],
      ["BACKOFF", "backoff-elapsed"],
      ["STOPPING", "stopwait-elapsed"],
    ] as const) {
      const r = transition(stateIn(state), { type, generation: 4 }, NOW);
      expect(r.state).toEqual(stateIn(state));
      expect(r.effects).toEqual([]);
    }
  });

  it("every state change disarms the previous timer (a BACKOFF timer cannot fire into a later STARTING)", () => {
    const { state, effects } = run(stateIn("BACKOFF"), [
      [0, { type: "stop" }],
      [0, { type: "start" }],
    ]);
    expect(state.state).toBe("STARTING");
    expect(state.timerGeneration).toBeGreaterThan(5);
    expect(transition(state, { type: "startsecs-elapsed", generation: 5 }, NOW).state.state).toBe("STARTING");
    expect(effects.some((e) => e.type === "cancel-timer")).toBe(true);
  });

  it("T11/STP-03: stop sends stopsignal to the pid, or to the group with stopasgroup; debug line wording", () => {
    const plain = transition(stateIn("RUNNING"), { type: "stop" }, NOW);
    expect(actions(plain.effects)).toEqual(["kill:15"]);
    expect(logs(plain.effects)).toEqual(["debug: killing web (pid 100) with signal SIGTERM"]);
    expect(plain.state.killing).toBe(true);
    expect(lastTimer(plain.effects).delayMs).toBe(10_000);
    const grouped = transition(stateIn("RUNNING", cfg({ stopasgroup: true, killasgroup: true, stopsignal: 2 })), { type: "stop" }, NOW);
    expect(actions(grouped.effects)).toEqual(["kill:2:group"]);
    expect(logs(grouped.effects)).toEqual(["debug: killing web (pid 100) process group with signal SIGINT"]);
  });

  it("T14/STP-03: SIGKILL after stopwaitsecs, repeated every stopwaitsecs; killasgroup governs the escalation", () => {
    let s = transition(stateIn("RUNNING", cfg({ killasgroup: true })), { type: "stop" }, NOW);
    expect(actions(s.effects)).toEqual(["kill:15"]);
    const kills: string[] = [];
    for (let i = 0; i < 3; i++) {
      s = transition(s.state, { type: "stopwait-elapsed", generation: lastTimer(s.effects).generation }, NOW + (i + 1) * 10_000);
      kills.push(...actions(s.effects));
      expect(changes(s.effects)).toEqual([]);
      expect(logs(s.effects)[0]).toBe("warn: killing 'web' (100) with SIGKILL");
      expect(lastTimer(s.effects).delayMs).toBe(10_000);
    }
    expect(kills).toEqual(["kill:9:group", "kill:9:group", "kill:9:group"]);
  });

  it("T12: stopped line at INFO for an expected code, WARN otherwise; STOPPED carries the old pid", () => {
    const bySignal = transition(stateIn("STOPPING"), { type: "exited", code: null, signal: "SIGTERM" }, NOW);
    expect(logs(bySignal.effects)).toEqual(["warn: stopped: web (terminated by SIGTERM)"]);
    expect(bySignal.state.exitstatus).toBe(-1);
    expect(bySignal.state.pid).toBe(0);
    expect(bySignal.effects).toContainEqual({ type: "state-change", change: { from: "STOPPING", to: "STOPPED", pid: 100 } });
    const clean = transition(stateIn("STOPPING"), { type: "exited", code: 0, signal: null }, NOW);
    expect(logs(clean.effects)).toEqual(["info: stopped: web (exit status 0)"]);
  });

  it("STP-01/T10: stop in BACKOFF -> STOPPED, no signal, pid:0, backoff kept (faithful quirk)", () => {
    const r = transition({ ...stateIn("BACKOFF"), backoff: 2 }, { type: "stop" }, NOW);
    expect(r.state.state).toBe("STOPPED");
    expect(r.state.backoff).toBe(2);
    expect(actions(r.effects)).toEqual([]);
    expect(logs(r.effects)).toEqual(["debug: Attempted to kill web, which is in BACKOFF state."]);
    expect(r.effects).toContainEqual({ type: "state-change", change: { from: "BACKOFF", to: "STOPPED", pid: 0 } });
    const again = transition(r.state, { type: "start" }, NOW);
    expect(again.effects).toContainEqual({ type: "state-change", change: { from: "STOPPED", to: "STARTING", tries: 2 } });
  });

  it("T9: shutdown stop of a BACKOFF process gives up without the gave-up line", () => {
    const r = transition(stateIn("BACKOFF"), { type: "shutdown-stop" }, NOW);
    expect(r.state.state).toBe("FATAL");
    expect(logs(r.effects)).toEqual([]);
  });

  it("STP-02: stop without a pid returns supervisord's message", () => {
    const r = transition(stateIn("EXITED"), { type: "stop" }, NOW);
    expect(r.refused).toBe("attempted to kill web with sig SIGTERM but it wasn't running");
  });

  it("T15: a failed kill -> UNKNOWN with a CRIT line, killing reset", () => {
    const r = transition(stateIn("STOPPING"), { type: "kill-failed", message: "unknown problem killing web (100):EPERM" }, NOW);
    expect(r.state.state).toBe("UNKNOWN");
    expect(r.state.killing).toBe(false);
    expect(logs(r.effects)).toEqual(["critical: unknown problem killing web (100):EPERM"]);
  });

  it("SPN-01: start with a pid logs `already running` and does nothing", () => {
    const r = transition(stateIn("RUNNING"), { type: "start" }, NOW);
    expect(logs(r.effects)).toEqual(["warn: process 'web' already running"]);
    expect(r.state).toEqual(stateIn("RUNNING"));
  });

  it("SPN-02/SPN-08: spawn resets spawnerr/exitstatus, sets laststart; spawned logs the pid and arms startsecs", () => {
    const s0 = { ...stateIn("EXITED"), spawnerr: "Bad exit code 3", exitstatus: 3 };
    const started = transition(s0, { type: "start" }, NOW);
    expect(started.state).toMatchObject({ state: "STARTING", spawnerr: null, exitstatus: null, laststart: NOW, pid: 0 });
    const spawned = transition(started.state, { type: "spawned", pid: 4242 }, NOW);
    expect(spawned.state.pid).toBe(4242);
    expect(logs(spawned.effects)).toEqual(["info: spawned: 'web' with pid 4242"]);
    expect(lastTimer(spawned.effects)).toMatchObject({ timer: "startsecs", delayMs: 1000 });
  });

  it("SPN-06: a spawn failure goes STARTING -> BACKOFF without a child", () => {
    const starting = transition(initialState(cfg()), { type: "start" }, NOW).state;
    const r = transition(starting, { type: "spawn-failed", message: "command at '/tmp' is a directory" }, NOW);
    expect(r.state).toMatchObject({ state: "BACKOFF", backoff: 1, spawnerr: "command at '/tmp' is a directory", pid: 0 });
    expect(logs(r.effects)).toEqual(["info: spawnerr: command at '/tmp' is a directory"]);
    expect(lastTimer(r.effects)).toMatchObject({ timer: "backoff", delayMs: 1000 });
  });

  it("LIF-08: an exit whose start lies in the future is never 'too quick' and is logged", () => {
    const s = { ...stateIn("STARTING", cfg({ autorestart: false })), laststart: NOW + 60_000 };
    const r = transition(s, { type: "exited", code: 0, signal: null }, NOW);
    expect(r.state.state).toBe("EXITED");
    expect(logs(r.effects)[0]).toBe(
      "warn: process 'web' (100) laststart time is in the future, don't know how long process was running so assuming it did not exit too quickly",
    );
  });

  it("T13: RUNNING -> EXITED resets backoff; a RUNNING process is never too quick (LIF-01)", () => {
    const s = { ...stateIn("RUNNING", cfg({ autorestart: false, startsecs: 100 })), laststart: NOW - 10, backoff: 2 };
    const r = transition(s, { type: "exited", code: 0, signal: null }, NOW);
    expect(r.state).toMatchObject({ state: "EXITED", backoff: 0, exitstatus: 0, laststop: NOW });
  });
});
