/**
 * issue 20 ("idle means idle"): the full GC the daemon runs when start-up settles (src/runtime/heap-idle.ts).
 * The daemon end to end (the GC comes after the last program is RUNNING) is test/daemon/idle-heap.test.ts.
 */
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { collectGarbageNow } from "../src/runtime/heap-idle.js";

describe("collectGarbageNow", () => {
  it("collects what is unreachable, and leaves no gc() behind in this context or a new one", async () => {
    const gcBefore = typeof (globalThis as { gc?: unknown }).gc;
    let garbage: number[] | null = Array.from({ length: 10_000 }, (_, i) => i);
    const ref = new WeakRef(garbage);
    garbage = null;
    // A WeakRef's target is kept until the job that made or read it ends.
    await new Promise((resolve) => setImmediate(resolve));
    expect(collectGarbageNow()).toBe(true);
    expect(ref.deref()).toBeUndefined();
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe(gcBefore);
    // A context made after the call gets no gc either: --expose-gc is off again (unless node was started with it).
    if (gcBefore === "undefined") expect(vm.runInNewContext("typeof gc")).toBe("undefined");
  });
});
