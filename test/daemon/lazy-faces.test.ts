import path from "node:path";
import { describe, expect, it } from "vitest";
import { DAEMON_BUNDLE, DAEMON_UNBUNDLED } from "../lib/paths.js";
import { runCommand } from "../lib/run.js";
import { request, xmlrpc } from "./lib/http-auth.js";
import { cleanupAfterEach, REPO_ROOT, startDaemon, TestDir } from "./lib/daemon.js";

/**
 * issue 20: the daemon as shipped (the esbuild bundle bin/tsupervisord runs) loads its gRPC face on the first
 * HTTP/2 connection and its XML-RPC face and web UI on the first HTTP/1.1 request, and serves the connection that
 * triggered the load. Which face is loaded is read from the activity log, where each load is announced once.
 */
const GRPC_LOADED = "gRPC face loaded on first HTTP/2 connection";
const HTTP1_LOADED = "XML-RPC face and web UI loaded on first HTTP/1.1 request";

describe("the bundled daemon loads each face on its first connection (issue 20)", () => {
  const track = cleanupAfterEach();

  it("bin/tsupervisord finds the log pump's addon as the unbundled daemon does", async () => {
    const bin = path.join(REPO_ROOT, "bin/tsupervisord");
    const bundled = await runCommand([bin, "--version", "--verbose"], { cwd: REPO_ROOT });
    const unbundled = await runCommand([process.execPath, DAEMON_UNBUNDLED, "--version", "--verbose"], { cwd: REPO_ROOT });
    expect(bundled.code).toBe(0);
    expect(bundled.stdout).toMatch(/^log pump: /m);
    expect(bundled.stdout).toBe(unbundled.stdout);
  });

  it("serves XML-RPC, the web UI and its assets, then gRPC, each loaded by the first connection of its kind", async () => {
    const dir = track.dir(new TestDir("tsupd-lazy-"));
    dir.writeConfig("[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    const daemon = track.daemon(await startDaemon(dir, [], { main: DAEMON_BUNDLE }));
    // The spawn is logged after the listeners opened: nothing has spoken HTTP yet (the readiness probe only
    // connects), so neither face may be loaded.
    await daemon.waitForLog(/spawned: 'sleeper'/);
    expect(daemon.activityLog()).not.toContain(GRPC_LOADED);
    expect(daemon.activityLog()).not.toContain(HTTP1_LOADED);

    const target = { socketPath: dir.socket };
    const state = await xmlrpc(target, "supervisor.getState");
    expect(state.status).toBe(200);
    expect(state.fault).toBeNull();
    expect(state.body).toMatch(/<name>statename<\/name>\s*<value><string>RUNNING<\/string><\/value>/);
    expect(daemon.activityLog()).toContain(HTTP1_LOADED);
    expect(daemon.activityLog()).not.toContain(GRPC_LOADED);

    const page = await request(target, "GET", "/");
    expect(page.status).toBe(200);
    expect(page.body).toContain("sleeper");
    // The assets are read from @tsupervisord/xmlrpc's directory, not next to the bundle.
    const css = await request(target, "GET", "/stylesheets/supervisor.css");
    expect(css.status).toBe(200);
    expect(css.body.length).toBeGreaterThan(0);
    const script = await request(target, "GET", "/javascripts/live.js");
    expect(script.status).toBe(200);

    const status = await daemon.ctl(["status"]);
    expect(status.stdout).toMatch(/^sleeper\s+RUNNING\s+pid \d+, uptime /);
    expect(status.code).toBe(0);
    const log = daemon.activityLog();
    expect(log).toContain(GRPC_LOADED);
    // Each face is loaded once per daemon, whatever the number of connections.
    expect(log.split(HTTP1_LOADED).length - 1).toBe(1);
    expect((await daemon.ctl(["status"])).code).toBe(0);
    expect(daemon.activityLog().split(GRPC_LOADED).length - 1).toBe(1);
  });

  it("the first connection is gRPC: tsctl is answered and the HTTP/1.1 face stays unloaded", async () => {
    const dir = track.dir(new TestDir("tsupd-lazy-"));
    dir.writeConfig("[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    const daemon = track.daemon(await startDaemon(dir, [], { main: DAEMON_BUNDLE }));
    const status = await daemon.ctl(["status"]);
    expect(status.stdout).toMatch(/^sleeper\s+\S+/);
    expect(daemon.activityLog()).toContain(GRPC_LOADED);
    expect(daemon.activityLog()).not.toContain(HTTP1_LOADED);
  });

  it("a config autostarting more processes than one batch loads the gRPC face before the first spawn", async () => {
    const dir = track.dir(new TestDir("tsupd-lazy-"));
    // One more than the engine's AUTOSTART_PER_TURN (8): autostart runs in turns, which would starve the import.
    dir.writeConfig("[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\nnumprocs=9\nprocess_name=%(program_name)s_%(process_num)s\n");
    const daemon = track.daemon(await startDaemon(dir, [], { main: DAEMON_BUNDLE }));
    await daemon.waitForLog(/spawned: 'sleeper_8'/);
    const log = daemon.activityLog();
    const loaded = log.indexOf("gRPC face loaded before autostart");
    expect(loaded).toBeGreaterThanOrEqual(0);
    expect(loaded).toBeLessThan(log.indexOf("spawned: 'sleeper_0'"));
    expect(log).not.toContain(HTTP1_LOADED);
    const status = await daemon.ctl(["status"]);
    expect(status.stdout).toMatch(/^sleeper:sleeper_8\s+RUNNING/m);
    expect(daemon.activityLog().split("gRPC face loaded").length - 1).toBe(1);
  });
});
