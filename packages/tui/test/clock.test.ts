// The view's clock: uptimes are only as fine as they need to be, and the one timer is set for the moment the first
// time-dependent text on screen would change, so an idle screen needs (almost) no repaints.
import { describe, expect, it } from "vitest";
import { nextRepaintDelayMs, processUptime } from "../src/clock.js";
import { durationChangesIn, formatDuration } from "../src/format.js";
import { initialState, reduce, type ProcessRecord, type TopState } from "../src/reducer.js";
import { proc, snapshot } from "./helpers/fake-source.js";

describe("formatDuration / durationChangesIn", () => {
  it("shows seconds for 10 s, tens of seconds up to a minute, then minutes, hours+minutes, days+hours", () => {
    expect([0, 9.9, 10, 19, 20, 59.9, 60, 3599, 3600, 3661, 86_399, 86_400, 90_000].map(formatDuration)).toEqual([
      "0s", "9s", "10s", "10s", "20s", "50s", "1m", "59m", "1h00m", "1h01m", "23h59m", "1d00h", "1d01h",
    ]);
  });

  it("says exactly when the text changes, never skipping a change", () => {
    expect(durationChangesIn(3.25)).toBeCloseTo(0.75);
    expect(durationChangesIn(12)).toBe(8);
    expect(durationChangesIn(59.5)).toBeCloseTo(0.5);
    expect(durationChangesIn(61)).toBe(59);
    expect(durationChangesIn(86_400 + 10)).toBe(3590);
    for (let s = 0; s < 7300; s += 0.7) {
      const next = s + durationChangesIn(s);
      // Just before the predicted instant the text is unchanged, at it the text differs.
      expect(formatDuration(next - 0.001)).toBe(formatDuration(s));
      expect(formatDuration(next)).not.toBe(formatDuration(s));
    }
  });
});

/** A state with a daemon snapshot received at local time `at` ms; daemon clock = 1010 s then (fake-source). */
function connected(processes: Parameters<typeof snapshot>[0], at = 0): TopState {
  const state = initialState({ viewport: { columns: 120, rows: 30 }, now: at });
  return reduce(state, { type: "watch", event: snapshot(processes), at });
}

function records(state: TopState): ProcessRecord[] {
  return [...state.processes.values()];
}

describe("nextRepaintDelayMs", () => {
  it("is null when nothing on screen depends on the time", () => {
    const state = connected([proc("a", "a", { state: "STOPPED" })]);
    const noDaemonUptime = { ...state, daemon: state.daemon && { ...state.daemon, startedAt: 0 } };
    expect(nextRepaintDelayMs(noDaemonUptime, records(state), 0)).toBeNull();
  });

  it("wakes once a minute for uptimes past their first minute", () => {
    // fake-source: started at 1000, daemon clock 1010 -> 10 s; make it 2 minutes.
    const state = connected([proc("a", "a", { start: 1010 - 125 })]);
    const noDaemonUptime = { ...state, daemon: state.daemon && { ...state.daemon, startedAt: 0 } };
    expect(nextRepaintDelayMs(noDaemonUptime, records(state), 0)).toBe(55_001);
  });

  it("measures every uptime on the daemon's clock, so processes started apart still change together", () => {
    const state = connected([proc("a", "a", { start: 1005 }), proc("b", "b", { start: 1007 })], 0);
    // b's info arrived 300 ms after a's: its own `now` would put its seconds on another grid.
    const later = reduce(state, { type: "watch", event: { kind: "process", info: proc("b", "b", { start: 1007 }) }, at: 300 });
    const uptimes = records(later).map((p) => processUptime(later, p, 1_400));
    expect(uptimes).toEqual([6.4, 4.4].map((n) => expect.closeTo(n, 5)));
    expect(nextRepaintDelayMs(later, records(later), 1_400)).toBe(601);
  });

  it("ticks the reconnect countdown each second while disconnected", () => {
    const state = reduce(connected([proc("a", "a", { state: "STOPPED" })]), {
      type: "disconnected",
      error: "gone",
      retryAt: 4_250,
    });
    const noDaemonUptime = { ...state, daemon: null };
    expect(nextRepaintDelayMs(noDaemonUptime, [], 1_000)).toBe(251);
  });
});
