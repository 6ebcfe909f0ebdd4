/**
 * issue 20: the posix_spawn spawner on its own, with real children: exit codes and signal names as
 * node:child_process reports them, exec errors named like Node's (ENOENT ...), and the SIGCHLD listener present
 * only while a child is waited for (an idle daemon keeps no extra signal handle), and the child's start time and
 * process group read in C right after the spawn, as /proc/PID/stat has them.
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import os from "node:os";
import path from "node:path";
import { isNativeChild, nativeReaper, nativeSpawner, nativeSpawnState, parseProcStat, type NativeSpawner } from "../src/index.js";

const found = nativeSpawner({});
const spawner: NativeSpawner | null = "spawner" in found ? found.spawner : null;
const devNull = (): number => fs.openSync("/dev/null", "w");

function run(argv: string[]): Promise<{ pid: number; code: number | null; signal: NodeJS.Signals | null }> {
  if (spawner === null) throw new Error("no spawner");
  const [r, w] = spawner.pipe();
  const out = devNull();
  try {
    return new Promise((resolve) => {
      const { pid } = spawner.spawn(argv[0] as string, argv, [], null, [r, out, out], (code, signal) => resolve({ pid, code, signal }));
      expect(isNativeChild(pid)).toBe(true);
    });
  } finally {
    fs.closeSync(r);
    fs.closeSync(w);
    fs.closeSync(out);
  }
}

describe.skipIf(spawner === null)("native spawner", () => {
  it("the env switch selects the fallback", () => {
    expect(nativeSpawner({ TSUPERVISORD_NO_NATIVE_SPAWN: "1" })).toEqual({ reason: "TSUPERVISORD_NO_NATIVE_SPAWN=1" });
    expect(typeof nativeReaper()?.spawn).toBe("function");
  });

  it("exit codes and signal names; the SIGCHLD listener goes once no child is left", async () => {
    const before = process.listenerCount("SIGCHLD");
    const exits = await Promise.all([run(["/bin/sh", "-c", "exit 3"]), run(["/bin/sh", "-c", "kill -KILL $$"]), run(["/bin/true"])]);
    expect(exits.map(({ code, signal }) => [code, signal])).toEqual([[3, null], [null, "SIGKILL"], [0, null]]);
    for (const { pid } of exits) expect(isNativeChild(pid)).toBe(false);
    expect(nativeSpawnState()).toEqual({ listening: false, children: 0 });
    expect(process.listenerCount("SIGCHLD")).toBe(before);
  });

  it("exec errors throw with Node's errno names and leave nothing to wait for", () => {
    const s = spawner as NativeSpawner;
    const [r, w] = s.pipe();
    try {
      expect(() => s.spawn("/nonexistent/program", ["x"], [], null, [r, r, r], () => undefined)).toThrow(expect.objectContaining({ code: "ENOENT" }));
      expect(() => s.spawn("/bin/true", ["true"], [], "/nonexistent/dir", [r, r, r], () => undefined)).toThrow(expect.objectContaining({ code: "ENOENT" }));
      expect(() => s.spawn("/etc/passwd", ["x"], [], null, [r, r, r], () => undefined)).toThrow(expect.objectContaining({ code: "EACCES" }));
    } finally {
      fs.closeSync(r);
      fs.closeSync(w);
    }
    expect(nativeSpawnState()).toEqual({ listening: false, children: 0 });
  });

  it("returns the child's start time and process group as /proc/PID/stat says, a command name with ') (' included", async () => {
    const s = spawner as NativeSpawner;
    // The comm (field 2) becomes the executable's name at exec: spaces and parentheses that a parser splitting at
    // the first ')' would take for the end of it.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsupd-start-"));
    const odd = path.join(dir, "x) (y z) 1");
    fs.copyFileSync("/bin/sleep", odd);
    fs.chmodSync(odd, 0o755);
    const [r, w] = s.pipe();
    const out = devNull();
    try {
      const exited: Array<Promise<void>> = [];
      const started = [odd, "/bin/sleep"].map((file) => {
        let done!: () => void;
        exited.push(new Promise((resolve) => (done = resolve)));
        return s.spawn(file, [path.basename(file), "1000"], [], null, [r, out, out], () => done());
      });
      for (const { pid, start } of started) {
        // Read again well after the spawn: what the next daemon compares the record with.
        const stat = parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, "latin1"));
        expect(stat?.starttime).toBeGreaterThan(0);
        expect(start).toEqual({ startTime: stat?.starttime, pgid: stat?.pgrp });
        expect(start?.pgid).toBe(pid);
      }
      expect(fs.readFileSync(`/proc/${started[0]?.pid}/comm`, "latin1")).toBe("x) (y z) 1\n");
      for (const { pid } of started) process.kill(pid, "SIGKILL");
      await Promise.all(exited);
      // A child that is gone at once is a zombie when the C read runs (nothing waited for it yet): still read.
      const quick = await new Promise<ReturnType<NativeSpawner["spawn"]>>((resolve) => {
        const child = s.spawn("/bin/true", ["true"], [], null, [r, out, out], () => resolve(child));
      });
      expect(quick.start).toEqual({ startTime: expect.any(Number), pgid: quick.pid });
    } finally {
      fs.closeSync(r);
      fs.closeSync(w);
      fs.closeSync(out);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(nativeSpawnState()).toEqual({ listening: false, children: 0 });
  });
});
