/** Real children through the whole engine: spawn, crash loops, stopping, groups, priorities, many processes. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { ProcessStateEvent } from "../src/events.js";
import type { ProcessView } from "../src/types.js";
import { Harness, group, isGone, isState, proc, program, until } from "./helpers.js";

const h = new Harness();
afterEach(() => h.cleanup());

const tmp = mkdtempSync(join(tmpdir(), "engine-life-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("lifecycle with real processes", () => {
  it("LIF-02/T5/T8: a crash loop goes BACKOFF -> FATAL after startretries+1 attempts", async () => {
    const { sup, rec, logger } = h.make([program("crash", "/bin/sh -c 'exit 1'", { startretries: 2 })]);
    sup.start();
    await rec.waitFor(isState("crash", "FATAL"));
    const states = rec.events
      .filter((e): e is ProcessStateEvent => e.name.startsWith("PROCESS_STATE_"))
      .map((e) => e.payload);
    expect(states).toEqual([
      "processname:crash groupname:crash from_state:STOPPED tries:0",
      "processname:crash groupname:crash from_state:STARTING tries:1",
      "processname:crash groupname:crash from_state:BACKOFF tries:1",
      "processname:crash groupname:crash from_state:STARTING tries:2",
      "processname:crash groupname:crash from_state:BACKOFF tries:2",
      "processname:crash groupname:crash from_state:STARTING tries:3",
      "processname:crash groupname:crash from_state:BACKOFF",
    ]);
    expect(logger.lines.filter((l) => l.startsWith("INFO spawned: 'crash' with pid "))).toHaveLength(3);
    expect(logger.lines.filter((l) => l === "WARN exited: crash (exit status 1; not expected)")).toHaveLength(3);
    expect(logger.lines).toContain("INFO gave up: crash entered FATAL state, too many start retries too quickly");
    const info = sup.getProcessInfo("crash");
    expect(info.state).toBe("FATAL");
    expect(info.description).toBe("Exited too quickly (process log may have details)");
    expect(info.pid).toBeNull();
  });

  it("T6: startsecs elapsed -> RUNNING with the success line; SPN-08 spawned line names the pid", async () => {
    const { sup, rec, logger } = h.make([program("web", "/bin/sleep 1000", { startsecs: 1 })]);
    sup.start();
    const running = (await rec.waitFor(isState("web", "RUNNING"))) as ProcessStateEvent;
    expect(running.payload).toBe(`processname:web groupname:web from_state:STARTING pid:${running.pid}`);
    expect(logger.lines).toContain(`INFO spawned: 'web' with pid ${running.pid}`);
    expect(logger.lines).toContain(
      "INFO success: web entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
    );
    const info = sup.getProcessInfo("web");
    expect(info.description).toMatch(new RegExp(`^pid ${running.pid}, uptime 0:00:0[0-9]$`));
    expect(info.rssBytes).toBeGreaterThan(0);
    expect(info.cpuPercent).not.toBeNull();
  });

  it("T14/STP-03: a child ignoring SIGTERM is killed with SIGKILL after stopwaitsecs", async () => {
    const { sup, rec, logger, port } = h.make([
      program("stubborn", "/bin/sh -c \"trap '' TERM; echo ready; exec sleep 1000\"", { startsecs: 0, stopwaitsecs: 1 }),
    ]);
    sup.start();
    const running = (await rec.waitFor(isState("stubborn", "RUNNING"))) as ProcessStateEvent;
    await port.sink("stubborn").until((s) => s.stdoutText === "ready\n", "the trap to be set", 10_000);
    await expect(sup.stopProcess("stubborn")).resolves.toBeUndefined();
    expect(logger.lines).toContain(`WARN killing 'stubborn' (${running.pid}) with SIGKILL`);
    expect(logger.lines).toContain("WARN stopped: stubborn (terminated by SIGKILL)");
    expect(logger.lines).toContain("INFO waiting for stubborn to stop");
    expect(sup.getProcessInfo("stubborn").exit).toEqual({ code: null, signal: "SIGKILL" });
    expect(isGone(running.pid as number)).toBe(true);
  });

  it("STP-03: stopasgroup signals the whole process group, so grandchildren are gone too", async () => {
    const { sup, rec, port } = h.make([
      program("tree", "/bin/sh -c 'sleep 1000 & echo $!; sleep 1000 & echo $!; wait'", {
        startsecs: 0,
        stopasgroup: true,
        killasgroup: true,
      }),
    ]);
    sup.start();
    const running = (await rec.waitFor(isState("tree", "RUNNING"))) as ProcessStateEvent;
    const sink = port.sink("tree");
    await sink.until((s) => s.stdoutText.split("\n").filter(Boolean).length === 2, "grandchild pids", 10_000);
    const grandchildren = sink.stdoutText.split("\n").filter(Boolean).map(Number);
    expect(grandchildren.every((pid) => !isGone(pid))).toBe(true);
    await sup.stopProcess("tree");
    await until(() => grandchildren.every(isGone), 10_000, "grandchildren to die");
    expect(isGone(running.pid as number)).toBe(true);
  });

  it("STP-03: without stopasgroup only the child is signalled and grandchildren survive (as in supervisord)", async () => {
    const { sup, rec, port } = h.make([
      // kill_descendants = false: supervisord's behaviour exactly. By default (issue 17, a deliberate difference
      // tested in governance.test.ts) the grandchild would get the stopsignal once the child has exited.
      program("tree2", "/bin/sh -c 'sleep 1000 & echo $!; wait'", { startsecs: 0, limits: { rlimits: {}, killDescendants: false } }),
    ]);
    sup.start();
    const running = (await rec.waitFor(isState("tree2", "RUNNING"))) as ProcessStateEvent;
    const sink = port.sink("tree2");
    await sink.until((s) => s.stdoutText.trim() !== "", "grandchild pid", 10_000);
    const grandchild = Number(sink.stdoutText.trim());
    try {
      await sup.stopProcess("tree2");
      expect(isGone(running.pid as number)).toBe(true);
      expect(isGone(grandchild)).toBe(false);
    } finally {
      process.kill(grandchild, "SIGKILL");
    }
  });

  it("D-SHT-01 (deliberate difference): daemon shutdown ends grandchildren left in a stopped program's process group", async () => {
    const { sup, rec, port, logger } = h.make([
      program("orphaner", "/bin/sh -c 'trap \"exit 0\" TERM; sleep 1000 & echo $!; wait'", { startsecs: 0 }),
    ]);
    sup.start();
    const running = (await rec.waitFor(isState("orphaner", "RUNNING"))) as ProcessStateEvent;
    const sink = port.sink("orphaner");
    await sink.until((s) => s.stdoutText.trim() !== "", "grandchild pid", 10_000);
    const grandchild = Number(sink.stdoutText.trim());
    try {
      await sup.shutdown();
      expect(isGone(running.pid as number)).toBe(true);
      await until(() => isGone(grandchild), 10_000, "the leftover grandchild to be ended");
      expect(logger.lines).toContain("INFO ended leftover processes in 1 process group(s)");
    } finally {
      if (!isGone(grandchild)) process.kill(grandchild, "SIGKILL");
    }
  });

  it("LIF-04/T3: autorestart=unexpected restarts on an unexpected code and stops on one in exitcodes", async () => {
    const dir = mkdtempSync(join(tmp, "restart-"));
    const { sup, rec, logger } = h.make([
      program("flaky", "/bin/sh -c 'if [ -e marker ]; then exit 3; fi; touch marker; exit 4'", {
        startsecs: 0,
        exitcodes: [0, 3],
        directory: dir,
      }),
    ]);
    sup.start();
    await rec.waitFor((e) => isState("flaky", "EXITED")(e) && (e as ProcessStateEvent).expected === true);
    expect(rec.statesOf("flaky")).toEqual(["STARTING", "RUNNING", "EXITED", "STARTING", "RUNNING", "EXITED"]);
    expect(sup.getProcessInfo("flaky").state).toBe("EXITED");
    expect(logger.lines).toContain("WARN exited: flaky (exit status 4; not expected)");
    expect(logger.lines).toContain("INFO exited: flaky (exit status 3; expected)");
    const exits = rec.events.filter(isState("flaky", "EXITED")) as ProcessStateEvent[];
    expect(exits.map((e) => e.expected)).toEqual([false, true]);
  });

  it("ORD-03/ORD-04: start in ascending priority; shutdown stops groups one at a time from the highest number", async () => {
    const sleeper = (name: string, priority: number) =>
      group(name, [proc(name, "/bin/sleep 1000", { startsecs: 0, priority })], priority);
    const { sup, rec, logger } = h.make([sleeper("c", 300), sleeper("a", 100), sleeper("b", 200)]);
    sup.start();
    await rec.waitForCount((e) => e.name === "PROCESS_STATE_RUNNING", 3);
    const starting = rec.events.filter((e) => e.name === "PROCESS_STATE_STARTING") as ProcessStateEvent[];
    expect(starting.map((e) => e.processName)).toEqual(["a", "b", "c"]);
    const added = rec.events.filter((e) => e.name === "PROCESS_GROUP_ADDED").map((e) => e.payload);
    expect(added).toEqual(["groupname:c\n", "groupname:a\n", "groupname:b\n"]);
    const runningIdx = rec.events.findIndex((e) => e.name === "SUPERVISOR_STATE_CHANGE_RUNNING");
    expect(runningIdx).toBe(3);

    const from = rec.events.length;
    await sup.shutdown();
    const tail = rec.events.slice(from).map((e) => ("processName" in e ? `${e.name.slice(14)}:${e.processName}` : e.name));
    expect(tail).toEqual([
      "SUPERVISOR_STATE_CHANGE_STOPPING",
      "STOPPING:c",
      "STOPPED:c",
      "STOPPING:b",
      "STOPPED:b",
      "STOPPING:a",
      "STOPPED:a",
    ]);
    // Listed in group activation order (supervisord's dict order); this test activated c, a, b.
    expect(logger.lines).toContain("INFO waiting for c, a, b to die");
    expect(sup.state).toBe("SHUTDOWN");
  });

  it("500 children started and stopped leave no pid behind", async () => {
    const procs = Array.from({ length: 500 }, (_, i) =>
      proc(`w_${String(i).padStart(3, "0")}`, "/bin/sleep 1000", { startsecs: 0 }),
    );
    const { sup, rec, port } = h.make([group("many", procs)]);
    sup.start();
    const running = (await rec.waitForCount((e) => e.name === "PROCESS_STATE_RUNNING", 500, 50_000)) as ProcessStateEvent[];
    const pids = running.map((e) => e.pid as number);
    expect(new Set(pids).size).toBe(500);
    expect(pids.every((pid) => !isGone(pid))).toBe(true);
    await sup.shutdown();
    expect(rec.events.filter((e) => e.name === "PROCESS_STATE_STOPPED")).toHaveLength(500);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect([...port.sinks.values()].every((s) => s.closed)).toBe(true);
  }, 60_000);

  it("T9: shutdown turns BACKOFF into FATAL and emits no further spawns (LIF-06)", async () => {
    const { sup, rec } = h.make([program("loop", "/bin/sh -c 'exit 1'", { startretries: 5 })]);
    sup.start();
    await rec.waitFor(isState("loop", "BACKOFF"));
    await sup.shutdown();
    expect(rec.statesOf("loop")).toEqual(["STARTING", "BACKOFF", "FATAL"]);
  });
});

describe("the view lifecycle hooks get (issue 20: one prototype, no per-process getters)", () => {
  it("reads the live name, group, config, state and pid; the same object from creation to disposal", async () => {
    const seen: Array<[ProcessView, string, string, string, number, string]> = [];
    const note = (kind: string) => (v: ProcessView) => seen.push([v, kind, v.name, v.group, v.pid, v.state]);
    const { sup, rec } = h.make([program("viewed", "/bin/sleep 30", { startsecs: 0 })], {
      hooks: [{ processCreated: note("created"), processSettled: note("settled"), processDisposed: note("disposed") }],
    });
    sup.start();
    await rec.waitFor(isState("viewed", "RUNNING"));
    const pid = sup.getProcessInfo("viewed").pid;
    await sup.shutdown();
    const views = new Set(seen.map((s) => s[0]));
    expect(views.size).toBe(1);
    const view = [...views][0]!;
    expect(view.config.command).toBe("/bin/sleep 30");
    expect(seen[0]!.slice(1)).toEqual(["created", "viewed", "viewed", 0, "STOPPED"]);
    expect(seen.some((s) => s[1] === "settled" && s[4] === pid && s[5] === "RUNNING")).toBe(true);
    expect(seen.at(-1)![1]).toBe("disposed");
    expect(Object.keys(view)).not.toContain("name"); // getters live on the prototype
    expect([view.name, view.group, view.state, view.pid]).toEqual(["viewed", "viewed", "STOPPED", 0]);
  });
});
