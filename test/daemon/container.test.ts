/**
 * Container mode end to end (issue 16): the built daemon as PID 1 of a real PID namespace
 * (`unshare --pid --fork --mount-proc`, as `docker run` gives it), real children, real signals, the real
 * activity log; probes over the real sockets. Docker itself does not run on the test machines; the namespace is
 * what makes the daemon PID 1, which is all Docker adds for these behaviours.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { childPids, DAEMON_MAIN, isAlive, REPO_ROOT, runDaemonOnce, startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";

const UNSHARE = "/usr/bin/unshare";
const canUnshare =
  process.platform === "linux" &&
  fs.existsSync(UNSHARE) &&
  spawnSync(UNSHARE, ["--pid", "--fork", "--mount-proc", "/bin/true"], { timeout: 5000 }).status === 0;

/** ppid, state and cmdline of every process, from /proc (host pids). */
function processTable(): Array<{ pid: number; ppid: number; state: string; cmdline: string }> {
  const out: Array<{ pid: number; ppid: number; state: string; cmdline: string }> = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      out.push({ pid: Number(entry), ppid: Number(fields[1]), state: fields[0] ?? "?", cmdline });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** Every descendant of `pid` (host pids), depth first. */
function descendantsOf(pid: number): number[] {
  const table = processTable();
  const out: number[] = [];
  const walk = (parent: number): void => {
    for (const p of table) {
      if (p.ppid !== parent) continue;
      out.push(p.pid);
      walk(p.pid);
    }
  };
  walk(pid);
  return out;
}

/** The daemon as PID 1 of a fresh PID namespace. */
class NamespacedDaemon {
  readonly exited: Promise<number | null>;
  stderr = "";
  private constructor(
    readonly unshare: ChildProcess,
    readonly dir: TestDir,
    readonly logfile: string,
  ) {
    unshare.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => unshare.once("exit", (code) => resolve(code)));
  }

  static async start(dir: TestDir, env: NodeJS.ProcessEnv = process.env, logfile = dir.logfile): Promise<NamespacedDaemon> {
    const clean = { ...env };
    delete clean["TSUPERVISORD_SUBREAPER"];
    const unshare = spawn(UNSHARE, ["--pid", "--fork", "--mount-proc", "--kill-child", process.execPath, DAEMON_MAIN, "-n", "-c", dir.conf], {
      env: clean,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const daemon = new NamespacedDaemon(unshare, dir, logfile);
    await daemon.waitForLog(/supervisord started with pid 1\n/);
    return daemon;
  }

  /** The daemon's pid as the host sees it. */
  get pid(): number {
    const [pid] = childPids(this.unshare.pid as number);
    if (pid === undefined) throw new Error("the daemon is not running");
    return pid;
  }

  log(): string {
    try {
      return fs.readFileSync(this.logfile, "utf8");
    } catch {
      return "";
    }
  }

  waitForLog(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return waitFor(`activity log to match ${pattern}`, () => {
      const text = this.log();
      return pattern.test(text) ? text : undefined;
    }, timeoutMs);
  }

  kill(): void {
    if (this.unshare.exitCode === null && this.unshare.signalCode === null) this.unshare.kill("SIGKILL");
  }
}

function probe(socket: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, path, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe.skipIf(!canUnshare)("container mode as PID 1 (unshare --pid)", () => {
  let dir: TestDir | undefined;
  let daemon: NamespacedDaemon | undefined;
  afterEach(() => {
    daemon?.kill();
    dir?.cleanup();
    daemon = undefined;
    dir = undefined;
  });

  it("RAP-01: 100 double-forked orphans are re-parented to PID 1 and every one is reaped when it exits (0 zombies)", async () => {
    dir = new TestDir("tsupd-ct-");
    const fifo = dir.file("release");
    spawnSync("/usr/bin/mkfifo", [fifo]);
    // Each inner shell starts a cat blocked on the fifo and exits at once: the cat is orphaned (double fork).
    fs.writeFileSync(
      dir.file("spawner.sh"),
      `i=0\nwhile [ $i -lt 100 ]; do /bin/sh -c '/bin/cat ${fifo} > /dev/null &'; i=$((i+1)); done\nexec /bin/sleep 1000\n`,
    );
    dir.writeConfig(["[program:spawner]", `command=/bin/sh ${dir.file("spawner.sh")}`, "startsecs=0", ""].join("\n"));
    daemon = await NamespacedDaemon.start(dir);
    const pid1 = daemon.pid;
    const orphans = (): number[] => processTable().filter((p) => p.cmdline === `/bin/cat\0${fifo}\0`).map((p) => p.pid);
    // All 100 exist and belong to PID 1 (not to the program that started them).
    await waitFor("100 orphans re-parented to PID 1", () => {
      const cats = processTable().filter((p) => p.cmdline === `/bin/cat\0${fifo}\0`);
      return cats.length === 100 && cats.every((p) => p.ppid === pid1);
    });
    // Release them: every blocked reader sees the writer open and close, and exits.
    fs.closeSync(fs.openSync(fifo, "w"));
    const reaped = (): number => daemon?.log().match(/INFO reaped unknown pid \d+ \(exit status 0\)\n/g)?.length ?? 0;
    await waitFor("100 'reaped unknown pid' lines", () => reaped() >= 100);
    expect(reaped()).toBe(100);
    expect(orphans()).toEqual([]);
    expect(processTable().filter((p) => p.ppid === pid1 && p.state === "Z")).toEqual([]);
    process.kill(pid1, "SIGTERM");
    expect(await daemon.exited).toBe(0);
  }, 60_000);

  it("an essential program that crashes: the others are stopped in order, nothing is left, and the daemon exits with its status", async () => {
    dir = new TestDir("tsupd-ct-");
    const go = dir.file("go");
    dir.writeConfig(
      [
        "[program:db]",
        "command=/bin/sleep 1000",
        "startsecs=0",
        "priority=10",
        "",
        "[program:web]",
        // A grandchild in the program's own process group, so "nothing left" covers more than the direct child.
        `command=/bin/sh -c '/bin/sleep 1000 & while [ ! -e ${go} ]; do /bin/sleep 0.05; done; exit 7'`,
        "essential=true",
        "autorestart=false",
        "startsecs=0",
        "priority=20",
        "",
        "[program:worker]",
        "command=/bin/sleep 1000",
        "startsecs=0",
        "priority=30",
        "",
      ].join("\n"),
    );
    daemon = await NamespacedDaemon.start(dir);
    const pid1 = daemon.pid;
    await daemon.waitForLog(/success: db entered RUNNING[\s\S]*success: web entered RUNNING[\s\S]*success: worker entered RUNNING/);
    const everything = descendantsOf(pid1);
    expect(everything.length).toBeGreaterThanOrEqual(4);
    fs.writeFileSync(go, "");
    expect(await daemon.exited).toBe(7);
    const log = daemon.log();
    expect(log).toMatch(
      /CRIT essential program web exited and will not be restarted \(last child: exit status 7\); stopping everything, then exiting with status 7/,
    );
    // supervisord's shutdown order: the highest priority number first.
    const worker = log.indexOf("stopped: worker (terminated by SIGTERM)");
    const db = log.indexOf("stopped: db (terminated by SIGTERM)");
    expect(worker).toBeGreaterThan(0);
    expect(db).toBeGreaterThan(worker);
    expect(log).toMatch(/INFO exiting with status 7\n/);
    expect(everything.filter(isAlive)).toEqual([]);
  }, 60_000);

  it("an essential program that goes FATAL (cannot be spawned) ends the daemon with status 3", async () => {
    dir = new TestDir("tsupd-ct-");
    dir.writeConfig(
      [
        "[program:ok]",
        "command=/bin/sleep 1000",
        "startsecs=0",
        "",
        "[program:broken]",
        `command=${dir.file("does-not-exist")}`,
        "essential=true",
        "startretries=0",
        "",
      ].join("\n"),
    );
    daemon = await NamespacedDaemon.start(dir);
    expect(await daemon.exited).toBe(3);
    expect(daemon.log()).toMatch(/CRIT essential program broken entered FATAL state \(last child: no exit status\); stopping everything, then exiting with status 3/);
    expect(daemon.log()).toMatch(/stopped: ok \(terminated by SIGTERM\)/);
  }, 60_000);

  it("SIGTERM with a program that ignores it and stop_deadline=3s: it is SIGKILLed before the deadline, logged by name, exit 4", async () => {
    dir = new TestDir("tsupd-ct-");
    const ready = dir.file("trapped");
    dir.writeConfig(
      [
        "[program:stubborn]",
        `command=/bin/sh -c 'trap "" TERM; : > ${ready}; while :; do /bin/sleep 1; done'`,
        "stopwaitsecs=60",
        "startsecs=0",
        "",
        "[program:polite]",
        "command=/bin/sleep 1000",
        "startsecs=0",
        "",
      ].join("\n"),
      { supervisord: "stop_deadline=3s\n" },
    );
    daemon = await NamespacedDaemon.start(dir);
    const pid1 = daemon.pid;
    await daemon.waitForLog(/success: stubborn entered RUNNING[\s\S]*success: polite|success: polite[\s\S]*success: stubborn/);
    await waitFor("stubborn to ignore SIGTERM", () => fs.existsSync(ready));
    const everything = descendantsOf(pid1);
    const stubbornPid = Number(/spawned: 'stubborn' with pid (\d+)/.exec(daemon.log())?.[1]);
    process.kill(pid1, "SIGTERM");
    expect(await daemon.exited).toBe(4);
    const log = daemon.log();
    expect(log).toMatch(new RegExp(`WARN stop deadline: killed stubborn \\(pid ${stubbornPid}\\) with SIGKILL`));
    expect(log).toMatch(new RegExp(`WARN stop deadline \\(3s\\): SIGKILLed stubborn \\(pid ${stubbornPid}\\)\\n`));
    expect(log).toMatch(/stopped: polite \(terminated by SIGTERM\)/);
    expect(log).not.toMatch(/stop deadline: killed polite/);
    expect(log).toMatch(/INFO exiting with status 4\n/);
    expect(everything.filter(isAlive)).toEqual([]);
  }, 60_000);

  it("as PID 1 without a loadable reaper addon the daemon refuses to start (exit 2, CRIT in the log), never a warning", async () => {
    dir = new TestDir("tsupd-ct-");
    dir.writeConfig(["[program:a]", "command=/bin/sleep 1000", ""].join("\n"));
    const addon = `${REPO_ROOT}/packages/reaper/dist/native/reaper.node`;
    expect(fs.existsSync(addon)).toBe(true);
    // A private mount namespace hides the addon behind /dev/null for this daemon only.
    const script = `mount --bind /dev/null ${addon} && exec ${process.execPath} ${DAEMON_MAIN} -n -c ${dir.conf}`;
    const result = spawnSync(UNSHARE, ["--pid", "--fork", "--mount-proc", "/bin/sh", "-c", script], { encoding: "utf8", timeout: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Error: running as PID 1 but orphaned processes will not be reaped: .*refusing to start/);
    expect(fs.readFileSync(dir.logfile, "utf8")).toMatch(/CRIT running as PID 1 but orphaned processes will not be reaped/);
    expect(fs.readFileSync(dir.logfile, "utf8")).not.toMatch(/spawned:/);
  }, 30_000);

  it("TSUPERVISORD_STOP_DEADLINE sets the deadline without touching the file", async () => {
    dir = new TestDir("tsupd-ct-");
    const trapped = dir.file("trapped");
    dir.writeConfig(
      ["[program:stubborn]", `command=/bin/sh -c 'trap "" TERM; : > ${trapped}; while :; do /bin/sleep 1; done'`, "stopwaitsecs=60", "startsecs=0", ""].join("\n"),
    );
    daemon = await NamespacedDaemon.start(dir, { ...process.env, TSUPERVISORD_STOP_DEADLINE: "2s" });
    await waitFor("stubborn to ignore SIGTERM", () => fs.existsSync(trapped));
    process.kill(daemon.pid, "SIGTERM");
    expect(await daemon.exited).toBe(4);
    expect(daemon.log()).toMatch(/stop deadline \(2s from TSUPERVISORD_STOP_DEADLINE\): SIGKILLed stubborn/);
  }, 60_000);
});

const NGINX = "/usr/sbin/nginx";
const PYTHON = ["/usr/bin/python3", "/usr/local/bin/python3"].find((p) => fs.existsSync(p)) ?? null;

describe.skipIf(!canUnshare || !fs.existsSync(NGINX) || PYTHON === null)("the shipped example (examples/container) as PID 1", () => {
  let dir: TestDir | undefined;
  let daemon: NamespacedDaemon | undefined;
  afterEach(() => {
    daemon?.kill();
    dir?.cleanup();
  });

  it("nginx and the worker start, probes say ready, SIGTERM stops nginx first, the worker drains, exit 0", async () => {
    dir = new TestDir("tsupd-ex-");
    const d = dir;
    const example = (name: string): string => fs.readFileSync(`${REPO_ROOT}/examples/container/${name}`, "utf8");
    for (const sub of ["run", "log", "etc"]) fs.mkdirSync(d.file(sub));
    // The image's absolute paths, moved into the test's directory (and a free port instead of 8080/9001).
    const port = 20_000 + (process.pid % 20_000);
    const conf = example("supervisord.conf")
      .replaceAll("/run/tsupervisord", d.file("run"))
      .replaceAll("/var/log/tsupervisord", d.file("log"))
      .replaceAll("/etc/app/", `${d.file("etc")}/`)
      .replace("/usr/bin/python3 -u /app/worker.py", `${PYTHON as string} -u ${REPO_ROOT}/examples/container/worker.py`)
      .replace("/usr/sbin/nginx -g", `${NGINX} -c ${d.file("nginx.conf")} -g`)
      .replace("port=*:9001", `port=127.0.0.1:${port}`);
    fs.writeFileSync(d.conf, conf);
    fs.writeFileSync(
      d.file("nginx.conf"),
      example("nginx.conf").replace("/run/nginx.pid", d.file("run/nginx.pid")).replace("/run/app/worker.txt", d.file("run/worker.txt")).replace("listen 8080", `listen 127.0.0.1:${port + 1}`),
    );
    fs.writeFileSync(d.file("etc/app.env"), `WORKER_HEARTBEAT=${d.file("run/worker.txt")}\nWORKER_JOB_SECONDS=0.2\n`);
    const env = { ...process.env, TSUPERVISORD_PASSWORD: "example-secret" };
    daemon = await NamespacedDaemon.start(d, env, d.file("log/supervisord.log"));
    const ask = async (flag: string): Promise<number | null> => (await runDaemonOnce([flag, "-c", d.conf], { env })).status;
    await waitFor("the example to be ready", async () => (await ask("--ready")) === 0, 20_000);
    expect(await ask("--health")).toBe(0);
    const text = await new Promise<string>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port: port + 1, path: "/", agent: false }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve(body));
      }).on("error", reject);
    });
    expect(text).toBe("hello from nginx under tsupervisord\n");
    await waitFor("a worker heartbeat", () => fs.existsSync(d.file("run/worker.txt")));
    process.kill(daemon.pid, "SIGTERM");
    expect(await daemon.exited).toBe(0);
    const log = daemon.log();
    const nginxStopped = log.indexOf("stopped: nginx (exit status 0)");
    const workerStopped = log.indexOf("stopped: worker (exit status 0)");
    expect(nginxStopped).toBeGreaterThan(0);
    expect(workerStopped).toBeGreaterThan(nginxStopped);
  }, 60_000);
});

describe("container probes and environment files (real daemon)", () => {
  let dir: TestDir | undefined;
  let daemon: RunningDaemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
    dir?.cleanup();
    daemon = undefined;
    dir = undefined;
  });

  const health = async (d: TestDir, flag: "--health" | "--ready"): Promise<number | null> =>
    (await runDaemonOnce([flag, "-c", d.conf])).status;

  it("/healthz and /readyz through start, readiness, an essential failure and shutdown; --health/--ready agree", async () => {
    dir = new TestDir("tsupd-ct-");
    const crash = dir.file("crash");
    const trapped = dir.file("trapped");
    dir.writeConfig(
      [
        "[program:web]",
        // Runs until the marker appears; from then on every start exits at once: RUNNING -> EXITED -> (restart,
        // too quick) BACKOFF -> FATAL with startretries=0. FATAL is an end for an essential program.
        `command=/bin/sh -c 'while [ ! -e ${crash} ]; do /bin/sleep 0.05; done; exit 5'`,
        "essential=true",
        "startsecs=1",
        "startretries=0",
        "autorestart=true",
        "",
        // Essential too, but not started yet: the daemon is live, not ready.
        "[program:worker]",
        "command=/bin/sleep 1000",
        "essential=true",
        "autostart=false",
        "startsecs=0",
        "",
        // Holds the shutdown open long enough to ask the probes during it.
        "[program:drain]",
        `command=/bin/sh -c 'trap "" TERM; : > ${trapped}; while :; do /bin/sleep 1; done'`,
        "stopwaitsecs=60",
        "startsecs=0",
        "",
      ].join("\n"),
      { unix: "username=user\npassword=secret\n", supervisord: "stop_deadline=5s\n" },
    );
    daemon = await startDaemon(dir);
    const sock = dir.socket;
    await daemon.waitForLog(/success: web entered RUNNING/);
    // Start: live, not ready (worker is essential and STOPPED).
    expect(await probe(sock, "/healthz")).toBe(200);
    expect(await probe(sock, "/readyz")).toBe(503);
    expect(await health(dir, "--health")).toBe(0);
    expect(await health(dir, "--ready")).toBe(1);
    // Everything else still needs the credentials.
    expect(await probe(sock, "/")).toBe(401);

    // Readiness: start worker (with credentials), then ready.
    const client = daemon.client(`unix://${sock}`, { username: "user", password: "secret" });
    await client.startProcess({ name: "worker", wait: true });
    await waitForState(client, "worker", "RUNNING");
    await waitFor("drain to trap SIGTERM", () => fs.existsSync(trapped));
    expect(await probe(sock, "/readyz")).toBe(200);
    expect(await health(dir, "--ready")).toBe(0);

    // An operator's stop of an essential program is not a failure: still live, no longer ready.
    await client.stopProcess({ name: "worker", wait: true });
    expect(await probe(sock, "/healthz")).toBe(200);
    expect(await probe(sock, "/readyz")).toBe(503);
    await client.startProcess({ name: "worker", wait: true });
    expect(await probe(sock, "/readyz")).toBe(200);
    client.close();

    // The essential program fails for good (FATAL); its last exit status (5) becomes the daemon's.
    fs.writeFileSync(crash, "");
    await daemon.waitForLog(/CRIT essential program web entered FATAL state/);
    // Shutting down (drain holds it open): neither live nor ready.
    await waitFor("/healthz to say 503 during the shutdown", async () => (await probe(sock, "/healthz")) === 503);
    expect(await probe(sock, "/readyz")).toBe(503);
    expect(await health(dir, "--health")).toBe(1);
    expect(await daemon.exited).toEqual({ status: 5, signal: null });
    // Gone: the probe has nobody to ask.
    expect(await health(dir, "--health")).toBe(1);
  }, 90_000);

  it.each([
    ["every program ended as expected", "0", 0],
    ["a program ended unexpectedly", "1", 1],
  ])("exit_when = all-exited: %s -> exit %d", async (_what, lastCode, status) => {
    dir = new TestDir("tsupd-ct-");
    const go = dir.file("go");
    dir.writeConfig(
      [
        "[program:one]",
        `command=/bin/sh -c 'while [ ! -e ${go} ]; do /bin/sleep 0.05; done; exit 0'`,
        "autorestart=false",
        "startsecs=0",
        "",
        "[program:two]",
        `command=/bin/sh -c 'while [ ! -e ${go} ]; do /bin/sleep 0.05; done; exit ${lastCode}'`,
        "autorestart=false",
        "startsecs=0",
        "",
        "[program:manual]",
        "command=/bin/sleep 1000",
        "autostart=false",
        "",
      ].join("\n"),
      { supervisord: "exit_when=all-exited\n" },
    );
    daemon = await startDaemon(dir);
    await daemon.waitForLog(/success: one entered RUNNING[\s\S]*success: two|success: two[\s\S]*success: one/);
    fs.writeFileSync(go, "");
    expect((await daemon.exited).status).toBe(status);
    expect(daemon.activityLog()).toMatch(
      new RegExp(`${status === 0 ? "INFO" : "CRIT"} exit_when = all-exited: every program has exited; stopping everything, then exiting with status ${status}`),
    );
  }, 30_000);

  it("environment_file: KEY=VALUE files reach the program under its own environment=", async () => {
    dir = new TestDir("tsupd-ct-");
    fs.writeFileSync(dir.file("app.env"), "# app settings\nGREETING='hello world'\nNAME=file\nQUOTED=\"a \\\"b\\\"\"\n");
    const out = dir.file("out");
    dir.writeConfig(
      [
        "[program:env]",
        `command=/bin/sh -c 'printf "%%s|%%s|%%s" "$GREETING" "$NAME" "$QUOTED" > ${out}; exec /bin/sleep 1000'`,
        `environment_file=${dir.file("app.env")}, -${dir.file("optional.env")}`,
        "environment=NAME=inline",
        "startsecs=0",
        "",
      ].join("\n"),
    );
    daemon = await startDaemon(dir);
    const text = await waitFor("the program's output", () => (fs.existsSync(out) && fs.readFileSync(out, "utf8") !== "" ? fs.readFileSync(out, "utf8") : undefined));
    expect(text).toBe('hello world|inline|a "b"');
  }, 30_000);
});
