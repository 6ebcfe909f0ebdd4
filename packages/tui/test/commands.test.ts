import { describe, expect, it } from "vitest";
import { actionTargets, decide } from "../src/commands.js";
import { initialState, reduce, type Action, type TopState } from "../src/reducer.js";
import { proc, snapshot } from "./helpers/fake-source.js";

function world(...actions: Action[]): TopState {
  const s = reduce(initialState({ viewport: { columns: 120, rows: 30 }, now: 0 }), {
    type: "watch",
    event: snapshot([proc("api", "api"), proc("web", "w1"), proc("web", "w2")]),
    at: 0,
  });
  return actions.reduce(reduce, s);
}

describe("commands: what s/x/r/R/K act on, and when to ask first", () => {
  it("acts at once on the one selected process", () => {
    expect(decide(world(), { type: "op", verb: "restart" })).toEqual({
      actions: [],
      op: { verb: "restart", targets: ["api:api"] },
    });
  });

  it("asks before stopping a whole group from its header row, but starts it without asking", () => {
    const onGroup = world({ type: "move", delta: 1 });
    expect(actionTargets(onGroup)).toEqual(["web:*"]);
    const stop = decide(onGroup, { type: "op", verb: "stop" });
    expect(stop.op).toBeNull();
    expect(stop.actions).toEqual([
      { type: "openConfirm", op: { verb: "stop", targets: ["web:*"] }, prompt: "Stop group web?" },
    ]);
    expect(decide(onGroup, { type: "op", verb: "start" }).op).toEqual({ verb: "start", targets: ["web:*"] });
  });

  it("acts on the marked processes when there are marks, asking when they are several", () => {
    const s = world({ type: "toggleMark" }, { type: "move", delta: 1 }, { type: "toggleMark" });
    expect(actionTargets(s)).toEqual(["api:api", "web:w1"]);
    const d = decide(s, { type: "op", verb: "restart" });
    expect(d.actions[0]).toMatchObject({ type: "openConfirm", prompt: "Restart 2 processes?" });
  });

  it("a marks every process shown, so x asks before stopping all of them", () => {
    const s = world({ type: "markAll" });
    expect(actionTargets(s)).toEqual(["api:api", "web:w1", "web:w2"]);
    expect(decide(s, { type: "op", verb: "stop" }).actions[0]).toMatchObject({ prompt: "Stop 3 processes?" });
    expect(world({ type: "markAll" }, { type: "markAll" }).marked.size).toBe(0);
  });

  it("R always asks, for the group of the selected row, and confirm then sends it", () => {
    const s = world({ type: "move", delta: 2 });
    const d = decide(s, { type: "restartGroup" });
    expect(d.actions[0]).toMatchObject({ type: "openConfirm", prompt: "Restart group web?" });
    const asking = d.actions.reduce(reduce, s);
    expect(decide(asking, { type: "confirm" })).toEqual({
      actions: [{ type: "closeModal" }],
      op: { verb: "restart", targets: ["web:*"] },
    });
  });

  it("K opens the signal picker; choosing sends that signal to a single process at once", () => {
    const s = world();
    const picking = decide(s, { type: "pickSignal" }).actions.reduce(reduce, s);
    expect(picking.modal).toEqual({ kind: "signal", targets: ["api:api"], index: 0 });
    const moved = reduce(picking, { type: "signalMove", delta: 4 });
    expect(decide(moved, { type: "chooseSignal" })).toEqual({
      actions: [{ type: "closeModal" }],
      op: { verb: "signal", targets: ["api:api"], signal: "KILL" },
    });
    expect(decide(picking, { type: "chooseSignal", index: 1 }).op).toMatchObject({ signal: "HUP" });
  });

  it("a signal to a group still asks after it is chosen", () => {
    const s = world({ type: "move", delta: 1 });
    const picking = decide(s, { type: "pickSignal" }).actions.reduce(reduce, s);
    const d = decide(picking, { type: "chooseSignal", index: 0 });
    expect(d.op).toBeNull();
    expect(d.actions[1]).toMatchObject({ type: "openConfirm", prompt: "Send SIGTERM to group web?" });
  });

  it("reports that nothing is selected when the table is empty", () => {
    const empty = initialState({ viewport: { columns: 80, rows: 24 }, now: 0 });
    expect(decide(empty, { type: "op", verb: "stop" }).actions[0]).toMatchObject({ type: "status", level: "error" });
  });
});
