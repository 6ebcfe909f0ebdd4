/**
 * issue 18 end to end (real daemon, real python workers, real tsctl): rolling restart behind a real TCP port
 * shared with SO_REUSEPORT (probed every 10 ms: never refused), a rolling restart that stops at a failing worker,
 * restartsignal=HUP (same pid, the child saw SIGHUP), --no-wait with `wait op`, and Ctrl-C of a waiting tsctl
 * leaving the operation to finish in the daemon. Readiness is the worker's own `serving` line (ready_check=log).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCommand, type RunResult } from "../ctl/lib/run.js";
import { TSCTL } from "../ctl/lib/paths.js";
import { REPO_ROOT, startDaemon, TestDir, waitFor, type RunningDaemon } from "./lib/daemon.js";
import { freePort } from "./lib/ports.js";

const WORKER = path.join(REPO_ROOT, "test/daemon/scripts/reuseport_worker.py");
const HUP_CHILD = path.join(REPO_ROOT, "test/daemon/scripts/hup_child.py");

const dirs: TestDir[] = [];
const daemons: RunningDaemon[] = [];

afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop();
  for (const d of dirs.splice(0)) d.cleanup();
});

async function daemonWith(body: string): Promise<{ dir: TestDir; daemon: RunningDaemon }> {
  const dir = new TestDir("tsd-roll-");
  dirs.push(dir);
  dir.writeConfig(body.replaceAll("$DIR", dir.root));
  const daemon = await startDaemon(dir);
  daemons.push(daemon);
  return { dir, daemon };
}

function tsctl(dir: TestDir, ...args: string[]): Promise<RunResult> {
  return runCommand([process.execPath, TSCTL, "-c", dir.conf, ...args], { timeoutMs: 60_000 });
}

/** Six workers on one shared port; `gate` as reuseport_worker.py takes it. */
function workers(port: number, gate: string, extra = ""): string {
  return (
    // The failure marker is checked by sh before python starts: a worker meant to fail exits within milliseconds,
    // not after python's start-up, which on a loaded machine can outlast startsecs and make it RUNNING first.
    `[program:web]\ncommand=/bin/sh -c "test -e $DIR/fail-%(process_num)d && exit 1; exec python3 -u ${WORKER} ${port} ${gate} $DIR/fail-%(process_num)d"\n` +
    `process_name=w%(process_num)d\nnumprocs=6\nstartsecs=1\nstartretries=0\nstopwaitsecs=5\n` +
    `ready_check=log:/serving/\n${extra}`
  );
}

async function pids(daemon: RunningDaemon): Promise<Map<string, { pid: number; state: string }>> {
  const { processes } = await daemon.client().getAllProcessInfo({});
  return new Map(processes.map((p) => [`${p.group}:${p.name}`, { pid: p.pid, state: p.statename }]));
}

async function allReady(dir: TestDir): Promise<void> {
  const r = await tsctl(dir, "wait", "web:*", "--for", "ready", "--timeout", "30");
  expect(r.code, r.output).toBe(0);
}

/** Connects to the port every 10 ms until stopped; counts connects that succeeded and that failed (and why). */
function probe(port: number): { stop(): Promise<{ ok: number; failed: string[] }> } {
  let running = true;
  let ok = 0;
  const failed: string[] = [];
  const once = (): Promise<void> =>
    new Promise((resolve) => {
      const socket = net.createConnection({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        ok++;
        socket.destroy();
        resolve();
      });
      socket.once("error", (err: NodeJS.ErrnoException) => {
        failed.push(err.code ?? err.message);
        resolve();
      });
    });
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { ok, failed };
    },
  };
}

describe("restart --rolling", () => {
  it("keeps the shared port accepting throughout (0 refused) and replaces every worker", async () => {
    const port = await freePort();
    const { dir, daemon } = await daemonWith(workers(port, "-"));
    await allReady(dir);
    const before = await pids(daemon);

    const probing = probe(port);
    const r = await tsctl(dir, "restart", "--rolling", "--batch", "2", "--wait", "ready", "web:*");
    const seen = await probing.stop();

    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toContain("batch 1/3: web:w0 web:w1");
    expect(r.stdout).toContain("batch 3/3: web:w4 web:w5");
    expect(r.stdout).toMatch(/operation \d+ succeeded: 6 restarted/);
    expect(seen.failed).toEqual([]);
    expect(seen.ok).toBeGreaterThan(0);
    const after = await pids(daemon);
    for (const [name, old] of before) {
      expect(after.get(name)?.state).toBe("RUNNING");
      expect(after.get(name)?.pid, name).not.toBe(old.pid);
    }
  });

  it("stops at the first failing worker and leaves the rest running with their old pids", async () => {
    const port = await freePort();
    const { dir, daemon } = await daemonWith(workers(port, "-"));
    await allReady(dir);
    const before = await pids(daemon);
    fs.writeFileSync(dir.file("fail-2"), "");

    const r = await tsctl(dir, "restart", "--rolling", "web:*");

    expect(r.code, r.output).toBe(1);
    expect(r.stdout).toContain("web:w0: restarted");
    expect(r.stdout).toContain("web:w1: restarted");
    expect(r.stdout).toMatch(/web:w2: ERROR \((ABNORMAL_TERMINATION|SPAWN_ERROR): web:w2/);
    expect(r.stdout).toMatch(/operation \d+ failed: web:w2 .* failed; 2 restarted, 3 not restarted/);
    expect(r.stdout).not.toContain("batch 4/6");
    const after = await pids(daemon);
    for (const name of ["web:w0", "web:w1"]) expect(after.get(name)?.pid).not.toBe(before.get(name)?.pid);
    expect(["BACKOFF", "FATAL"]).toContain(after.get("web:w2")?.state);
    for (const name of ["web:w3", "web:w4", "web:w5"]) {
      expect(after.get(name)).toEqual(before.get(name));
      expect(after.get(name)?.state).toBe("RUNNING");
    }
  });

  it("--wait ready: a worker whose ready_check fails ends the rolling restart there", async () => {
    const closed = await freePort(); // nothing listens here: the check fails every time
    const { dir, daemon } = await daemonWith(
      `[program:web]\ncommand=python3 -u ${WORKER} ${await freePort()} - $DIR/fail-%(process_num)d\nprocess_name=w%(process_num)d\n` +
        `numprocs=3\nstartsecs=0\nready_check=tcp:127.0.0.1:${closed}\nready_check_interval=0.2\nready_check_retries=1\n`,
    );
    await waitFor("three RUNNING", async () => [...(await pids(daemon)).values()].filter((p) => p.state === "RUNNING").length === 3);
    const before = await pids(daemon);

    const r = await tsctl(dir, "restart", "--rolling", "--wait", "ready", "web:*");

    expect(r.code, r.output).toBe(1);
    expect(r.stdout).toMatch(/web:w0: ERROR \(FAILED: web:w0 never got ready: tcp:127\.0\.0\.1:\d+ failed/);
    expect(r.stdout).toMatch(/failed; 0 restarted, 2 not restarted/);
    const after = await pids(daemon);
    expect(after.get("web:w0")?.pid).not.toBe(before.get("web:w0")?.pid);
    for (const name of ["web:w1", "web:w2"]) expect(after.get(name)).toEqual(before.get(name));
  });

  it("cancel op stops a rolling restart before its next batch", async () => {
    const port = await freePort();
    const { dir, daemon } = await daemonWith(workers(port, "$DIR/gate"));
    fs.writeFileSync(dir.file("gate"), "");
    await allReady(dir);
    const before = await pids(daemon);
    fs.rmSync(dir.file("gate"));

    const begun = await tsctl(dir, "restart", "--rolling", "--wait", "ready", "--no-wait", "web:*");
    const id = /^operation (\d+):/m.exec(begun.stdout)?.[1] as string;
    expect(id, begun.output).toBeDefined();
    expect((await tsctl(dir, "cancel", "op", id)).stdout).toBe(`operation ${id}: cancelling\n`);
    // w0 is waiting at its gate: a cancel does not abandon a batch half-way, it ends the wait for readiness.
    const waited = await tsctl(dir, "wait", "op", id);
    expect(waited.code, waited.output).toBe(1);
    expect(waited.stdout).toContain(`operation ${id} cancelled`);
    expect(waited.stdout).not.toContain("batch 2/6");
    const after = await pids(daemon);
    for (const name of ["web:w1", "web:w2", "web:w3", "web:w4", "web:w5"]) expect(after.get(name)).toEqual(before.get(name));
    expect((await tsctl(dir, "cancel", "op", id)).stdout).toBe(`operation ${id}: already finished\n`);
  });

  it("bad arguments and unknown names begin nothing", async () => {
    const port = await freePort();
    const { dir } = await daemonWith(workers(port, "-"));
    const bad = await tsctl(dir, "restart", "--rolling", "--batch", "0", "web:*");
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("--batch 0: expected a number of processes");
    const unknown = await tsctl(dir, "restart", "--rolling", "nosuch");
    expect(unknown.code, unknown.output).toBe(1);
    expect(unknown.stdout).toContain("BAD_NAME");
    expect((await tsctl(dir, "operations")).stdout).toBe("");
  });
});

describe("asynchronous control", () => {
  it("--no-wait answers with an operation id at once; wait op follows it to the end", async () => {
    const port = await freePort();
    const { dir, daemon } = await daemonWith(workers(port, "-"));
    await allReady(dir);
    const before = await pids(daemon);

    const begun = await tsctl(dir, "restart", "--no-wait", "web:*");
    expect(begun.code, begun.output).toBe(0);
    const id = /^operation (\d+): restart web:\* \(tsctl wait op \1 to follow it\)$/m.exec(begun.stdout)?.[1];
    expect(id, begun.stdout).toBeDefined();

    const waited = await tsctl(dir, "wait", "op", id as string);
    expect(waited.code, waited.output).toBe(0);
    expect(waited.stdout).toContain("web:w3: stopped");
    expect(waited.stdout).toContain("web:w3: started");
    expect(waited.stdout).toContain(`operation ${id} succeeded`);
    const after = await pids(daemon);
    for (const [name, old] of before) expect(after.get(name)?.pid).not.toBe(old.pid);

    // Finished operations are kept (bounded) and can be followed again; unknown ids are an error.
    expect((await tsctl(dir, "operations")).stdout).toMatch(new RegExp(`^${id}\\s+succeeded\\s+restart web:\\*`, "m"));
    expect((await tsctl(dir, "wait", "op", id as string)).code).toBe(0);
    const unknown = await tsctl(dir, "wait", "op", "999");
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain("no such operation 999");
  });

  it("Ctrl-C ends the wait, not the operation: it finishes in the daemon", async () => {
    const port = await freePort();
    const gate = "$DIR/gate";
    const { dir, daemon } = await daemonWith(workers(port, gate));
    fs.writeFileSync(dir.file("gate"), "");
    await allReady(dir);
    const before = await pids(daemon);
    // From now on a restarted worker is not ready until the test opens the gate again.
    fs.rmSync(dir.file("gate"));

    const child = spawn(process.execPath, [TSCTL, "-c", dir.conf, "restart", "--rolling", "--wait", "ready", "web:*"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    const closed = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        stdout += d;
        if (stdout.includes("batch 1/6: web:w0")) resolve();
      });
      void closed.then(() => resolve()); // fails below instead of hanging when tsctl ended early
    });
    child.kill("SIGINT");
    expect(await closed).toBe(130);
    const id = /operation (\d+) continues in the daemon; tsctl wait op \1 to follow it/.exec(stdout)?.[1];
    expect(id, stdout).toBeDefined();

    // Still running: w0 was restarted and waits for its gate; the others were not touched yet.
    expect((await tsctl(dir, "operations")).stdout).toMatch(new RegExp(`^${id}\\s+running\\s+restart --rolling`, "m"));
    const during = await pids(daemon);
    expect(during.get("web:w0")?.pid).not.toBe(before.get("web:w0")?.pid);
    expect(during.get("web:w5")).toEqual(before.get("web:w5"));

    fs.writeFileSync(dir.file("gate"), "");
    const waited = await tsctl(dir, "wait", "op", id as string);
    expect(waited.code, waited.output).toBe(0);
    expect(waited.stdout).toContain(`operation ${id} succeeded: 6 restarted`);
    const after = await pids(daemon);
    for (const [name, old] of before) {
      expect(after.get(name)?.state).toBe("RUNNING");
      expect(after.get(name)?.pid).not.toBe(old.pid);
    }
  });
});

describe("restartsignal = HUP", () => {
  it("restart and reload send SIGHUP to the same pid; a process without the key restarts as supervisorctl does", async () => {
    const { dir, daemon } = await daemonWith(
      `[program:hup]\ncommand=python3 -u ${HUP_CHILD}\nrestartsignal=HUP\nstartsecs=0\nstdout_logfile=$DIR/hup.log\n\n` +
        `[program:plain]\ncommand=python3 -u ${HUP_CHILD}\nstartsecs=0\n`,
    );
    const log = dir.file("hup.log");
    const pid = await waitFor("hup started", () => /^started (\d+)$/m.exec(fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "")?.[1]);
    await waitFor("plain running", async () => (await pids(daemon)).get("plain:plain")?.state === "RUNNING");
    const plainBefore = (await pids(daemon)).get("plain:plain")?.pid;

    const r = await tsctl(dir, "restart", "hup", "plain");
    expect(r.code, r.output).toBe(0);
    expect(r.stdout).toBe("hup: reloaded (SIGHUP)\nplain: stopped\nplain: started\n");
    await waitFor("the child to see SIGHUP", () => fs.readFileSync(log, "utf8").includes(`got SIGHUP in ${pid}`));

    const reload = await tsctl(dir, "reload", "hup");
    expect(reload.stdout).toBe("hup: reloaded (SIGHUP)\n");
    await waitFor("a second SIGHUP", () => fs.readFileSync(log, "utf8").split(`got SIGHUP in ${pid}`).length === 3);

    const after = await pids(daemon);
    expect(after.get("hup:hup")).toEqual({ pid: Number(pid), state: "RUNNING" });
    expect(after.get("plain:plain")?.pid).not.toBe(plainBefore);

    const refused = await tsctl(dir, "reload", "plain");
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toContain("plain: ERROR (FAILED: plain has no restartsignal (use restart))");
    expect((await tsctl(dir, "status", "hup")).stdout).toMatch(new RegExp(`RUNNING\\s+pid ${pid},`));
  });
});
