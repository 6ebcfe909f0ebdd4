import { spawn } from "node:child_process";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import {
  childPids,
  cleanupAfterEach,
  DAEMON_MAIN,
  isAlive,
  runDaemonOnce,
  socketAccepts,
  startDaemon,
  TestDir,
  waitFor,
  waitForState,
  type RunningDaemon,
} from "./lib/daemon.js";

const track = cleanupAfterEach();

function tempDir(): TestDir {
  return track.dir();
}
async function start(dir: TestDir, args: string[] = []): Promise<RunningDaemon> {
  return track.daemon(await startDaemon(dir, args));
}

const SLEEPERS = [
  "[program:first]",
  "command=/bin/sleep 1000",
  "priority=1",
  "startsecs=0",
  "",
  "[program:second]",
  "command=/bin/sleep 1000",
  "priority=2",
  "startsecs=0",
  "",
].join("\n");

describe("foreground mode (D-DMN-02)", () => {
  it("writes the pid file, logs the startup sequence, serves on a 0700 socket", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    const daemon = await start(dir);
    // Written right after the socket opens: wait for its content, not just its existence.
    await waitFor("the pid file", () => fs.existsSync(dir.pidfile) && fs.readFileSync(dir.pidfile, "utf8") !== "");
    expect(fs.readFileSync(dir.pidfile, "utf8")).toBe(`${daemon.pid}\n`);
    expect(fs.statSync(dir.socket).mode & 0o777).toBe(0o700);
    expect(fs.statSync(dir.socket).isSocket()).toBe(true);
    const log = await daemon.waitForLog(/spawned: 'second'/);
    const lines = log.split("\n").map((l) => l.replace(/^\S+ \S+ /, ""));
    const at = (text: string): number => lines.findIndex((l) => l.includes(text));
    expect(at("INFO RPC interface 'supervisor' initialized")).toBeGreaterThanOrEqual(0);
    expect(at("CRIT Server 'unix_http_server' running without any HTTP authentication checking")).toBeGreaterThan(
      at("RPC interface 'supervisor' initialized"),
    );
    expect(at(`INFO supervisord started with pid ${daemon.pid}`)).toBeGreaterThan(at("running without any HTTP"));
    expect(at("spawned: 'first'")).toBeGreaterThan(at("supervisord started with pid"));
    expect(log).not.toContain("daemonizing");
    // nodaemon echoes the activity log on stdout (MLG-03).
    expect(daemon.stdout).toContain("supervisord started with pid");
  });

  it("ERR-04 parse messages reach the activity log (CRIT, then WARN, then INFO); SPN-13 children get the server URL", async () => {
    const dir = tempDir();
    fs.writeFileSync(dir.file("extra.ini"), "[program:extra]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    dir.writeConfig(
      `[program:env]\ncommand=/bin/sh -c 'echo "$SUPERVISOR_SERVER_URL" > ${dir.file("url.txt")}; exec sleep 1000'\nstartsecs=0\n\n` +
        `[include]\nfiles=${dir.file("extra.ini")} ${dir.file("nothing-*.ini")}\n`,
    );
    const daemon = await start(dir);
    const log = await daemon.waitForLog(/supervisord started with pid/);
    const warn = log.indexOf(`WARN No file matches via include "${dir.file("nothing-*.ini")}"`);
    const info = log.indexOf(`INFO Included extra file "${dir.file("extra.ini")}" during parsing`);
    expect(warn).toBeGreaterThan(-1);
    expect(info).toBeGreaterThan(warn);
    expect(log.indexOf("supervisord started with pid")).toBeGreaterThan(info);
    await waitFor("the child to write its environment", () => fs.existsSync(dir.file("url.txt")) && fs.readFileSync(dir.file("url.txt"), "utf8") !== "");
    expect(fs.readFileSync(dir.file("url.txt"), "utf8").trim()).toBe(`unix://${dir.socket}`);
    await waitForState(daemon.client(), "extra", "RUNNING");
  });

  it("MLG-05 at loglevel trace every RPC is logged with its outcome", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    const daemon = await start(dir, ["-e", "trace"]);
    const client = daemon.client();
    await client.getState();
    await client.getProcessInfo({ name: "nosuch" }).catch(() => undefined);
    const log = await daemon.waitForLog(/returned fault: \[10\] BAD_NAME: nosuch/);
    expect(log).toContain("TRAC gRPC method called: supervisor.getState()");
    expect(log).toContain("TRAC gRPC method supervisor.getState() returned successfully");
  });

  it("a foreground daemon whose stdout reader went away keeps serving and still stops on SIGTERM", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    const daemon = await start(dir);
    const client = daemon.client();
    await waitForState(client, "first", "RUNNING");
    // The terminal goes away: the next echoed log line hits EPIPE.
    daemon.child.stdout?.destroy();
    for (let i = 0; i < 3; i++) {
      await client.stopProcess({ name: "first" });
      await client.startProcess({ name: "first" });
    }
    expect((await client.getState()).statename).toBe("RUNNING");
    client.close();
    expect(await daemon.stop(15_000)).toEqual({ status: 0, signal: null });
    expect(daemon.activityLog()).not.toContain("uncaptured exception");
  });

  it("D-HTTP-01 honours a custom chmod exactly", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS, { unix: "chmod=0766\n" });
    await start(dir);
    expect(fs.statSync(dir.socket).mode & 0o777).toBe(0o766);
    // No temporary name is left behind.
    expect(fs.readdirSync(dir.root).filter((n) => n.startsWith("sv.sock."))).toEqual([]);
  });

  it("D-SHT-01 SIGTERM stops every child in reverse priority, removes socket and pid file, exits 0", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    const daemon = await start(dir);
    const client = daemon.client();
    const first = await waitForState(client, "first", "RUNNING");
    const second = await waitForState(client, "second", "RUNNING");
    client.close();
    const result = await daemon.stop();
    expect(result).toEqual({ status: 0, signal: null });
    expect(isAlive(first)).toBe(false);
    expect(isAlive(second)).toBe(false);
    expect(fs.existsSync(dir.socket)).toBe(false);
    expect(fs.existsSync(dir.pidfile)).toBe(false);
    const log = daemon.activityLog();
    expect(log).toContain("WARN received SIGTERM indicating exit request");
    expect(log.indexOf("stopped: second")).toBeGreaterThan(-1);
    expect(log.indexOf("stopped: second")).toBeLessThan(log.indexOf("stopped: first"));
  });

  it("SIGINT and SIGQUIT shut down too", async () => {
    for (const signal of ["SIGINT", "SIGQUIT"] as const) {
      const dir = tempDir();
      dir.writeConfig(SLEEPERS);
      const daemon = await startDaemon(dir);
      const client = daemon.client();
      const pid = await waitForState(client, "first", "RUNNING");
      client.close();
      daemon.child.kill(signal);
      expect(await daemon.exited).toEqual({ status: 0, signal: null });
      expect(isAlive(pid)).toBe(false);
      expect(daemon.activityLog()).toContain(`received ${signal} indicating exit request`);
    }
  });

  it("D-SHT-01 the Shutdown RPC stops everything and the daemon exits 0", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    const daemon = await start(dir);
    const client = daemon.client();
    const pid = await waitForState(client, "first", "RUNNING");
    await client.shutdown();
    expect(await daemon.exited).toEqual({ status: 0, signal: null });
    expect(isAlive(pid)).toBe(false);
    expect(fs.existsSync(dir.socket)).toBe(false);
  });
});

describe("daemon mode (D-DMN-01, D-DMN-04)", () => {
  it("the parent exits 0 once the daemon serves; the pid file holds the daemon's pid", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    const child = spawn(process.execPath, [DAEMON_MAIN, "-c", dir.conf], { cwd: dir.root, stdio: "ignore" });
    const status = await new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    expect(status).toBe(0);
    // Serving already when the parent returned.
    expect(await socketAccepts(dir.socket)).toBe(true);
    const pid = Number(fs.readFileSync(dir.pidfile, "utf8").trim());
    track.pid(pid);
    expect(pid).not.toBe(child.pid);
    expect(isAlive(pid)).toBe(true);
    const log = fs.readFileSync(dir.logfile, "utf8");
    expect(log).toContain("INFO daemonizing the supervisord process");
    expect(log).toContain(`supervisord started with pid ${pid}`);
    // Detached: it leads its own session.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    expect(Number(fields[3])).toBe(pid);
    process.kill(pid, "SIGTERM");
    await waitFor("the daemon to exit", () => !isAlive(pid), 30_000);
    expect(fs.existsSync(dir.pidfile)).toBe(false);
    expect(fs.existsSync(dir.socket)).toBe(false);
  });

  it("startup errors in daemon mode still reach the terminal with exit 2", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    const first = await start(dir);
    const r = await runDaemonOnce(["-c", dir.conf], { cwd: dir.root });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Error: Another program is already listening on a port that one of our HTTP servers");
    expect(isAlive(first.pid)).toBe(true);
  });
});

describe("sockets (D-HTTP-01)", () => {
  it("a second daemon on a live socket is refused with supervisord's message, exit 2", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    const first = await start(dir);
    const r = await runDaemonOnce(["-n", "-c", dir.conf], { cwd: dir.root });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "Error: Another program is already listening on a port that one of our HTTP servers is configured to use.  " +
        "Shut this program down first before starting supervisord.\nFor help, use tsupervisord -h\n",
    );
    // The first one is unharmed and still serving.
    expect(await socketAccepts(dir.socket)).toBe(true);
    expect(isAlive(first.pid)).toBe(true);
  });

  it("a stale socket file is replaced", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    // A socket whose server died without unlinking it.
    const holder = spawn(
      process.execPath,
      ["-e", `require("net").createServer().listen(${JSON.stringify(dir.socket)}, () => console.log("up"))`],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    await new Promise((resolve) => holder.stdout.once("data", resolve));
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    expect(fs.existsSync(dir.socket)).toBe(true);
    expect(await socketAccepts(dir.socket)).toBe(false);
    const daemon = await start(dir);
    expect(daemon.stderr).toContain(`Unlinking stale socket ${dir.socket}`);
    expect((await daemon.client().getState()).statename).toBe("RUNNING");
  });
});

describe("signals", () => {
  it("D-RLD-01 SIGHUP restarts with the changed config: new programs run, pids change, daemon pid stays", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    const daemon = await start(dir);
    let client = daemon.client();
    const before = await waitForState(client, "first", "RUNNING");
    dir.writeConfig(`${SLEEPERS}\n[program:third]\ncommand=/bin/sleep 1000\nstartsecs=0\n`);
    daemon.child.kill("SIGHUP");
    await daemon.waitForLog(/received SIGHUP indicating restart request/);
    client.close();
    client = daemon.client();
    const third = await waitForState(client, "third", "RUNNING", 30_000);
    expect(isAlive(third)).toBe(true);
    const after = await waitForState(client, "first", "RUNNING");
    expect(after).not.toBe(before);
    expect(isAlive(before)).toBe(false);
    expect((await client.getPid()).pid).toBe(daemon.pid);
    expect(fs.readFileSync(dir.pidfile, "utf8")).toBe(`${daemon.pid}\n`);
  });

  it("SIGHUP with a broken config keeps running the old one (intentional difference from D-RLD-02)", async () => {
    const dir = tempDir();
    dir.writeConfig(SLEEPERS);
    const daemon = await start(dir);
    const client = daemon.client();
    const pid = await waitForState(client, "first", "RUNNING");
    fs.appendFileSync(dir.conf, "\n[program:bad]\ncommand=/bin/true\nautostart=perhaps\n");
    daemon.child.kill("SIGHUP");
    await daemon.waitForLog(/restart cancelled, the config cannot be read/);
    expect((await client.getProcessInfo({ name: "first" })).info?.pid).toBe(pid);
    expect(isAlive(daemon.pid)).toBe(true);
  });

  it("CLR-01 SIGUSR2 reopens the activity log and the process logs", async () => {
    const dir = tempDir();
    dir.writeConfig(
      `[program:ticker]\ncommand=/bin/sh -c 'while true; do echo tick; sleep 0.2; done'\nstdout_logfile=${dir.file("ticker.log")}\n`,
    );
    const daemon = await start(dir);
    await waitFor("ticker output", () => fs.existsSync(dir.file("ticker.log")) && fs.readFileSync(dir.file("ticker.log"), "utf8").includes("tick"));
    fs.renameSync(dir.file("ticker.log"), dir.file("ticker.log.old"));
    fs.renameSync(dir.logfile, dir.file("sv.log.old"));
    daemon.child.kill("SIGUSR2");
    await waitFor("a new ticker log", () => fs.existsSync(dir.file("ticker.log")) && fs.readFileSync(dir.file("ticker.log"), "utf8").includes("tick"));
    await waitFor("a new activity log", () => fs.existsSync(dir.logfile));
    expect(fs.readFileSync(dir.file("sv.log.old"), "utf8")).toContain("received SIGUSR2 indicating log reopen request");
  });

  it("no child is left behind after shutdown", async () => {
    const dir = tempDir();
    dir.writeConfig(`${SLEEPERS}\n[program:sh]\ncommand=/bin/sh -c 'sleep 1000 & wait'\nstopasgroup=true\nstartsecs=0\n`);
    const daemon = await start(dir);
    const client = daemon.client();
    await waitForState(client, "sh", "RUNNING");
    const children = childPids(daemon.pid);
    expect(children.length).toBeGreaterThanOrEqual(3);
    client.close();
    expect((await daemon.stop()).status).toBe(0);
    for (const pid of children) expect(isAlive(pid)).toBe(false);
  });
});
