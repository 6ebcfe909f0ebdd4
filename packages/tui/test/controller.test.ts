import { describe, expect, it } from "vitest";
import { SupervisorError } from "@tsupervisord/errors";
import { TopController } from "../src/controller.js";
import { OpFailure } from "../src/model.js";
import { initialState } from "../src/reducer.js";
import { TopStore } from "../src/store.js";
import { FakeSource, proc, snapshot, untilState } from "./helpers/fake-source.js";

function setup() {
  const source = new FakeSource();
  const store = new TopStore(initialState({ viewport: { columns: 100, rows: 30 }, now: 0 }), { minIntervalMs: 0 });
  store.dispatch({
    type: "watch",
    event: snapshot([proc("api", "api"), proc("web", "w1"), proc("web", "w2")]),
    at: 0,
  });
  return { source, store, controller: new TopController(store, source) };
}

describe("controller: keys to daemon calls", () => {
  it("r restarts the selected process and reports success in the status line", async () => {
    const { source, store, controller } = setup();
    controller.handleKey("r", {});
    expect(source.calls).toEqual([{ verb: "restart", target: "api:api" }]);
    await untilState(store, (s) => s.status?.text === "restarted api:api", "the status");
  });

  it("a fault from the daemon lands in the status line in supervisorctl's words, never as an exception", async () => {
    const { source, store, controller } = setup();
    source.failures.set("api:api", new SupervisorError("SPAWN_ERROR", "api:api"));
    controller.handleKey("s", {});
    await untilState(store, (s) => s.status?.level === "error", "the error");
    // supervisorctl start: `api:api: ERROR (spawn error)`, not the raw fault string `SPAWN_ERROR: api:api`.
    expect(store.getState().status?.text).toBe("api:api: ERROR (spawn error)");
    source.failures.set("api:api", new SupervisorError("NOT_RUNNING", "api:api"));
    controller.handleKey("x", {});
    await untilState(store, (s) => s.status?.text === "api:api: ERROR (not running)", "stop's words");
    // restart fails in its start half: start's words.
    source.failures.set("api:api", new SupervisorError("ABNORMAL_TERMINATION", "api:api"));
    controller.handleKey("r", {});
    await untilState(store, (s) => s.status?.text === "api:api: ERROR (abnormal termination)", "restart's words");
  });

  it("a group op reports each failed process's line; a lost connection reads as an ERROR too", async () => {
    const { source, store, controller } = setup();
    source.failures.set("api:api", new OpFailure(["web:w1: ERROR (spawn error)", "web:w2: ERROR (spawn error)"]));
    controller.handleKey("s", {});
    await untilState(store, (s) => s.status?.text === "web:w1: ERROR (spawn error) (+1 more)", "the group's lines");
    source.failures.set("api:api", "No connection established");
    controller.handleKey("s", {});
    await untilState(store, (s) => s.status?.text === "api:api: ERROR (No connection established)", "the transport error");
  });

  it("R asks first, n cancels, and R then y restarts the whole group", async () => {
    const { source, store, controller } = setup();
    controller.handleKey("j", {});
    controller.handleKey("R", {});
    expect(store.getState().modal).toMatchObject({ kind: "confirm", prompt: "Restart group web?" });
    controller.handleKey("n", {});
    expect(store.getState().modal).toBeNull();
    expect(source.calls).toEqual([]);
    controller.handleKey("R", {});
    controller.handleKey("y", {});
    expect(source.calls).toEqual([{ verb: "restart", target: "web:*" }]);
    await untilState(store, (s) => s.status?.text === "restarted group web", "the status");
  });

  it("space marks several processes; x asks, then stops each and clears the marks", async () => {
    const { source, store, controller } = setup();
    controller.handleKey(" ", {}); // api, selection moves to the web header
    controller.handleKey("j", {});
    controller.handleKey(" ", {}); // w1
    controller.handleKey("x", {});
    expect(store.getState().modal).toMatchObject({ prompt: "Stop 2 processes?" });
    controller.handleKey("", { return: true });
    expect(source.calls).toEqual([
      { verb: "stop", target: "api:api" },
      { verb: "stop", target: "web:w1" },
    ]);
    expect(store.getState().marked.size).toBe(0);
    await untilState(store, (s) => s.status?.text === "stopped 2 processes", "the status");
  });

  it("splits keys that arrive in one chunk, each in the mode the previous one left", () => {
    const { store, controller } = setup();
    controller.handleKey("/w1", {});
    expect(store.getState().filterDraft).toBe("w1");
    controller.handleKey("", { return: true });
    controller.handleKey("oo", {});
    expect(store.getState()).toMatchObject({ filter: "w1", sort: { key: "cpu" } });
  });

  it("K then 9 (SIGCONT) signals the selected process", () => {
    const { source, controller } = setup();
    controller.handleKey("K", {});
    controller.handleKey("9", {});
    expect(source.calls).toEqual([{ verb: "signal", target: "api:api", signal: "CONT" }]);
  });

  it("c on a group header clears each member's logs (there is no group form)", () => {
    const { source, controller } = setup();
    controller.handleKey("j", {});
    controller.handleKey("c", {});
    controller.handleKey("y", {});
    expect(source.calls).toEqual([
      { verb: "clearLogs", target: "web:w1" },
      { verb: "clearLogs", target: "web:w2" },
    ]);
  });

  it("handles every key of a chunk, control characters included (Enter, Backspace, Ctrl-C)", () => {
    const { source, store, controller } = setup();
    // "j" then "r" as one chunk: the selection moves to the web group's header, and r on it asks first.
    controller.handleKey("jr", {});
    expect(source.calls).toEqual([]);
    expect(store.getState().modal).toMatchObject({ kind: "confirm" });
    // "n" closes that; then "jr" again: the next row is web:w1, restarted at once.
    controller.handleKey("njr", {});
    expect(source.calls).toEqual([{ verb: "restart", target: "web:w1" }]);
    // Enter inside a chunk opens the log pane; a filter typed with its Enter is applied.
    controller.handleKey("k\r", {});
    expect(store.getState().logPane.open).toBe(true);
    controller.handleKey("/w2x\x7f\r", {});
    expect(store.getState()).toMatchObject({ filter: "w2", filterDraft: null });
    controller.handleKey("j\x03", {});
    expect(store.getState().quitting).toBe(true);
  });
});
