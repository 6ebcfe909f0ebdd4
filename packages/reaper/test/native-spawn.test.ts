/**
 * issue 20: the posix_spawn spawner on its own, with real children: exit codes and signal names as
 * node:child_process reports them, exec errors named like Node's (ENOENT ...), and the SIGCHLD listener present
 * only while a child is waited for (an idle daemon keeps no extra signal handle).
 */
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { isNativeChild, nativeReaper, nativeSpawner, nativeSpawnState, type NativeSpawner } from "../src/index.js";

const found = nativeSpawner({});
const spawner: NativeSpawner | null = "spawner" in found ? found.spawner : null;
const devNull = (): number => fs.openSync("/dev/null", "w");

function run(argv: string[]): Promise<{ pid: number; code: number | null; signal: NodeJS.Signals | null }> {
  if (spawner === null) throw new Error("no spawner");
  const [r, w] = spawner.pipe();
  const out = devNull();
  try {
    return new Promise((resolve) => {
      const pid = spawner.spawn(argv[0] as string, argv, [], null, [r, out, out], (code, signal) => resolve({ pid, code, signal }));
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
});
