/**
 * issue 20 ("idle means idle"): Supervisor.onStartupSettled, the end of start-up's burst of work, after which the
 * daemon collects start-up's garbage (apps/daemon/src/runtime/heap-idle.ts). The watch itself on plain objects;
 * then the supervisor with real children, a config bigger than one autostart batch.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ProcessStateName } from "@tsupervisord/pycompat";
import { AUTOSTART_PER_TURN } from "../src/autostart-pacer.js";
import { StartupSettleWatch } from "../src/startup-settle.js";
import { Harness, isState, program } from "./helpers.js";

const procs = (...states: ProcessStateName[]): { state: ProcessStateName }[] => states.map((state) => ({ state }));

describe("StartupSettleWatch", () => {
  it("settles only once the pass is finished and no process is STARTING", () => {
    const order = procs("STARTING", "STARTING", "STOPPED");
    const watch = new StartupSettleWatch(order);
    let fired = 0;
    watch.onSettled(() => fired++);
    (order[0] as { state: ProcessStateName }).state = "RUNNING";
    (order[1] as { state: ProcessStateName }).state = "RUNNING";
    watch.changed();
    expect(fired).toBe(0); // the pass may still be starting processes: STOPPED ones may be next
    watch.passFinished();
    expect(fired).toBe(1);
    expect(watch.isSettled).toBe(true);
    watch.changed();
    expect(fired).toBe(1);
  });

  it("waits for the last STARTING process, whatever order they leave STARTING in", () => {
    const order = procs("STARTING", "STARTING", "STARTING");
    const watch = new StartupSettleWatch(order);
    let fired = 0;
    watch.onSettled(() => fired++);
    watch.passFinished();
    for (const i of [2, 0]) {
      (order[i] as { state: ProcessStateName }).state = "RUNNING";
      watch.changed();
      expect(fired).toBe(0);
    }
    (order[1] as { state: ProcessStateName }).state = "FATAL";
    watch.changed();
    expect(fired).toBe(1);
  });

  it("a process behind the cursor that went back to STARTING (a retry) is waited for", () => {
    const order = procs("STARTING", "STARTING");
    const watch = new StartupSettleWatch(order);
    let fired = 0;
    watch.onSettled(() => fired++);
    watch.passFinished();
    (order[0] as { state: ProcessStateName }).state = "BACKOFF";
    watch.changed(); // the cursor moves past 0 and stops at 1
    (order[0] as { state: ProcessStateName }).state = "STARTING";
    (order[1] as { state: ProcessStateName }).state = "RUNNING";
    watch.changed(); // the cursor reaches the end; the full pass finds 0 STARTING again
    expect(fired).toBe(0);
    (order[0] as { state: ProcessStateName }).state = "RUNNING";
    watch.changed();
    expect(fired).toBe(1);
  });

  it("no autostart processes: settled when the pass finishes; a late callback runs at once", () => {
    const watch = new StartupSettleWatch(procs("STOPPED"));
    watch.passFinished();
    let fired = 0;
    watch.onSettled(() => fired++);
    expect(fired).toBe(1);
  });
});

const h = new Harness();
afterEach(() => h.cleanup());

describe("Supervisor.onStartupSettled (real children)", () => {
  it("runs once, after every autostart process of a multi-batch start left STARTING, failures included", async () => {
    const n = 2 * AUTOSTART_PER_TURN + 3;
    const names = Array.from({ length: n }, (_, i) => `p${String(i).padStart(2, "0")}`);
    const programs = names.map((name) => program(name, "/bin/sleep 1000", { startsecs: 1 }));
    // One that never makes it: exits at once, no retries (BACKOFF, then FATAL); one not autostarted.
    programs.push(program("broken", "/bin/false", { startsecs: 1, startretries: 0 }));
    programs.push(program("manual", "/bin/sleep 1000", { autostart: false }));
    const { sup, rec } = h.make(programs);
    sup.start();
    const statesAtSettle: string[][] = [];
    sup.onStartupSettled(() => statesAtSettle.push(sup.getAllProcessInfo().map((p) => `${p.name}:${p.state}`)));
    expect(statesAtSettle).toHaveLength(0); // startsecs=1: everything is STARTING for a second
    await rec.waitFor(isState(names[n - 1] as string, "RUNNING"));
    await rec.waitFor(isState("broken", "FATAL"));
    expect(statesAtSettle).toHaveLength(1);
    const seen = statesAtSettle[0] as string[];
    expect(seen.filter((s) => s.endsWith(":STARTING"))).toEqual([]);
    expect(seen.filter((s) => s.endsWith(":RUNNING"))).toHaveLength(n);
    expect(seen).toContain("manual:STOPPED");
    let late = 0;
    sup.onStartupSettled(() => late++);
    expect(late).toBe(1);
  });
});
