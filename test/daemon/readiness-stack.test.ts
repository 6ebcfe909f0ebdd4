/**
 * issue 14: a Celery-like stack (broker, migrate once, worker, beat, web) written with depends_on, started in
 * dependency order and stopped in reverse, verified by the timestamps in the children's own logs; and the same
 * file under Debian's supervisord 4.2.5, which ignores the extension keys and runs it.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { runCommand, type RunResult } from "../ctl/lib/run.js";
import { TSCTL } from "../ctl/lib/paths.js";
import { startDaemon, TestDir, waitFor, type RunningDaemon } from "./lib/daemon.js";
import { freePort } from "./lib/ports.js";
import { HTTP_SERVER, IDLE, NODE, ONE_SHOT, TCP_SERVER, script } from "./readiness/children.js";

const SUPERVISORD = "/usr/bin/supervisord";
const SUPERVISORCTL = "/usr/bin/supervisorctl";

const dirs: TestDir[] = [];
const daemons: RunningDaemon[] = [];
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  for (const d of dirs.splice(0)) d.cleanup();
});

/** The stack. Priorities deliberately disagree with the dependencies: the graph wins, priority only breaks ties. */
async function writeStack(dir: TestDir): Promise<void> {
  const brokerPort = await freePort();
  const webPort = await freePort();
  const log = (name: string): string => `stdout_logfile=${dir.file(`${name}.out`)}\n`;
  dir.writeConfig(
    `[program:broker]\ncommand=${script(dir.root, "broker", TCP_SERVER, [String(brokerPort), "300"])}\npriority=900\n` +
      `ready_check=tcp:127.0.0.1:${brokerPort}\nready_check_interval=0.1\nstartsecs=0\n${log("broker")}\n` +
      `[program:migrate]\ncommand=${script(dir.root, "migrate", ONE_SHOT, ["300"])}\npriority=1\nautorestart=false\nstartsecs=0\n${log("migrate")}\n` +
      `[program:worker]\ncommand=${script(dir.root, "worker", IDLE)}\npriority=1\nstartsecs=1\n` +
      `depends_on=broker:ready, migrate:completed\n${log("worker")}\n` +
      `[program:beat]\ncommand=${script(dir.root, "beat", IDLE)}\npriority=1\nstartsecs=0\ndepends_on=worker:running\n${log("beat")}\n` +
      `[program:web]\ncommand=${script(dir.root, "web", HTTP_SERVER, [String(webPort)])}\npriority=1\nstartsecs=0\n` +
      `ready_check=http://127.0.0.1:${webPort}/health\nready_check_interval=0.1\n` +
      `depends_on=migrate:completed, broker:ready\n${log("web")}\n`,
  );
}

/** `<event> <epoch ms>` lines of a child's own log. */
function events(dir: TestDir, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of fs.readFileSync(dir.file(`${name}.out`), "utf8").split("\n")) {
    const m = /^(start|stop|listening|done) (\d+)$/.exec(line);
    if (m) out[m[1] as string] = Number(m[2]);
  }
  return out;
}

function tsctl(dir: TestDir, ...args: string[]): Promise<RunResult> {
  return runCommand([NODE, TSCTL, "-c", dir.conf, ...args], { timeoutMs: 60_000 });
}

describe("examples/readiness", () => {
  it("is a valid config whose extension keys -t lists", async () => {
    const root = new URL("../..", import.meta.url).pathname;
    const t = await runCommand([NODE, `${root}apps/daemon/dist/tsupervisord.js`, "-t", "-c", `${root}examples/readiness/supervisord.conf`]);
    expect(t.code, t.output).toBe(0);
    expect(t.stdout).toMatch(/^config OK\n/);
    expect(t.stdout).toMatch(/^extension\t\S+supervisord\.conf:\d+\t\[program:worker\]\tdepends_on$/m);
  });
});

describe("a Celery-like stack", () => {
  it("starts in dependency order and stops in reverse, by the children's own timestamps", async () => {
    const dir = new TestDir("tsd-stack-");
    dirs.push(dir);
    await writeStack(dir);
    const daemon = await startDaemon(dir);
    daemons.push(daemon);
    const up = await tsctl(dir, "wait", "broker", "worker", "beat", "web", "--for", "ready", "--timeout", "30");
    expect(up.code, up.output).toBe(0);
    const migrated = await tsctl(dir, "wait", "migrate", "--for", "stopped", "--timeout", "30");
    expect(migrated.code).toBe(0);
    expect((await tsctl(dir, "status", "migrate")).stdout).toMatch(/^migrate +EXITED/);

    const broker = events(dir, "broker");
    const migrate = events(dir, "migrate");
    const worker = events(dir, "worker");
    const beat = events(dir, "beat");
    const web = events(dir, "web");
    // worker needs broker:ready and migrate:completed
    expect(worker.start).toBeGreaterThan(broker.listening as number);
    expect(worker.start).toBeGreaterThan(migrate.done as number);
    // web needs the same
    expect(web.start).toBeGreaterThan(broker.listening as number);
    expect(web.start).toBeGreaterThan(migrate.done as number);
    // beat needs worker:running (worker's startsecs=1 runs from its spawn, which its own log cannot show)
    expect(beat.start).toBeGreaterThan(worker.start as number);

    const down = await tsctl(dir, "shutdown");
    expect(down.stdout).toBe("Shut down\n");
    expect((await daemon.exited).status).toBe(0);
    const stopped = Object.fromEntries(["broker", "worker", "beat", "web"].map((n) => [n, events(dir, n).stop as number]));
    // reverse of the start order: beat, worker, web, then broker
    expect(stopped.beat).toBeLessThan(stopped.worker as number);
    expect(stopped.worker).toBeLessThan(stopped.broker as number);
    expect(stopped.web).toBeLessThan(stopped.broker as number);
  });

  it.skipIf(!fs.existsSync(SUPERVISORD))("the same file runs under Debian's supervisord, which ignores the extension keys", async () => {
    const dir = new TestDir("tsd-stack-");
    dirs.push(dir);
    await writeStack(dir);
    const root = new URL("../..", import.meta.url).pathname;
    const t = await runCommand([NODE, `${root}apps/daemon/dist/tsupervisord.js`, "-t", "-c", dir.conf]);
    expect(t.stdout).toMatch(/^extension\t\S+:\d+\t\[program:worker\]\tdepends_on$/m);
    const child = spawn(SUPERVISORD, ["-n", "-c", dir.conf], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      const ctl = (...args: string[]): Promise<RunResult> => runCommand([SUPERVISORCTL, "-c", dir.conf, ...args]);
      // supervisord has no event stream for a client to wait on: ask until its status says so.
      const status = await waitFor("supervisord to run the stack", async () => {
        const r = await ctl("status");
        const ok = ["broker", "beat", "web", "worker"].every((n) => new RegExp(`^${n} +RUNNING`, "m").test(r.stdout));
        return ok && /^migrate +EXITED/m.test(r.stdout) ? r.stdout : undefined;
      }, 30_000);
      expect(status).toMatch(/^worker +RUNNING +pid \d+/m);
      expect((await ctl("shutdown")).stdout).toBe("Shut down\n");
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(/Error|Traceback/);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
