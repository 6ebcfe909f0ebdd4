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

type Proc = { state: ProcessStateName };
const procs = (...states: ProcessStateName[]): Proc[] => states.map((state) => ({ state }));
const starting = (p: Proc): boolean => p.state === "STARTING";

describe("StartupSettleWatch", () => {
  it("settles only once the pass is finished and no process is STARTING", () => {
    const order = procs("STARTING", "STARTING", "STOPPED");
    const watch = new StartupSettleWatch(order, starting);
    let fired = 0;
    watch.onSettled(() => fired++);
    (order[0] as Proc).state = "RUNNING";
    (order[1] as Proc).state = "RUNNING";
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
    const watch = new StartupSettleWatch(order, starting);
    let fired = 0;
    watch.onSettled(() => fired++);
    watch.passFinished();
    for (const i of [2, 0]) {
      (order[i] as Proc).state = "RUNNING";
      watch.changed();
      expect(fired).toBe(0);
    }
    (order[1] as Proc).state = "FATAL";
    watch.changed();
    expect(fired).toBe(1);
  });

  it("a process behind the cursor that went back to STARTING (a retry) is waited for", () => {
    const order = procs("STARTING", "STARTING");
    const watch = new StartupSettleWatch(order, starting);
    let fired = 0;
    watch.onSettled(() => fired++);
    watch.passFinished();
    (order[0] as Proc).state = "BACKOFF";
    watch.changed(); // the cursor moves past 0 and stops at 1
    (order[0] as Proc).state = "STARTING";
    (order[1] as Proc).state = "RUNNING";
    watch.changed(); // the cursor reaches the end; the full pass finds 0 STARTING again
    expect(fired).toBe(0);
    (order[0] as Proc).state = "RUNNING";
    watch.changed();
    expect(fired).toBe(1);
  });

  it("a process the busy predicate holds (a start waiting for a dependency) is waited for like a STARTING one", () => {
    const order = procs("RUNNING", "STOPPED");
    let pending = true;
    const watch = new StartupSettleWatch(order, (p) => p.state === "STARTING" || (p === order[1] && pending));
    let fired = 0;
    watch.onSettled(() => fired++);
    watch.passFinished();
    expect(fired).toBe(0);
    pending = false;
    (order[1] as Proc).state = "STARTING";
    watch.changed();
    expect(fired).toBe(0);
    (order[1] as Proc).state = "RUNNING";
    watch.changed();
    expect(fired).toBe(1);
  });

  it("abandoned (a shutdown during start-up): pending and later callbacks never run", () => {
    const order = procs("STARTING");
    const watch = new StartupSettleWatch(order, starting);
    let fired = 0;
    watch.onSettled(() => fired++);
    watch.abandon();
    (order[0] as Proc).state = "STOPPED";
    watch.passFinished();
    watch.changed();
    watch.onSettled(() => fired++);
    expect(fired).toBe(0);
  });

  it("no autostart processes: settled when the pass finishes; a late callback runs at once", () => {
    const watch = new StartupSettleWatch(procs("STOPPED"), starting);
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

  it("waits for a depends_on dependent: settled only after it started too, not when its dependency is RUNNING", async () => {
    const b = program("b", "/bin/sleep 1000", { startsecs: 1, readiness: { readyCheck: null, liveCheck: null, dependsOn: [{ program: "a", condition: "running" }] } });
    const { sup, rec } = h.make([program("a", "/bin/sleep 1000", { startsecs: 1 }), b]);
    sup.start();
    const statesAtSettle: string[][] = [];
    sup.onStartupSettled(() => statesAtSettle.push(sup.getAllProcessInfo().map((p) => `${p.name}:${p.state}`)));
    await rec.waitFor(isState("a", "RUNNING"));
    expect(statesAtSettle).toHaveLength(0); // b was released when a became RUNNING: it is STARTING now
    await rec.waitFor(isState("b", "RUNNING"));
    expect(statesAtSettle).toEqual([["a:RUNNING", "b:RUNNING"]]);
  });

  it("waits for a dependent held back until its dependency completed, while nothing is STARTING", async () => {
    // a is RUNNING at once (startsecs=0) and exits 0.3 s later; b waits for that in the depends_on coordinator.
    const a = program("a", "/bin/sleep 0.3", { startsecs: 0, autorestart: false });
    const b = program("b", "/bin/sleep 1000", { startsecs: 1, readiness: { readyCheck: null, liveCheck: null, dependsOn: [{ program: "a", condition: "completed" }] } });
    const { sup, rec } = h.make([a, b]);
    sup.start();
    const statesAtSettle: string[][] = [];
    sup.onStartupSettled(() => statesAtSettle.push(sup.getAllProcessInfo().map((p) => `${p.name}:${p.state}`)));
    expect(sup.getProcessInfo("a").state).toBe("RUNNING");
    expect(statesAtSettle).toHaveLength(0);
    await rec.waitFor(isState("b", "RUNNING"));
    expect(statesAtSettle).toEqual([["a:EXITED", "b:RUNNING"]]);
  });

  it("a shutdown during autostart: the callbacks never run", async () => {
    const n = 3 * AUTOSTART_PER_TURN;
    const programs = Array.from({ length: n }, (_, i) => program(`s${String(i).padStart(2, "0")}`, "/bin/sleep 1000", { startsecs: 1 }));
    const { sup } = h.make(programs);
    sup.start();
    let fired = 0;
    sup.onStartupSettled(() => fired++);
    await sup.shutdown();
    // Every later batch has had its turn and found the daemon stopping; the pass is over, nothing is STARTING.
    for (let i = 0; i < n / AUTOSTART_PER_TURN; i++) await new Promise((resolve) => setImmediate(resolve));
    sup.onStartupSettled(() => fired++);
    expect(fired).toBe(0);
  });
});
