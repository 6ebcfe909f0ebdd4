import { describe, expect, it } from "vitest";
import { TopController } from "../src/controller.js";
import { initialState } from "../src/reducer.js";
import { TopStore } from "../src/store.js";
import { FakeSource, proc, snapshot, until } from "./helpers/fake-source.js";

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
    await until(() => store.getState().status?.text === "restarted api:api", "the status");
  });

  it("an error from the daemon lands in the status line, never as an exception", async () => {
    const { source, store, controller } = setup();
    source.failures.set("api:api", "ALREADY_STARTED: api:api");
    controller.handleKey("s", {});
    await until(() => store.getState().status?.level === "error", "the error");
    expect(store.getState().status?.text).toBe("start failed: api:api: ALREADY_STARTED: api:api");
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
    await until(() => store.getState().status?.text === "restarted group web", "the status");
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
    await until(() => store.getState().status?.text === "stopped 2 processes", "the status");
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
});
