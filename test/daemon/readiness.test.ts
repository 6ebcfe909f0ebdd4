/**
 * issue 14 end to end: the built daemon and tsctl, real children, real servers. Readiness probes of every form
 * (tcp and http servers started by the test, exec, a child that prints a ready line, sd_notify through
 * systemd-notify and through a tiny python3 script), a probe to a port that never opens, a hung exec probe,
 * liveness restarts. Waiting is done with `tsctl wait` (the Watch stream), not by polling.
 */
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { runCommand, type RunResult } from "../ctl/lib/run.js";
import { TSCTL } from "../ctl/lib/paths.js";
import { startDaemon, TestDir, type RunningDaemon } from "./lib/daemon.js";
import { freePort } from "./lib/ports.js";
import { IDLE, NODE, READY_LINE, TCP_SERVER, notifyScript, script } from "./readiness/children.js";

const dirs: TestDir[] = [];
const daemons: RunningDaemon[] = [];
const servers: Array<net.Server | http.Server> = [];

afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  for (const d of dirs.splice(0)) d.cleanup();
});

async function daemonWith(body: string): Promise<{ dir: TestDir; daemon: RunningDaemon }> {
  const dir = new TestDir("tsd-ready-");
  dirs.push(dir);
  dir.writeConfig(body);
  const daemon = await startDaemon(dir);
  daemons.push(daemon);
  return { dir, daemon };
}

function tsctl(dir: TestDir, ...args: string[]): Promise<RunResult> {
  return runCommand([NODE, TSCTL, "-c", dir.conf, ...args], { timeoutMs: 60_000 });
}

async function waitReady(dir: TestDir, ...names: string[]): Promise<void> {
  const r = await tsctl(dir, "wait", ...names, "--for", "ready", "--timeout", "30");
  expect(r.code, r.output).toBe(0);
}

async function verbose(dir: TestDir, name: string): Promise<string> {
  return (await tsctl(dir, "status", "--verbose", name)).stdout;
}

function listen<T extends net.Server | http.Server>(server: T): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

describe("readiness probes against real servers", () => {
  it("tcp: ready once the test's listener accepts; status --verbose shows it, plain status does not", async () => {
    const port = await listen(net.createServer((s) => s.end()));
    const d = new TestDir();
    dirs.push(d);
    const { dir } = await daemonWith(`[program:app]\ncommand=${script(d.root, "idle", IDLE)}\nready_check=tcp:127.0.0.1:${port}\nready_check_interval=0.2\nstartsecs=0\n`);
    await waitReady(dir, "app");
    expect(await verbose(dir, "app")).toMatch(/^app +RUNNING +pid \d+, uptime [\d:]+ +ready=ready \(tcp:127\.0\.0\.1:\d+ passed\)$/m);
    const plain = (await tsctl(dir, "status", "app")).stdout;
    expect(plain).toMatch(/^app +RUNNING +pid \d+, uptime [\d:]+\n$/);
    const json = JSON.parse((await tsctl(dir, "status", "--json", "app")).stdout) as Array<Record<string, unknown>>;
    expect(json[0]).toMatchObject({ readiness: "ready", statename: "RUNNING", program: "app" });
  });

  it.skipIf(!fs.existsSync("/usr/bin/supervisorctl"))("XML-RPC is unchanged: the real supervisorctl prints what plain tsctl status prints, getProcessInfo has supervisord's keys only", async () => {
    const port = await listen(net.createServer((s) => s.end()));
    const d = new TestDir();
    dirs.push(d);
    const { dir } = await daemonWith(
      `[program:app]\ncommand=${script(d.root, "idle", IDLE)}\nready_check=tcp:127.0.0.1:${port}\nstartsecs=0\n\n` +
        `[program:dep]\ncommand=${script(d.root, "idle2", IDLE)}\ndepends_on=app:ready\nstartsecs=0\n`,
    );
    await waitReady(dir, "app", "dep");
    const uptime = (s: string): string => s.replace(/uptime \d+:\d\d:\d\d/g, "uptime H:MM:SS");
    const py = await runCommand(["/usr/bin/supervisorctl", "-c", dir.conf, "status"]);
    const ts = await tsctl(dir, "status");
    expect(uptime(py.stdout)).toBe(uptime(ts.stdout));
    const keys = await runCommand([
      "/usr/bin/python3",
      "-c",
      "import sys; from xmlrpc.client import ServerProxy; from supervisor.xmlrpc import SupervisorTransport; " +
        "p = ServerProxy('http://127.0.0.1', transport=SupervisorTransport(None, None, 'unix://' + sys.argv[1])); " +
        "print(' '.join(sorted(p.supervisor.getProcessInfo('dep').keys())))",
      dir.socket,
    ]);
    expect(keys.stdout.trim()).toBe(
      "description exitstatus group logfile name now pid spawnerr start state statename stderr_logfile stdout_logfile stop",
    );
  });

  it("http: checking while the test's server answers 503, ready at the first 2xx", async () => {
    let healthy = false;
    let hits = 0;
    const port = await listen(
      http.createServer((_req, res) => {
        hits += 1;
        res.writeHead(healthy ? 204 : 503);
        res.end(healthy ? "" : "warming up");
      }),
    );
    const dir0 = new TestDir();
    dirs.push(dir0);
    const { dir } = await daemonWith(
      `[program:api]\ncommand=${script(dir0.root, "idle", IDLE)}\nready_check=http://127.0.0.1:${port}/health\nready_check_interval=0.2\nready_check_retries=1\nstartsecs=0\n`,
    );
    const failing = await tsctl(dir, "wait", "api", "--for", "ready", "--timeout", "1");
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/api: not ready after 1s \(RUNNING, readiness failing: http:\/\/127\.0\.0\.1:\d+\/health failed \d+ times?: HTTP 503: warming up\)/);
    expect(hits).toBeGreaterThan(0);
    healthy = true;
    await waitReady(dir, "api");
  });

  it("log: ready when the child prints its ready line, not before", async () => {
    const d = new TestDir();
    dirs.push(d);
    const { dir } = await daemonWith(
      `[program:db]\ncommand=${script(d.root, "db", READY_LINE)}\nready_check=log:/Ready to accept connections/\nstartsecs=0\n`,
    );
    const running = await tsctl(dir, "wait", "db", "--for", "running", "--timeout", "30");
    expect(running.code).toBe(0);
    expect(await verbose(dir, "db")).toMatch(/ready=checking \(waiting for a line matching \/Ready to accept connections\/\)/);
    // The child prints its ready line when told to (SIGUSR1), so "not before" is not a race.
    expect((await tsctl(dir, "signal", "USR1", "db")).stdout).toBe("db: signalled\n");
    await waitReady(dir, "db");
    expect(await verbose(dir, "db")).toMatch(/ready=ready \(log:\/Ready to accept connections\/ passed\)/);
  });

  it("exec: ready when the command exits 0; a hung probe is killed at its timeout", async () => {
    const d = new TestDir();
    dirs.push(d);
    const flag = d.file("ready.flag");
    // 977123 marks the hung probe's process so the test can look for it.
    const { dir, daemon } = await daemonWith(
      `[program:pg]\ncommand=${script(d.root, "idle", IDLE)}\nready_check=exec:/bin/sh -c "test -f ${flag}"\nready_check_interval=0.2\nstartsecs=0\n\n` +
        `[program:hung]\ncommand=${script(d.root, "idle2", IDLE)}\nready_check=exec:/bin/sleep 977123\nready_check_timeout=0.5\nready_check_interval=0.2\nready_check_retries=1\nstartsecs=0\n`,
    );
    const stuck = await tsctl(dir, "wait", "hung", "--for", "ready", "--timeout", "2");
    expect(stuck.code).toBe(1);
    expect(stuck.stderr).toMatch(/exec:\/bin\/sleep 977123 failed \d+ times?: timed out after 0\.5s \(killed\)/);
    fs.writeFileSync(flag, "");
    await waitReady(dir, "pg");
    // Every hung probe was killed: at most the one in flight right now is alive.
    const probes = (): string[] => spawnSync("pgrep", ["-f", "sleep 977123"], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);
    expect(probes().length).toBeLessThanOrEqual(1);
    // The one in flight is killed with its child, not orphaned when the daemon goes.
    expect((await daemon.stop()).status).toBe(0);
    expect(probes()).toEqual([]);
  });
});

describe("sd_notify", () => {
  it("a python3 child: NOTIFY_SOCKET is a 0600 socket, STATUS= shows, READY=1 makes it ready, the socket goes on exit", async () => {
    const d = new TestDir();
    dirs.push(d);
    const { dir } = await daemonWith(
      `[program:svc]\ncommand=${notifyScript(d.root)} 0.5\nready_check=notify\nstartsecs=0\nstdout_logfile=${d.file("svc.log")}\n`,
    );
    await waitReady(dir, "svc");
    expect(await verbose(dir, "svc")).toMatch(/ready=ready \(notify passed; STATUS=serving\)/);
    const log = fs.readFileSync(d.file("svc.log"), "utf8");
    const socketPath = /socket (\S+) mode 0o600/.exec(log)?.[1];
    expect(socketPath, log).toBeDefined();
    expect(fs.existsSync(socketPath as string)).toBe(true);
    const stop = await tsctl(dir, "stop", "svc");
    expect(stop.stdout).toBe("svc: stopped\n");
    expect(fs.existsSync(socketPath as string)).toBe(false);
  });

  const hasSystemdNotify = spawnSync("sh", ["-c", "command -v systemd-notify"]).status === 0;
  it.skipIf(!hasSystemdNotify)("a shell child speaking through systemd-notify", async () => {
    const d = new TestDir();
    dirs.push(d);
    const { dir } = await daemonWith(
      `[program:unit]\ncommand=/bin/sh -c "systemd-notify --status=booting; sleep 0.3; systemd-notify --ready; exec sleep 1000"\nready_check=notify\nstartsecs=0\n`,
    );
    await waitReady(dir, "unit");
  });

  it("the helper fallback (TSUPERVISORD_NOTIFY=helper) works the same and says so loudly in the log", async () => {
    const d = new TestDir();
    dirs.push(d);
    const dir = new TestDir("tsd-ready-");
    dirs.push(dir);
    dir.writeConfig(`[program:svc]\ncommand=${notifyScript(d.root)} 0.2\nready_check=notify\nstartsecs=0\n`);
    const daemon = await startDaemon(dir, [], { env: { ...process.env, TSUPERVISORD_NOTIFY: "helper" } });
    daemons.push(daemon);
    await waitReady(dir, "svc");
    expect(daemon.activityLog()).toMatch(/WARN sd_notify: native datagram receiver unavailable \(forced by configuration\); USING A python3 HELPER PROCESS/);
  });
});

describe("depends_on gated on health", () => {
  it("a probe to a port that never opens: the dependent waits and says why, nothing else blocks", async () => {
    const d = new TestDir();
    dirs.push(d);
    const dead = await freePort();
    const { dir } = await daemonWith(
      `[program:cache]\ncommand=${script(d.root, "cache", IDLE)}\nready_check=tcp:127.0.0.1:${dead}\nready_check_interval=0.2\nready_check_retries=2\nstartsecs=0\n\n` +
        `[program:app]\ncommand=${script(d.root, "app", IDLE)}\ndepends_on=cache:ready\nstartsecs=0\n\n` +
        `[program:other]\ncommand=${script(d.root, "other", IDLE)}\nstartsecs=0\n`,
    );
    // Unrelated programs start and run (nothing blocks on the failing probe).
    const other = await tsctl(dir, "wait", "other", "--for", "running", "--timeout", "30");
    expect(other.code, other.output).toBe(0);
    const waiting = await tsctl(dir, "wait", "app", "--for", "running", "--timeout", "1.5");
    expect(waiting.code).toBe(1);
    const line = await verbose(dir, "app");
    expect(line).toMatch(
      new RegExp(`^app +STOPPED +Not started +waiting for cache:ready \\(RUNNING, tcp:127\\.0\\.0\\.1:${dead} failed \\d+ times: connect ECONNREFUSED 127\\.0\\.0\\.1:${dead}\\)$`, "m"),
    );
    // The daemon still answers everything else at once.
    expect((await tsctl(dir, "status", "other")).stdout).toMatch(/^other +RUNNING/);
    // Once the port opens, the dependent follows by itself.
    const late = net.createServer((s) => s.end());
    servers.push(late);
    await new Promise<void>((r) => late.listen(dead, "127.0.0.1", () => r()));
    const started = await tsctl(dir, "wait", "app", "--for", "running", "--timeout", "30");
    expect(started.code, started.output).toBe(0);
  });

  it("liveness: N failures restart the program through its normal stop path", async () => {
    const d = new TestDir();
    dirs.push(d);
    const flag = d.file("sick");
    const { dir, daemon } = await daemonWith(
      `[program:svc]\ncommand=${script(d.root, "svc", IDLE)}\nlive_check=exec:/bin/sh -c "test ! -f ${flag}"\nlive_check_interval=0.2\nlive_check_retries=2\nstartsecs=0\n`,
    );
    const before = await tsctl(dir, "pid", "svc");
    fs.writeFileSync(flag, "");
    await daemon.waitForLog(/WARN live_check failed: svc: exec:\/bin\/sh -c "test ! -f \S+" failed 2 times: exit 1/);
    fs.rmSync(flag);
    await daemon.waitForLog(/stopped: svc \(exit status 0\)[\s\S]*spawned: 'svc' with pid \d+/);
    const running = await tsctl(dir, "wait", "svc", "--for", "running", "--timeout", "30");
    expect(running.code).toBe(0);
    expect((await tsctl(dir, "pid", "svc")).stdout).not.toBe(before.stdout);
  });

  it("tsctl start starts what a program needs; stop says which dependents still run; --with-dependents stops them first", async () => {
    const d = new TestDir();
    dirs.push(d);
    const port = await freePort();
    const { dir } = await daemonWith(
      `[program:db]\ncommand=${script(d.root, "db", TCP_SERVER, [String(port), "300"])}\nready_check=tcp:127.0.0.1:${port}\nready_check_interval=0.1\nautostart=false\nstartsecs=0\n\n` +
        `[program:app]\ncommand=${script(d.root, "app", IDLE)}\ndepends_on=db:ready\nautostart=false\nstartsecs=0\n`,
    );
    const start = await tsctl(dir, "start", "app");
    expect(start.stdout).toBe("app: started\n");
    expect((await tsctl(dir, "status", "db")).stdout).toMatch(/^db +RUNNING/);
    const stop = await tsctl(dir, "stop", "db");
    expect(stop.stdout).toBe("db: stopped\n");
    expect(stop.stderr).toBe("note: still running and depending on it: app (stop --with-dependents stops them first)\n");
    await tsctl(dir, "start", "db");
    const both = await tsctl(dir, "stop", "--with-dependents", "db");
    expect(both.stdout).toBe("app: stopped\ndb: stopped\n");
    expect(both.stderr).toBe("");
  });

  it("started needs only the spawn: the dependent runs while its dependency is still STARTING", async () => {
    const d = new TestDir();
    dirs.push(d);
    const { dir } = await daemonWith(
      `[program:slow]\ncommand=${script(d.root, "slow", IDLE)}\nstartsecs=60\n\n` +
        `[program:fast]\ncommand=${script(d.root, "fast", IDLE)}\ndepends_on=slow:started\nstartsecs=0\n`,
    );
    const r = await tsctl(dir, "wait", "fast", "--for", "running", "--timeout", "30");
    expect(r.code, r.output).toBe(0);
    expect((await tsctl(dir, "status", "slow")).stdout).toMatch(/^slow +STARTING/);
  });

  it("tsctl start fails cleanly when a dependency can no longer be met (it went FATAL)", async () => {
    const d = new TestDir();
    dirs.push(d);
    const { dir } = await daemonWith(
      `[program:db]\ncommand=/bin/false\nautostart=false\nstartretries=0\n\n` +
        `[program:app]\ncommand=${script(d.root, "app", IDLE)}\ndepends_on=db:running\nautostart=false\nstartsecs=0\n`,
    );
    const start = await tsctl(dir, "start", "app");
    expect(start.stdout).toBe("app: ERROR (dependency not met: db is FATAL)\n");
    expect(start.code).toBe(1);
    expect((await tsctl(dir, "status", "app")).stdout).toMatch(/^app +STOPPED +Not started\n$/);
  });

  it("tsctl graph prints the graph as text, JSON and DOT", async () => {
    const d = new TestDir();
    dirs.push(d);
    const port = await freePort();
    const { dir } = await daemonWith(
      `[program:db]\ncommand=${script(d.root, "db", TCP_SERVER, [String(port)])}\nready_check=tcp:127.0.0.1:${port}\nautostart=false\n\n` +
        `[program:app]\ncommand=${script(d.root, "app", IDLE)}\ndepends_on=db:ready\nautostart=false\npriority=1\n\n` +
        `[program:lone]\ncommand=${script(d.root, "lone", IDLE)}\nautostart=false\npriority=500\n`,
    );
    expect((await tsctl(dir, "graph")).stdout).toBe("lone (STOPPED)\ndb (STOPPED, pending)\napp (STOPPED)\n  needs db:ready\n");
    expect((await tsctl(dir, "graph", "app")).stdout).toBe("db (STOPPED, pending)\napp (STOPPED)\n  needs db:ready\n");
    const json = JSON.parse((await tsctl(dir, "graph", "--json")).stdout) as { order: string[]; edges: unknown[] };
    expect(json.order).toEqual(["lone", "db", "app"]);
    expect(json.edges).toEqual([{ from: "app", to: "db", condition: "ready" }]);
    expect((await tsctl(dir, "graph", "--dot")).stdout).toContain('"app" -> "db" [label="ready"];');
  });
});
