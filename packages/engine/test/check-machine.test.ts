/**
 * The readiness/liveness check state machine (issue 14), driven with a fake clock: a tiny harness keeps the
 * armed timer and the in-flight probe, advances virtual time, and answers probes as each test says.
 */
import { describe, expect, it } from "vitest";
import type { CheckConfig, ProbeSpec } from "@tsupervisord/config";
import {
  checkStatusText,
  checkTransition,
  initialCheckState,
  readinessOf,
  type CheckEffect,
  type CheckEvent,
  type CheckRole,
  type CheckState,
} from "../src/index.js";

function config(probe: ProbeSpec, over: Partial<CheckConfig> = {}): CheckConfig {
  return { probe, text: "tcp:127.0.0.1:1", intervalMs: 1000, timeoutMs: 500, retries: 3, startPeriodMs: 0, ...over };
}

/** Fake clock + effect recorder around the pure machine. */
class Harness {
  state: CheckState;
  now = 0;
  timer: { at: number; generation: number } | null = null;
  probe: { generation: number; at: number } | null = null;
  readyAt: number | null = null;
  restarts: string[] = [];
  probes: number[] = [];

  constructor(role: CheckRole, cfg: CheckConfig) {
    this.state = initialCheckState(role, cfg);
  }

  send(event: CheckEvent): void {
    const r = checkTransition(this.state, event);
    this.state = r.state;
    for (const e of r.effects) this.apply(e);
  }

  private apply(e: CheckEffect): void {
    switch (e.type) {
      case "arm":
        this.timer = { at: this.now + e.delayMs, generation: e.generation };
        break;
      case "cancel":
        this.timer = null;
        this.probe = null;
        break;
      case "probe":
        this.probe = { generation: e.generation, at: this.now };
        this.probes.push(this.now);
        break;
      case "ready":
        this.readyAt = this.now;
        break;
      case "restart":
        this.restarts.push(e.reason);
        break;
      case "changed":
        break;
    }
  }

  /** Advance to the armed timer and fire it. */
  tick(): void {
    const t = this.timer;
    if (t === null) throw new Error("no timer armed");
    this.now = t.at;
    this.timer = null;
    this.send({ type: "timer", generation: t.generation });
  }

  answer(ok: boolean, detail = ok ? "connected" : "connect ECONNREFUSED"): void {
    const p = this.probe;
    if (p === null) throw new Error("no probe in flight");
    this.probe = null;
    this.send({ type: "result", generation: p.generation, ok, detail });
  }
}

const tcp: ProbeSpec = { kind: "tcp", host: "127.0.0.1", port: 1 };

describe("readiness", () => {
  it("probes at once, every interval after a failure, and latches ready on the first success", () => {
    const h = new Harness("ready", config(tcp));
    expect(readinessOf(h.state)).toBe("pending");
    h.send({ type: "begin" });
    expect(h.probes).toEqual([0]);
    expect(readinessOf(h.state)).toBe("checking");
    h.answer(false);
    expect(h.timer?.at).toBe(1000);
    h.tick();
    h.answer(false);
    h.tick();
    h.answer(true);
    expect(h.readyAt).toBe(2000);
    expect(readinessOf(h.state)).toBe("ready");
    expect(h.timer).toBeNull(); // no more probes while ready
    expect(h.probes).toEqual([0, 1000, 2000]);
  });

  it("waits out start_period before the first probe", () => {
    const h = new Harness("ready", config(tcp, { startPeriodMs: 5000 }));
    h.send({ type: "begin" });
    expect(h.probes).toEqual([]);
    expect(checkStatusText(h.state)).toBe("start period 5s (tcp:127.0.0.1:1)");
    h.tick();
    expect(h.probes).toEqual([5000]);
  });

  it("reports failing with the last error after `retries` failures, and keeps probing", () => {
    const h = new Harness("ready", config(tcp, { retries: 2 }));
    h.send({ type: "begin" });
    h.answer(false);
    expect(readinessOf(h.state)).toBe("checking");
    h.tick();
    h.answer(false, "connect ECONNREFUSED 127.0.0.1:1");
    expect(readinessOf(h.state)).toBe("failing");
    expect(checkStatusText(h.state)).toBe("tcp:127.0.0.1:1 failed 2 times: connect ECONNREFUSED 127.0.0.1:1");
    h.tick();
    h.answer(true);
    expect(readinessOf(h.state)).toBe("ready");
  });

  it("ignores a late probe result from before the child exited", () => {
    const h = new Harness("ready", config(tcp));
    h.send({ type: "begin" });
    const stale = h.probe;
    h.send({ type: "end" });
    expect(readinessOf(h.state)).toBe("pending");
    h.send({ type: "begin" });
    h.send({ type: "result", generation: stale?.generation ?? -1, ok: true, detail: "late" });
    expect(readinessOf(h.state)).toBe("checking");
    expect(h.readyAt).toBeNull();
  });

  it("ignores a stale timer", () => {
    const h = new Harness("ready", config(tcp, { startPeriodMs: 1000 }));
    h.send({ type: "begin" });
    const old = h.timer;
    h.send({ type: "end" });
    h.send({ type: "begin" });
    h.send({ type: "timer", generation: old?.generation ?? -1 });
    expect(h.probes).toEqual([]);
  });

  it("notify: no probes; READY=1 (a signal) makes it ready, even during start_period", () => {
    const h = new Harness("ready", config({ kind: "notify" }, { startPeriodMs: 3000, text: "notify" }));
    h.send({ type: "begin" });
    expect(h.probes).toEqual([]);
    h.send({ type: "signal" });
    expect(readinessOf(h.state)).toBe("ready");
    expect(h.timer).toBeNull();
  });

  it("log: the status says what it waits for", () => {
    const h = new Harness("ready", config({ kind: "log", source: "Ready", flags: "" }, { text: "log:/Ready/" }));
    h.send({ type: "begin" });
    expect(checkStatusText(h.state)).toBe("waiting for a line matching /Ready/");
    h.send({ type: "signal" });
    expect(readinessOf(h.state)).toBe("ready");
  });

  it("a signal to an active (tcp) check does nothing", () => {
    const h = new Harness("ready", config(tcp));
    h.send({ type: "begin" });
    h.send({ type: "signal" });
    expect(readinessOf(h.state)).toBe("checking");
  });
});

describe("liveness", () => {
  it("trips once after `retries` consecutive failures; a success in between resets the count", () => {
    const h = new Harness("live", config(tcp, { retries: 2 }));
    h.send({ type: "begin" });
    h.answer(false);
    h.tick();
    h.answer(true);
    h.tick();
    h.answer(false);
    expect(h.restarts).toEqual([]);
    h.tick();
    h.answer(false, "timed out after 0.5s");
    expect(h.restarts).toEqual(["tcp:127.0.0.1:1 failed 2 times: timed out after 0.5s"]);
    expect(h.timer).toBeNull();
    expect(readinessOf(h.state)).toBe("failing");
  });

  it("notify watchdog: a window without WATCHDOG=1 is one failure", () => {
    const h = new Harness("live", config({ kind: "notify" }, { retries: 2, intervalMs: 2000, text: "notify" }));
    h.send({ type: "begin" });
    h.send({ type: "signal" });
    h.tick(); // window 1 had a ping
    expect(h.state.failures).toBe(0);
    h.tick(); // window 2: none
    expect(h.state.failures).toBe(1);
    h.send({ type: "signal" });
    h.tick(); // window 3: ping resets
    expect(h.state.failures).toBe(0);
    h.tick();
    h.tick();
    expect(h.restarts).toEqual(["notify failed 2 times: no WATCHDOG=1 within 2s"]);
    expect(h.now).toBe(10000);
  });
});

describe("the readiness event", () => {
  it("is not under EVENT, so supervisord event listeners (which subscribe to EVENT or its children) never get it", async () => {
    const { eventMatches, formatPayload } = await import("../src/index.js");
    expect(eventMatches("EVENT", "PROCESS_READINESS_CHANGED")).toBe(false);
    expect(eventMatches("PROCESS_STATE", "PROCESS_READINESS_CHANGED")).toBe(false);
    expect(eventMatches("PROCESS_READINESS_CHANGED", "PROCESS_READINESS_CHANGED")).toBe(true);
    expect(
      formatPayload({
        name: "PROCESS_READINESS_CHANGED",
        processName: "db",
        groupName: "db",
        readiness: "ready",
        readinessStatus: "tcp:127.0.0.1:5432 passed",
        liveness: "none",
        livenessStatus: "",
      }),
    ).toBe("processname:db groupname:db readiness:ready liveness:none\ntcp:127.0.0.1:5432 passed");
  });
});

describe("publishing", () => {
  it("a failure repeated past retries with the same reason is not published again; a new reason is", () => {
    const changes: number[] = [];
    let state = initialCheckState("ready", config(tcp, { retries: 2 }));
    const send = (event: CheckEvent): void => {
      const r = checkTransition(state, event);
      state = r.state;
      changes.push(r.effects.filter((e) => e.type === "changed").length);
    };
    send({ type: "begin" });
    const fail = (detail: string): void => {
      send({ type: "result", generation: state.generation, ok: false, detail });
      send({ type: "timer", generation: state.generation });
    };
    fail("refused");
    fail("refused");
    fail("refused");
    fail("refused");
    fail("timed out");
    // begin, then per failure: changed on the result (1), none on the timer that re-probes (0)
    expect(changes).toEqual([1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0]);
  });
});
