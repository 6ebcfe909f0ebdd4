import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT, startDaemon, TestDir, waitForState, type RunningDaemon } from "./lib/daemon.js";

let dir: TestDir | null = null;
let daemon: RunningDaemon | null = null;
afterEach(async () => {
  expect((await daemon?.stop())?.status ?? 0).toBe(0);
  dir?.cleanup();
  dir = null;
  daemon = null;
});

describe("examples/demo/supervisord.conf", () => {
  it("runs unchanged (copied next to an empty run/ so the checkout stays clean)", async () => {
    dir = new TestDir();
    fs.copyFileSync(path.join(REPO_ROOT, "examples/demo/supervisord.conf"), dir.conf);
    fs.mkdirSync(dir.file("run"));
    // The demo's socket lives in run/; startDaemon waits for dir.socket, so wait on the demo's own path.
    daemon = await startDaemon(dir, [], { waitForSocket: false });
    const socket = dir.file("run/supervisor.sock");
    const client = daemon.client(`unix://${socket}`);
    await waitForState(client, "app:web", "RUNNING", 30_000);
    await waitForState(client, "app:worker_00", "RUNNING", 30_000);
    await waitForState(client, "app:worker_01", "RUNNING", 30_000);
    await waitForState(client, "flaky", "FATAL", 30_000);
    expect(fs.readFileSync(dir.file("run/web.log"), "utf8")).toContain("web: serving on :8000");
    expect(fs.statSync(socket).mode & 0o777).toBe(0o700);
  });
});
