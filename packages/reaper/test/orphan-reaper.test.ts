import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isChildSubreaper, nativeReaper, startOrphanReaper } from "../src/index.js";
import { FIXTURE, SKIP_REASON, runFixture } from "./helpers.js";

interface Exit {
  index: number;
  code: number | null;
  signal: string | null;
  expectedCode: number | null;
  expectedSignal: string | null;
}

describe.skipIf(SKIP_REASON !== undefined)("orphan reaper (subreaper child process)", () => {
  it("RAP-01: without the reaper, orphans re-parented to a subreaper stay zombies (the problem)", async () => {
    const run = await runFixture(process.execPath, [FIXTURE, "control"]);
    expect(run.result.error, run.stderr).toBeUndefined();
    expect(run.result.zombies).toBe(3);
    expect(run.result.collected).toBe(3); // the fixture cleaned up after itself
  });

  it("RAP-01: pids that isManaged() claims are left alone", async () => {
    const run = await runFixture(process.execPath, [FIXTURE, "claimed"]);
    expect(run.result.error, run.stderr).toBeUndefined();
    expect(run.result.reaped).toEqual([]);
    expect(run.result.zombies).toBe(3);
    expect(run.result.collected).toBe(3);
  });

  it("RAP-01/RAP-03: reaps orphaned grandchildren with their wait status, leaves no zombie behind", async () => {
    const run = await runFixture(process.execPath, [FIXTURE, "reap"]);
    expect(run.result.error, JSON.stringify(run.result)).toBeUndefined();
    expect(run.code).toBe(0);
    expect(run.result.reaped).toEqual(run.result.expectedHows);
    expect(run.result.reaped).toEqual(["exit status 0", "exit status 7", "terminated by SIGTERM"]);
    expect(run.result.zombiesLeft).toEqual([]);
    expect(run.result.sigchldListeners).toBe(0); // stop() removed the listener
  });

  it("RAP-01: child_process children keep their own 'exit' events and codes while the reaper runs", async () => {
    const run = await runFixture(process.execPath, [FIXTURE, "reap"]);
    expect(run.result.error, JSON.stringify(run.result)).toBeUndefined();
    const exits = run.result.exits as Exit[];
    expect(exits).toHaveLength(15);
    for (const exit of exits) {
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: exit.expectedCode, signal: exit.expectedSignal });
    }
    expect(run.result.starterCodes).toEqual([0, 0, 0]);
  });
});

describe.skipIf(SKIP_REASON !== undefined)("orphan reaper in this process", () => {
  it("reap() returns null for a pid that is not our child, and rejects a bad pid", () => {
    const addon = nativeReaper()!;
    expect(addon.reap(1)).toBeNull();
    expect(() => addon.reap(0)).toThrow(TypeError);
    expect(() => addon.reap(-5)).toThrow(TypeError);
  });

  it("is not a subreaper unless asked to be", () => {
    expect(isChildSubreaper()).toBe(false);
  });

  it("start installs one SIGCHLD listener and stop removes it; a Node child's exit code is untouched", async () => {
    const before = process.listenerCount("SIGCHLD");
    const reaped: number[] = [];
    const reaper = startOrphanReaper({ onReaped: (pid) => reaped.push(pid) });
    try {
      expect(reaper.available).toBe(true);
      expect(process.listenerCount("SIGCHLD")).toBe(before + 1);
      const child = spawn("sh", ["-c", "exit 42"], { stdio: "ignore" });
      expect(await new Promise((resolve) => child.on("exit", resolve))).toBe(42);
      expect(reaper.sweep()).toBe(0); // nothing of ours is a zombie: we are no subreaper
      expect(reaped).toEqual([]);
    } finally {
      reaper.stop();
      reaper.stop(); // idempotent
    }
    expect(process.listenerCount("SIGCHLD")).toBe(before);
    // Dropping our SIGCHLD watcher must leave libuv's own child watcher in place.
    const after = spawn("sh", ["-c", "exit 9"], { stdio: "ignore" });
    expect(await new Promise((resolve) => after.on("exit", resolve))).toBe(9);
  });
});
