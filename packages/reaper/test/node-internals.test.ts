/**
 * The reaper leans on one private Node internal: `process._getActiveHandles` (node-children.ts, to learn the
 * children spawned before it started). This test fails loudly on a Node that drops or changes it.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("private Node internals the reaper uses", () => {
  it(`process._getActiveHandles lists a running ChildProcess (Node ${process.version})`, async () => {
    const get = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
    expect(typeof get, "process._getActiveHandles is gone: see node-children.ts").toBe("function");
    const child = spawn("/bin/sleep", ["30"], { stdio: "ignore" });
    try {
      const handles = (get as () => unknown[]).call(process);
      expect(Array.isArray(handles)).toBe(true);
      expect(handles, "a referenced ChildProcess is no longer among the active handles").toContain(child);
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
    }
  });
});
