import { describe, expect, it } from "vitest";
import { initialState } from "../src/reducer.js";
import { TopStore } from "../src/store.js";
import { proc, snapshot, untilState } from "./helpers/fake-source.js";

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

  it("holds a change made only of CPU/RSS samples for statsIntervalMs; other changes carry it along at once", async () => {
    let clock = 0;
    const store = new TopStore(initialState({ viewport: { columns: 100, rows: 30 }, now: 0 }), {
      minIntervalMs: 0,
      statsIntervalMs: 60_000,
      now: () => clock,
    });
    let publishes = 0;
    store.subscribe(() => publishes++);
    store.dispatch({ type: "watch", event: snapshot([proc("a", "a", { cpuPercent: 0, rssBytes: 1 << 20 })]), at: 0 });
    expect(publishes).toBe(1);
    clock = 10;
    const sample = (cpuPercent: number): void =>
      store.dispatch({ type: "watch", event: { kind: "stats", stats: [{ key: "a:a", cpuPercent, rssBytes: 1 << 20 }] }, at: clock });
    sample(0.6);
    sample(1.2);
    // Held: the published view still has the old figure; the latest state has the new one.
    expect(publishes).toBe(1);
    expect(store.getSnapshot().processes.get("a:a")?.cpuPercent).toBe(0);
    expect(store.getState().processes.get("a:a")?.cpuPercent).toBe(1.2);
    // A sample that changes no figure on screen changes no state at all.
    const before = store.getState();
    store.dispatch({ type: "watch", event: { kind: "stats", stats: [{ key: "a:a", cpuPercent: 1.24, rssBytes: (1 << 20) + 10 }] }, at: clock });
    expect(store.getState()).toBe(before);
    // A state change is published at once, with the held samples.
    store.dispatch({ type: "watch", event: { kind: "process", info: proc("a", "a", { state: "STOPPING" }) }, at: clock });
    await untilState(store, () => publishes === 2, "the state change");
    expect(store.getSnapshot().processes.get("a:a")).toMatchObject({ state: "STOPPING", cpuPercent: 1.2 });
    store.dispose();
  });

  it("publishes held samples once statsIntervalMs has passed since the last publish", async () => {
    const store = new TopStore(initialState({ viewport: { columns: 100, rows: 30 }, now: 0 }), {
      minIntervalMs: 0,
      statsIntervalMs: 30,
    });
    let publishes = 0;
    store.subscribe(() => publishes++);
    store.dispatch({ type: "watch", event: snapshot([proc("a", "a", { cpuPercent: 0, rssBytes: 1 << 20 })]), at: 0 });
    store.dispatch({ type: "watch", event: { kind: "stats", stats: [{ key: "a:a", cpuPercent: 50, rssBytes: 1 << 20 }] }, at: 0 });
    expect(publishes).toBe(1);
    await untilState(store, () => publishes === 2, "the held sample");
    expect(store.getSnapshot().processes.get("a:a")?.cpuPercent).toBe(50);
    store.dispose();
  });

  it("a small move of a figure (0.0 → 0.6 % CPU, RSS +1 %) causes no repaint, but shows with the next one", async () => {
    const store = new TopStore(initialState({ viewport: { columns: 100, rows: 30 }, now: 0 }), {
      minIntervalMs: 0,
      statsIntervalMs: 10,
    });
    let publishes = 0;
    store.subscribe(() => publishes++);
    store.dispatch({ type: "watch", event: snapshot([proc("a", "a", { cpuPercent: 0, rssBytes: 100 << 20 })]), at: 0 });
    store.dispatch({ type: "watch", event: { kind: "stats", stats: [{ key: "a:a", cpuPercent: 0.6, rssBytes: 101 << 20 }] }, at: 0 });
    expect(store.getState().processes.get("a:a")?.cpuPercent).toBe(0.6);
    // Well past statsIntervalMs: still nothing published for it.
    await new Promise((r) => setTimeout(r, 50));
    expect(publishes).toBe(1);
    // Small moves that add up are a big one: 0.0 shown, now 1.1.
    store.dispatch({ type: "watch", event: { kind: "stats", stats: [{ key: "a:a", cpuPercent: 1.1, rssBytes: 101 << 20 }] }, at: 0 });
    await untilState(store, () => publishes === 2, "the accumulated move");
    expect(store.getSnapshot().processes.get("a:a")).toMatchObject({ cpuPercent: 1.1, rssBytes: 101 << 20 });
    store.dispose();
  });
});
