import fs from "node:fs";
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cleanupAfterEach, DAEMON_MAIN, isAlive, startDaemon, waitFor, waitForState } from "./lib/daemon.js";
import { fault } from "./lib/faults.js";

const track = cleanupAfterEach();

describe("restart and shutdown over the API", () => {
  it("D-RLD-01 Restart re-reads the config and starts everything again with new pids", async () => {
    const dir = track.dir();
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    const daemon = await startDaemon(dir);
    track.daemon(daemon);
    let client = daemon.client();
    const before = await waitForState(client, "a", "RUNNING");
    fs.appendFileSync(dir.conf, "\n[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    await client.restart();
    client.close();
    client = daemon.client();
    await waitForState(client, "b", "RUNNING", 30_000);
    const after = await waitForState(client, "a", "RUNNING");
    expect(after).not.toBe(before);
    expect(isAlive(before)).toBe(false);
    expect((await client.getPid()).pid).toBe(daemon.pid);
  });

  it("Restart with a broken config fails with CANT_REREAD and changes nothing", async () => {
    const dir = track.dir();
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    const daemon = await startDaemon(dir);
    track.daemon(daemon);
    const client = daemon.client();
    const pid = await waitForState(client, "a", "RUNNING");
    fs.appendFileSync(dir.conf, "\n[program:b]\ncommand=/bin/true\nstopsignal=NOTASIGNAL\n");
    const err = await fault(client.restart());
    expect(err.code).toBe("CANT_REREAD");
    expect(err.detail).toContain("NOTASIGNAL");
    expect((await client.getProcessInfo({ name: "a" })).info?.pid).toBe(pid);
  });

  it("D-SHT-01 calls fail with SHUTDOWN_STATE while stopping; Watch ends cleanly; the daemon then exits 0", async () => {
    const dir = track.dir();
    // Ignores SIGTERM for a while, so the shutdown takes until stopwaitsecs.
    dir.writeConfig(
      "[program:stubborn]\ncommand=/bin/sh -c \"trap '' TERM; exec sleep 1000\"\nstartsecs=0\nstopwaitsecs=3\n",
    );
    const daemon = await startDaemon(dir);
    track.daemon(daemon);
    const client = daemon.client();
    await waitForState(client, "stubborn", "RUNNING");
    const kinds: string[] = [];
    let watchError: unknown = null;
    const watching = (async () => {
      try {
        for await (const msg of client.watch({})) kinds.push(msg.event?.$case ?? "none");
      } catch (err) {
        watchError = err;
      }
    })();
    await waitFor("the snapshot", () => kinds.includes("snapshot"));
    await client.shutdown();
    const err = await fault(client.getState());
    expect(err.code).toBe("SHUTDOWN_STATE");
    expect((await fault(client.getAllProcessInfo())).code).toBe("SHUTDOWN_STATE");
    // The one call that works during shutdown.
    await client.sendRemoteCommEvent({ type: "t", data: "d" });
    await watching;
    expect(watchError).toBeNull();
    expect(await daemon.exited).toEqual({ status: 0, signal: null });
    expect(daemon.activityLog()).toMatch(/killing stubborn|SIGKILL/);
  });

  it("SIGHUP during shutdown is ignored with supervisord's message", async () => {
    const dir = track.dir();
    dir.writeConfig(
      "[program:stubborn]\ncommand=/bin/sh -c \"trap '' TERM; exec sleep 1000\"\nstartsecs=0\nstopwaitsecs=3\n",
    );
    const daemon = await startDaemon(dir);
    track.daemon(daemon);
    const client = daemon.client();
    await waitForState(client, "stubborn", "RUNNING");
    client.close();
    daemon.child.kill("SIGTERM");
    await daemon.waitForLog(/received SIGTERM indicating exit request/);
    daemon.child.kill("SIGHUP");
    await daemon.waitForLog(/ignored SIGHUP indicating restart request \(shutdown in progress\)/);
    expect(await daemon.exited).toEqual({ status: 0, signal: null });
  });
});

describe("daemon mode applies directory and umask (D-DMN-01), foreground does not (D-DMN-02)", () => {
  it("chdir and umask only when daemonizing", async () => {
    const dir = track.dir();
    const work = dir.file("work");
    fs.mkdirSync(work);
    dir.writeConfig(
      `[program:probe]\ncommand=/bin/sh -c 'pwd > ${dir.file("pwd.txt")}; umask > ${dir.file("umask.txt")}; exec sleep 1000'\nstartsecs=0\n`,
      { supervisord: `directory=${work}\numask=027\n` },
    );
    const parent = spawn(process.execPath, [DAEMON_MAIN, "-c", dir.conf], { cwd: dir.root, stdio: "ignore" });
    expect(await new Promise((r) => parent.once("exit", r))).toBe(0);
    const pid = Number(fs.readFileSync(dir.pidfile, "utf8"));
    track.pid(pid);
    await waitFor("the probe", () => fs.existsSync(dir.file("umask.txt")) && fs.readFileSync(dir.file("umask.txt"), "utf8") !== "");
    expect(fs.readFileSync(dir.file("pwd.txt"), "utf8").trim()).toBe(work);
    expect(fs.readFileSync(dir.file("umask.txt"), "utf8").trim()).toBe("0027");
    process.kill(pid, "SIGTERM");
    await waitFor("the daemon to exit", () => !isAlive(pid), 30_000);
  });
});
