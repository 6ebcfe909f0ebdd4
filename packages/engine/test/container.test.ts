import { afterEach, describe, expect, it } from "vitest";
import type { ProcessStateEvent } from "../src/events.js";
import {
  CONTAINER_EXIT,
  allExitedCode,
  essentialEnded,
  essentialExitCode,
  processReady,
  type ProcessEndView,
} from "../src/essential.js";
import { groupShareMs, reserveMs } from "../src/stop-deadline.js";
import { Harness, group, isGone, isState, proc, program } from "./helpers.js";

describe("essential programs: when has one ended for good", () => {
  const base = { essential: true, exitcodes: [0] } as const;
  it("FATAL always ends it", () => {
    expect(essentialEnded({ ...base, autorestart: true }, { toState: "FATAL" })).toBe("fatal");
  });
  it.each([
    [false, true, "exited"],
    [false, false, "exited"],
    ["unexpected", true, "exited"],
    ["unexpected", false, null],
    [true, true, null],
    [true, false, null],
  ] as const)("EXITED with autorestart=%s expected=%s -> %s", (autorestart, expected, verdict) => {
    expect(essentialEnded({ ...base, autorestart }, { toState: "EXITED", expected })).toBe(verdict);
  });
  it("STOPPED (an operator's stop), BACKOFF and the rest are not an end; non-essential programs never end it", () => {
    for (const toState of ["STOPPED", "BACKOFF", "STARTING", "RUNNING", "STOPPING"] as const) {
      expect(essentialEnded({ ...base, autorestart: false }, { toState })).toBeNull();
    }
    expect(essentialEnded({ autorestart: false, exitcodes: [0] }, { toState: "FATAL" })).toBeNull();
  });
});

describe("container exit codes", () => {
  it("an essential program's own code passes through; signals are 128+N; nothing to pass on is 3", () => {
    expect(essentialExitCode({ code: 7, signal: null })).toBe(7);
    expect(essentialExitCode({ code: 300, signal: null })).toBe(255);
    expect(essentialExitCode({ code: null, signal: "SIGKILL" })).toBe(137);
    expect(essentialExitCode({ code: null, signal: "SIGSEGV" })).toBe(139);
    expect(essentialExitCode({ code: 0, signal: null })).toBe(CONTAINER_EXIT.ESSENTIAL_ENDED);
    expect(essentialExitCode(null)).toBe(CONTAINER_EXIT.ESSENTIAL_ENDED);
  });

  it("all-exited: null while anything runs or nothing started; 0 when all ends were expected, else 1", () => {
    const p = (state: ProcessEndView["state"], code = 0, started = true): ProcessEndView => ({
      state,
      startedAt: started ? 1 : null,
      exit: started ? { code, signal: null } : null,
      exitcodes: [0, 2],
    });
    expect(allExitedCode([])).toBeNull();
    expect(allExitedCode([p("STOPPED", 0, false)])).toBeNull();
    expect(allExitedCode([p("EXITED"), p("RUNNING")])).toBeNull();
    expect(allExitedCode([p("EXITED"), p("BACKOFF")])).toBeNull();
    expect(allExitedCode([p("EXITED"), p("EXITED", 2), p("STOPPED", 0, false)])).toBe(CONTAINER_EXIT.OK);
    expect(allExitedCode([p("EXITED"), p("EXITED", 1)])).toBe(CONTAINER_EXIT.ALL_EXITED_WITH_FAILURES);
    expect(allExitedCode([p("EXITED"), p("FATAL")])).toBe(CONTAINER_EXIT.ALL_EXITED_WITH_FAILURES);
    expect(allExitedCode([{ state: "EXITED", startedAt: 1, exit: { code: null, signal: "SIGKILL" }, exitcodes: [0] }])).toBe(
      CONTAINER_EXIT.ALL_EXITED_WITH_FAILURES,
    );
  });

  it("ready means RUNNING, and the ready_check's readiness passed when there is one", () => {
    expect(processReady({ state: "RUNNING" })).toBe(true);
    expect(processReady({ state: "STARTING" })).toBe(false);
    expect(processReady({ state: "RUNNING", readiness: "none" })).toBe(true);
    expect(processReady({ state: "RUNNING", readiness: "ready" })).toBe(true);
    for (const readiness of ["pending", "checking", "failing"]) {
      expect(processReady({ state: "RUNNING", readiness })).toBe(false);
    }
    expect(processReady({ state: "STOPPED", readiness: "ready" })).toBe(false);
  });
});

describe("stop deadline budget", () => {
  it("the reserve is 10% of the deadline, between 250 ms and 2 s", () => {
    expect(reserveMs(3_000)).toBe(300);
    expect(reserveMs(1_000)).toBe(250);
    expect(reserveMs(25_000)).toBe(2_000);
    expect(reserveMs(60_000)).toBe(2_000);
  });
  it("a group's share is proportional to its longest stopwaitsecs among the groups still to stop", () => {
    expect(groupShareMs(12_000, [10, 10, 10])).toBe(4_000);
    expect(groupShareMs(12_000, [30, 10, 20])).toBe(6_000);
    expect(groupShareMs(12_000, [1, 0, 2])).toBe(4_000);
    expect(groupShareMs(12_000, [10])).toBe(12_000);
    expect(groupShareMs(12_000, [0, 0])).toBe(12_000);
    expect(groupShareMs(-5, [10])).toBe(0);
  });
});

describe("Supervisor.shutdown with a deadline (real children)", () => {
  const h = new Harness();
  afterEach(() => h.cleanup());

  it("a program ignoring its stop signal is SIGKILLed before the deadline, logged by name and pid; the others stop normally", async () => {
    const { sup, rec, logger, port } = h.make([
      program("stubborn", "/bin/sh -c 'trap \"\" TERM; echo trapped; while :; do sleep 1; done'", { startsecs: 0, stopwaitsecs: 120, priority: 10 }),
      group("web", [proc("web", "/bin/sleep 1000", { startsecs: 0, priority: 20 })], 20),
    ]);
    sup.start();
    const stubborn = (await rec.waitFor(isState("stubborn", "RUNNING"))) as ProcessStateEvent;
    // Only once its trap is set does it ignore SIGTERM.
    await port.sink("stubborn").until((s) => s.stdoutText.includes("trapped"), "stubborn's trap", 10_000);
    const web = (await rec.waitFor(isState("web", "RUNNING"))) as ProcessStateEvent;
    await sup.shutdown({ deadlineAt: performance.now() + 1_500 });
    expect(isGone(stubborn.pid as number)).toBe(true);
    expect(isGone(web.pid as number)).toBe(true);
    expect(logger.lines).toContainEqual(
      expect.stringMatching(new RegExp(`^WARN stop deadline: killed stubborn \\(pid ${String(stubborn.pid)}\\) with SIGKILL`)),
    );
    expect(logger.lines.filter((l) => l.includes("stop deadline: killed web"))).toEqual([]);
    expect(rec.statesOf("stubborn").slice(-2)).toEqual(["STOPPING", "STOPPED"]);
  });

  it("a group's share ends it before the next group's turn, which still gets its stop signal and its own time", async () => {
    const { sup, rec, logger, port } = h.make([
      // Stopped first (higher priority number), ignores SIGTERM: killed when its share is used up.
      program("stubborn", "/bin/sh -c 'trap \"\" TERM; echo trapped; while :; do sleep 1; done'", { startsecs: 0, stopwaitsecs: 60, priority: 20 }),
      // Stopped second, with the same weight: it gets the rest of the time and stops on SIGTERM as usual.
      program("polite", "/bin/sleep 1000", { startsecs: 0, stopwaitsecs: 60, priority: 10 }),
    ]);
    sup.start();
    const stubborn = (await rec.waitFor(isState("stubborn", "RUNNING"))) as ProcessStateEvent;
    // Only once its trap is set does it ignore SIGTERM.
    await port.sink("stubborn").until((s) => s.stdoutText.includes("trapped"), "stubborn's trap", 10_000);
    await rec.waitFor(isState("polite", "RUNNING"));
    await sup.shutdown({ deadlineAt: performance.now() + 4_000 });
    expect(logger.lines).toContain(
      `WARN stop deadline: killed stubborn (pid ${String(stubborn.pid)}) with SIGKILL: its share of the stop deadline is used up`,
    );
    expect(logger.lines).toContain("WARN stopped: polite (terminated by SIGTERM)");
    expect(sup.stopDeadlineKills).toEqual([`stubborn (pid ${String(stubborn.pid)})`]);
  });
});
