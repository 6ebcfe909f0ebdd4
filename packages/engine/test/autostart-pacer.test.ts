/**
 * issue 20: autostart in turns of the event loop (real children). A big config starts one batch in start() and
 * the rest on later turns, in the same order, so the daemon's API is answered in between; a small config is
 * started in the one step, as supervisord does.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AUTOSTART_PER_TURN } from "../src/autostart-pacer.js";
import { Harness, isState, program } from "./helpers.js";

const h = new Harness();
afterEach(() => h.cleanup());

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `p${String(i).padStart(2, "0")}`);
const sleepers = (n: number) => names(n).map((name) => program(name, "/bin/sleep 1000", { startsecs: 0 }));
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("autostart in turns", () => {
  it("50 programs: start() spawns one batch; other work runs while the rest are not spawned yet; all start in order", async () => {
    const { sup, rec, logger } = h.make(sleepers(50));
    const states = (): string[] => names(50).map((n) => sup.getProcessInfo(n).state);
    sup.start();
    const afterStart = states();
    expect(afterStart.filter((s) => s === "RUNNING")).toHaveLength(AUTOSTART_PER_TURN);
    expect(afterStart.slice(AUTOSTART_PER_TURN).every((s) => s === "STOPPED")).toBe(true);
    // A callback queued now runs after the next batch, before the one after it: the loop is not monopolised.
    await nextTurn();
    const seen = states();
    expect(seen.filter((s) => s === "RUNNING")).toHaveLength(2 * AUTOSTART_PER_TURN);
    expect(seen.filter((s) => s === "STOPPED")).toHaveLength(50 - 2 * AUTOSTART_PER_TURN);
    await rec.waitFor(isState("p49", "RUNNING"));
    expect(states().every((s) => s === "RUNNING")).toBe(true);
    const spawned = logger.lines.filter((l) => l.includes("spawned:")).map((l) => /'(p\d+)'/.exec(l)?.[1]);
    expect(spawned).toEqual(names(50));
  });

  it("a small config is started within start(), as supervisord's single pass does", () => {
    const { sup } = h.make(sleepers(AUTOSTART_PER_TURN));
    sup.start();
    expect(names(AUTOSTART_PER_TURN).every((n) => sup.getProcessInfo(n).state === "RUNNING")).toBe(true);
  });

  it("a shutdown during autostart leaves the programs not yet reached unspawned", async () => {
    const { sup, logger } = h.make(sleepers(50));
    sup.start();
    await sup.shutdown();
    // The remaining batches (one per turn) have all had their turn by now: each found the daemon stopping.
    for (let i = 0; i < 50 / AUTOSTART_PER_TURN; i++) await nextTurn();
    expect(logger.lines.filter((l) => l.includes("spawned:"))).toHaveLength(AUTOSTART_PER_TURN);
  });
});
