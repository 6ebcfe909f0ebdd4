import { describe, expect, it } from "vitest";
import { runWatch } from "../src/connect.js";
import { initialState } from "../src/reducer.js";
import { TopStore } from "../src/store.js";
import { FakeSource, proc, snapshot, untilState } from "./helpers/fake-source.js";

describe("watch loop: snapshot, live events, reconnect with backoff", () => {
  it("connects on the snapshot, applies events, shows disconnected when the stream fails, and reconnects", async () => {
    const source = new FakeSource();
    const store = new TopStore(initialState({ viewport: { columns: 100, rows: 30 }, now: 0 }), { minIntervalMs: 0 });
    const abort = new AbortController();
    const done = runWatch(source, store, abort.signal, { initialDelayMs: 1, maxDelayMs: 4 });
    expect(store.getState().connection.status).toBe("connecting");

    const first = await source.nthWatch(1);
    first.push(snapshot([proc("a", "a")]));
    first.push({ kind: "process", info: proc("a", "a", { state: "STOPPED", pid: 0 }) });
    await untilState(store, (s) => s.processes.get("a:a")?.state === "STOPPED", "the event");
    expect(store.getState().connection).toMatchObject({ status: "connected", epoch: 1 });

    first.fail(new Error("daemon went away"));
    await untilState(store, (s) => s.connection.status !== "connected", "disconnect");
    expect(store.getState().connection).toMatchObject({ error: "daemon went away" });
    // The table keeps the last known world while disconnected.
    expect(store.getState().processes.size).toBe(1);

    const second = await source.nthWatch(2);
    second.push(snapshot([proc("a", "a"), proc("b", "b")]));
    await untilState(store, (s) => s.connection.status === "connected", "reconnect");
    expect(store.getState().connection.epoch).toBe(2);
    expect(store.getState().processes.size).toBe(2);

    abort.abort();
    await done;
    expect(second.isEnded).toBe(true);
    store.dispose();
  });

  it("treats a stream the daemon simply ends as a disconnect too", async () => {
    const source = new FakeSource();
    const store = new TopStore(initialState({ viewport: { columns: 100, rows: 30 }, now: 0 }), { minIntervalMs: 0 });
    const abort = new AbortController();
    const done = runWatch(source, store, abort.signal, { initialDelayMs: 1 });
    const first = await source.nthWatch(1);
    first.push(snapshot([]));
    first.end();
    await source.nthWatch(2);
    abort.abort();
    await done;
    expect(source.watches).toHaveLength(2);
    store.dispose();
  });
});
