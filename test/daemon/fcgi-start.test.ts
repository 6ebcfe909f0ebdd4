import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { runDaemonOnce, startDaemon, TestDir, waitFor, type RunningDaemon } from "./lib/daemon.js";
import { holdPort } from "./lib/ports.js";

const fcgiProgram = (port: number): string =>
  ["[fcgi-program:web]", `socket=tcp://127.0.0.1:${port}`, "command=/bin/sleep 1000", "startsecs=0", ""].join("\n");

describe("FastCGI socket that cannot be created at start (spec §1.5.8)", () => {
  let dir: TestDir | undefined;
  let daemon: RunningDaemon | undefined;
  let held: { port: number; release: () => Promise<void> } | undefined;
  afterEach(async () => {
    await daemon?.stop();
    await held?.release();
    dir?.cleanup();
    daemon = dir = held = undefined;
  });

  it("first start: prints `Error: Could not create FastCGI socket …` and exits 2", async () => {
    held = await holdPort();
    dir = new TestDir("tsupd-fcgi-");
    dir.writeConfig(fcgiProgram(held.port));
    const result = await runDaemonOnce(["-n", "-c", dir.conf]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^Error: Could not create FastCGI socket tcp://127\\.0\\.0\\.1:${held.port}: .+`, "m"));
    expect(fs.existsSync(dir.pidfile)).toBe(false);
  }, 30_000);

  it("restart generation (SIGHUP): logs CRIT and exits 2", async () => {
    held = await holdPort();
    dir = new TestDir("tsupd-fcgi-");
    dir.writeConfig("[program:plain]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    daemon = await startDaemon(dir);
    await daemon.waitForLog(/success: plain entered RUNNING/);
    dir.writeConfig(fcgiProgram(held.port));
    daemon.child.kill("SIGHUP");
    const exit = await daemon.exited;
    expect(exit.status).toBe(2);
    expect(daemon.activityLog()).toMatch(new RegExp(`CRIT Could not create FastCGI socket tcp://127\\.0\\.0\\.1:${held.port}: `));
    expect(daemon.stderr).toMatch(/Error: Could not create FastCGI socket/);
    await waitFor("no socket file left", () => !fs.existsSync(dir!.socket));
  }, 30_000);
});
