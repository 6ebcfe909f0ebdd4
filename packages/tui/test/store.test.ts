import { describe, expect, it } from "vitest";
import { initialState } from "../src/reducer.js";
import { TopStore } from "../src/store.js";
import { proc, snapshot } from "./helpers/fake-source.js";

function makeStore() {
  return new TopStore(initialState({ viewport: { columns: 100, rows: 30 }, now: 0 }), { minIntervalMs: 20 });
}

describe("store: coalesced publishing", () => {
  it("publishes a burst of daemon events as one leading and one trailing update", async () => {
    const store = makeStore();
    let publishes = 0;
    const trailing = new Promise<void>((resolve) =>
      store.subscribe(() => {
        publishes++;
        if (publishes === 2) resolve();
      }),
    );
    store.dispatch({ type: "watch", event: snapshot([proc("a", "a")]), at: 0 });
    for (let i = 0; i < 1_000; i++) {
      store.dispatch({ type: "watch", event: { kind: "process", info: proc("a", "a", { pid: 1000 + i }) }, at: i });
    }
    expect(publishes).toBe(1);
    expect(store.getSnapshot().processes.get("a:a")?.pid).toBe(100);
    expect(store.getState().processes.get("a:a")?.pid).toBe(1999);
    await trailing;
    expect(store.getSnapshot().processes.get("a:a")?.pid).toBe(1999);
    expect(publishes).toBe(2);
    store.dispose();
  });

  it("publishes the user's own actions at once, carrying pending data with them", () => {
    const store = makeStore();
    let publishes = 0;
    store.subscribe(() => publishes++);
    store.dispatch({ type: "watch", event: snapshot([proc("a", "a"), proc("b", "b")]), at: 0 });
    store.dispatch({ type: "watch", event: { kind: "process", info: proc("b", "b", { state: "FATAL" }) }, at: 1 });
    store.dispatch({ type: "move", delta: 1 });
    expect(publishes).toBe(2);
    expect(store.getSnapshot().processes.get("b:b")?.state).toBe("FATAL");
    expect(store.getSnapshot().selectedId).toBe("b:b");
    store.dispose();
  });

  it("does not publish an action that changes nothing", () => {
    const store = makeStore();
    let publishes = 0;
    store.subscribe(() => publishes++);
    store.dispatch({ type: "closeModal" });
    expect(publishes).toBe(0);
    store.dispose();
  });
});
