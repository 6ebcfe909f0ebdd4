/**
 * Issue 17 end to end: `/metrics` on the inet listener and the unix socket behind the same auth, parsed by a
 * real Prometheus text parser (and `promtool check metrics` where installed), values checked against /proc for
 * a child of known size; no sampling while nobody watches; and no leaked descendants after `tsctl stop`, shown
 * side by side with Debian's supervisord, which leaks them.
 */
import { execFile, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT, isAlive, startDaemon, TestDir, waitFor, waitForState } from "./lib/daemon.js";
import { freePort } from "./lib/ports.js";

// The engine's process-tree fixtures (one copy: the engine's governance tests run the same programs).
const SCRIPTS = path.join(REPO_ROOT, "packages/engine/test/fixtures");
const TSCTL = path.join(REPO_ROOT, "apps/ctl/dist/main.js");
const PY = "/usr/bin/python3";
const SUPERVISORD = "/usr/bin/supervisord";
const SUPERVISORCTL = "/usr/bin/supervisorctl";
const PROMTOOL = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((p) => fs.existsSync(p)) ?? null;
if (PROMTOOL === null) console.log("[skip] promtool check metrics: promtool is not installed (Debian package prometheus)");

interface Sample {
  value: string;
  labels?: Record<string, string>;
}
interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: Sample[];
}

function get(
  target: { socketPath: string } | { port: number },
  pathname: string,
  auth?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { ...target, ...("port" in target ? { host: "127.0.0.1" } : {}), path: pathname, headers: auth ? { Authorization: `Basic ${Buffer.from(auth).toString("base64")}` } : {} },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function parse(text: string): Map<string, ParsedFamily> {
  const families = parsePrometheusTextFormat(text) as ParsedFamily[];
  // The parser is lenient about values: every one must be a Prometheus float.
  for (const f of families) {
    for (const m of f.metrics) expect(m.value, `${f.name} ${JSON.stringify(m.labels)}`).toMatch(/^(-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|[+-]Inf)$/);
  }
  return new Map(families.map((f) => [f.name, f]));
}

function value(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string>): number | undefined {
  const hit = families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return hit === undefined ? undefined : Number(hit.value);
}

function treeOf(root: number): number[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    const pid = out[i] as number;
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      const kids = fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      if (kids !== "") out.push(...kids.split(" ").map(Number));
    }
  }
  return out;
}

const vmRss = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;

function tsctl(conf: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSCTL, "-c", conf, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
    });
  });
}

describe.skipIf(process.platform !== "linux")("/metrics (issue 17)", () => {
  it("serves Prometheus text on both listeners behind the same auth; values match /proc; restarts and exits counted", async () => {
    using dir = new TestDir("tsupd-met-");
    const port = await freePort();
    dir.writeConfig(
      [
        `[inet_http_server]\nport=127.0.0.1:${port}\nusername=prom\npassword=s3cret\n`,
        `[program:alloc]\ncommand=${PY} ${path.join(SCRIPTS, "alloc.py")} 64 16\nstartsecs=0\nstdout_logfile=${dir.file("alloc.log")}\nrlimit_nofile=512:1024\nrestart_if_rss_over=8GB for 1h\nready_check=log:/ready/\n`,
        `[program:talker]\ncommand=/bin/sh -c "printf 12345678; exec /bin/sleep 1000"\nstartsecs=0\nstdout_logfile=${dir.file("talker.log")}\n`,
        // A ready_check on a process with no child: readiness `pending` (never probed, so the port does not matter).
        `[program:idle]\ncommand=/bin/sleep 1000\nautostart=false\nready_check=tcp:127.0.0.1:${port}\n`,
      ].join("\n"),
    );
    await using daemon = await startDaemon(dir);
    const client = daemon.client();
    const allocPid = await waitForState(client, "alloc", "RUNNING");
    await waitFor("alloc ready", () => fs.readFileSync(dir?.file("alloc.log") ?? "", "utf8").includes("ready") || undefined);
    await waitFor("talker output", () => fs.readFileSync(dir?.file("talker.log") ?? "", "utf8") === "12345678" || undefined);
    const ready = await tsctl(dir.conf, "wait", "alloc", "--for", "ready", "--timeout", "30");
    expect(ready.code, ready.stderr).toBe(0);

    // The watchdog of `alloc` (8GB for 1h) holds the one lease; nothing else samples.
    expect((await get({ port }, "/metrics")).status).toBe(401);
    expect((await get({ port }, "/metrics", "prom:wrong")).status).toBe(401);
    const res = await get({ port }, "/metrics", "prom:s3cret");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const m = parse(res.body);

    // One-hot states: exactly one 1 per process.
    for (const name of ["alloc", "talker", "idle"]) {
      const states = m.get("tsupervisord_process_state")?.metrics.filter((s) => s.labels?.name === name) ?? [];
      expect(states).toHaveLength(8);
      expect(states.filter((s) => s.value === "1").map((s) => s.labels?.state)).toEqual([name === "idle" ? "STOPPED" : "RUNNING"]);
    }
    // Readiness (issue 14), one-hot too: alloc's log check passed, talker has no ready_check, idle has no child.
    for (const [name, expected] of [["alloc", "ready"], ["talker", "none"], ["idle", "pending"]] as const) {
      const readiness = m.get("tsupervisord_process_readiness")?.metrics.filter((s) => s.labels?.name === name) ?? [];
      expect(readiness.map((s) => s.labels?.readiness).sort()).toEqual(["checking", "failing", "none", "pending", "ready"]);
      expect(readiness.filter((s) => s.value === "1").map((s) => s.labels?.readiness)).toEqual([expected]);
    }
    const alloc = { group: "alloc", name: "alloc" };
    expect(value(m, "tsupervisord_process_pid", alloc)).toBe(allocPid);
    // Tree RSS against /proc: 64 MiB + 16 MiB touched plus two interpreters.
    const members = treeOf(allocPid);
    expect(members).toHaveLength(2);
    expect(value(m, "tsupervisord_process_tree_processes", alloc)).toBe(2);
    const procRss = members.reduce((n, pid) => n + vmRss(pid), 0);
    const rss = value(m, "tsupervisord_process_resident_memory_bytes", alloc) ?? 0;
    expect(rss).toBeGreaterThan(80 * 1024 * 1024);
    expect(Math.abs(rss - procRss)).toBeLessThan(procRss * 0.02);
    const fds = members.reduce((n, pid) => n + fs.readdirSync(`/proc/${pid}/fd`).length, 0);
    expect(value(m, "tsupervisord_process_open_fds", alloc)).toBe(fds);
    expect(value(m, "tsupervisord_process_cpu_seconds_total", alloc)).toBeGreaterThan(0);
    // rlimit_nofile=512:1024 reached the child itself (through prlimit or the sh wrapper), pid unchanged.
    expect(fs.readFileSync(`/proc/${allocPid}/limits`, "utf8")).toMatch(/^Max open files\s+512\s+1024\s+files\s*$/m);
    expect(fs.readFileSync(`/proc/${allocPid}/cmdline`, "utf8").split("\0")).toContain(path.join(SCRIPTS, "alloc.py"));
    expect(value(m, "tsupervisord_process_rlimit", { ...alloc, resource: "nofile", kind: "soft" })).toBe(512);
    expect(value(m, "tsupervisord_process_rlimit", { ...alloc, resource: "nofile", kind: "hard" })).toBe(1024);
    expect(value(m, "tsupervisord_process_rss_restart_threshold_bytes", alloc)).toBe(8 * 1024 ** 3);
    expect(value(m, "tsupervisord_process_log_bytes_total", { group: "talker", name: "talker", channel: "stdout" })).toBe(8);
    expect(value(m, "tsupervisord_process_restarts_total", alloc)).toBe(0);
    expect(value(m, "tsupervisord_daemon_resident_memory_bytes", {})).toBeGreaterThan(0);
    expect(m.get("tsupervisord_daemon_cpu_seconds_total")?.type).toBe("COUNTER");

    // The unix socket serves the same (it has no credentials configured, so none are asked).
    const viaUnix = await get({ socketPath: dir.socket }, "/metrics");
    expect(viaUnix.status).toBe(200);
    expect(parse(viaUnix.body).has("tsupervisord_process_state")).toBe(true);

    if (PROMTOOL !== null) {
      const check = spawnSync(PROMTOOL, ["check", "metrics"], { input: res.body, encoding: "utf8" });
      expect(check.stderr + check.stdout).toBe("");
      expect(check.status).toBe(0);
    }

    // `tsctl status --json` carries the same tree stats and the limits; plain status stays supervisorctl's.
    const json = JSON.parse((await tsctl(dir.conf, "status", "--json", "alloc")).stdout) as Array<{ resources: Record<string, unknown> }>;
    const r = json[0]?.resources as { rss_bytes: number; fds: number; tree_processes: number; limits: Record<string, unknown>; cgroup: string };
    expect(Math.abs(r.rss_bytes - procRss)).toBeLessThan(procRss * 0.02);
    expect(r.fds).toBe(fds);
    expect(r.tree_processes).toBe(2);
    expect((json[0] as { restarts?: number }).restarts).toBe(0);
    expect(r.limits).toMatchObject({ rlimits: "nofile=512:1024", restart_if_rss_over_bytes: 8 * 1024 ** 3, restart_if_rss_over_for_ms: 3_600_000 });
    const plain = await tsctl(dir.conf, "status", "alloc");
    expect(plain.stdout).toMatch(/^alloc\s+RUNNING\s+pid \d+, uptime \d+:\d\d:\d\d\n$/);

    // A restart is counted, with how the last run ended (SIGTERM).
    expect((await tsctl(dir.conf, "restart", "alloc")).code).toBe(0);
    const after = parse((await get({ port }, "/metrics", "prom:s3cret")).body);
    expect(value(after, "tsupervisord_process_restarts_total", alloc)).toBe(1);
    expect(value(after, "tsupervisord_process_last_exit_signal", alloc)).toBe(15);
    expect(value(after, "tsupervisord_process_last_exit_code", alloc)).toBe(-1);
  });

  it("an idle daemon with nothing watching does no sampling: one pass per scrape, no timer", async () => {
    using dir = new TestDir("tsupd-met-");
    dir.writeConfig(`[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\n`);
    await using daemon = await startDaemon(dir);
    const client = daemon.client();
    await waitForState(client, "a", "RUNNING");
    await waitForState(client, "b", "RUNNING");
    // A plain status (what supervisorctl status asks) reads no /proc either.
    expect((await tsctl(dir.conf, "status")).code).toBe(0);
    const first = parse((await get({ socketPath: dir.socket }, "/metrics")).body);
    expect(value(first, "tsupervisord_stats_passes_total", {})).toBe(1);
    expect(value(first, "tsupervisord_stats_watchers", {})).toBe(0);
    const second = parse((await get({ socketPath: dir.socket }, "/metrics")).body);
    // One pass per scrape: nothing samples in between.
    expect(value(second, "tsupervisord_stats_passes_total", {})).toBe(2);
    expect(value(second, "tsupervisord_scrapes_total", {})).toBe(2);
    expect(value(second, "tsupervisord_stats_watchers", {})).toBe(0);
  });
});

describe.skipIf(process.platform !== "linux" || !fs.existsSync(PY))("no leaked descendants after stop (issue 17, supervisord #1101/#1396)", () => {
  const program = (dir: TestDir): string =>
    `[program:web]\ncommand=${PY} ${path.join(SCRIPTS, "gunicorn_like.py")} 3\nstartsecs=0\nstopasgroup=true\nstdout_logfile=${dir.file("web.log")}\n`;
  const workersIn = async (dir: TestDir): Promise<number[]> => {
    const line = await waitFor("worker pids", () => /workers ([\d ]+)\n/.exec(fs.readFileSync(dir.file("web.log"), "utf8"))?.[1]);
    return line.trim().split(" ").map(Number);
  };
  const strays: number[] = [];
  afterEach(() => {
    for (const pid of strays.splice(0)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  });

  it("tsupervisord: after `tsctl stop`, 0 processes of the program are left", async () => {
    const dir = new TestDir("tsupd-leak-");
    dir.writeConfig(program(dir));
    const daemon = await startDaemon(dir);
    try {
      const master = await waitForState(daemon.client(), "web", "RUNNING");
      const workers = await workersIn(dir);
      strays.push(...workers);
      expect(workers.every(isAlive)).toBe(true);
      const stop = await tsctl(dir.conf, "stop", "web");
      expect(stop.stdout).toBe("web: stopped\n");
      await waitFor("every worker gone", () => [master, ...workers].every((pid) => !isAliveAndNotZombie(pid)) || undefined, 15_000);
      console.log(`tsupervisord: workers ${workers.join(", ")} after tsctl stop: ${workers.filter(isAliveAndNotZombie).length} left`);
    } finally {
      await daemon.stop();
      dir.cleanup();
    }
  });

  it.skipIf(!fs.existsSync(SUPERVISORD))("side by side: Debian's supervisord 4.2.5 leaks the same workers after `supervisorctl stop`", async () => {
    const dir = new TestDir("tsupd-leak-");
    dir.writeConfig(program(dir));
    const sd = spawn(SUPERVISORD, ["-n", "-c", dir.conf], { stdio: "ignore" });
    try {
      const workers = await workersIn(dir);
      strays.push(...workers);
      const stop = spawnSync(SUPERVISORCTL, ["-c", dir.conf, "stop", "web"], { encoding: "utf8", timeout: 30_000 });
      expect(stop.stdout).toBe("web: stopped\n");
      // supervisord reports the stop done; its workers (they left the process group with setsid) live on.
      const left = workers.filter(isAliveAndNotZombie);
      console.log(`supervisord 4.2.5: workers ${workers.join(", ")} after supervisorctl stop: ${left.length} left`);
      expect(left).toEqual(workers);
    } finally {
      sd.kill("SIGTERM");
      await new Promise((resolve) => sd.once("exit", resolve));
      dir.cleanup();
    }
  });
});

function isAliveAndNotZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
