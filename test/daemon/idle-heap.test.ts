/**
 * issue 20 ("idle means idle"): V8's memory reducer is off (apps/daemon/node-flags) and the daemon collects
 * start-up's garbage itself, in one full GC, once start-up settles: after the last autostart program left
 * STARTING, while the daemon is awake anyway (apps/daemon/src/runtime/heap-idle.ts). The daemon runs with its
 * node flags plus --trace-gc, so V8 says on stdout which GCs ran.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanupAfterEach, DAEMON_MAIN, isAlive, REPO_ROOT, waitFor } from "./lib/daemon.js";

const track = cleanupAfterEach();
const FLAGS = fs.readFileSync(join(REPO_ROOT, "apps/daemon/node-flags"), "utf8").split("\n", 1)[0]!.trim().split(/\s+/);
const SETTLED = "start-up settled: its garbage collected in one full GC";

describe("start-up's garbage (issue 20, idle means idle)", () => {
  it("the node flags switch V8's memory reducer off", () => {
    expect(FLAGS).toContain("--no-memory-reducer");
  });

  it("is collected in one full GC after the last of 12 programs (two autostart batches) is RUNNING", async () => {
    const dir = track.dir();
    const programs = Array.from({ length: 12 }, (_, i) =>
      [`[program:p${String(i).padStart(2, "0")}]`, "command=/bin/sleep 1000", "startsecs=1", ""].join("\n"),
    ).join("\n");
    dir.writeConfig(programs, { supervisord: "loglevel=debug" });
    const daemon = spawn(process.execPath, [...FLAGS, "--trace-gc", DAEMON_MAIN, "-n", "-c", dir.conf], {
      cwd: dir.root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    track.pid(daemon.pid!);
    let traced = "";
    daemon.stdout.on("data", (chunk: Buffer) => (traced += chunk.toString()));
    const log = await waitFor("the start-up GC in the activity log", () => {
      const text = fs.existsSync(dir.logfile) ? fs.readFileSync(dir.logfile, "utf8") : "";
      return text.includes(SETTLED) ? text : undefined;
    }, 30_000);
    const settledAt = log.indexOf(SETTLED);
    const running = [...log.matchAll(/success: p\d\d entered RUNNING state/g)];
    expect(running).toHaveLength(12);
    expect(running.every((m) => (m.index ?? Infinity) < settledAt)).toBe(true);
    // V8's own account: a full GC for the `gc` extension ("testing"). (That the reducer is off is the flag, above.)
    await waitFor("the GC in V8's trace", () => (/Mark-Compact[^\n]*testing/.test(traced) ? true : undefined), 10_000);
    daemon.kill("SIGTERM");
    await waitFor("the daemon to exit", () => (!isAlive(daemon.pid!) ? true : undefined), 30_000);
  });
});
