/**
 * issue 18 end to end: real daemon, real children, real tsctl.
 * - desired state in `[supervisord] statefile`: a hand stop survives a daemon restart (clean stop + start, and the
 *   Restart RPC), a hand start of an autostart=false program too; `tsctl enable/disable`; a corrupt statefile is
 *   a warning and a normal start.
 * - a `kill -9`ed daemon leaves its children running; the next one ends them (stopsignal, stopwaitsecs, then
 *   SIGKILL) before autostart, so exactly one process per configured process exists afterwards; a pid recorded
 *   with another start time (reused by an unrelated process) is never signalled.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { SupervisorClient } from "@tsupervisord/protocol";
import { parseProcStat } from "@tsupervisord/reaper/proc-stat";
import { runCommand } from "../ctl/lib/run.js";
import { HAVE_SUPERVISORCTL, SUPERVISORCTL, TSCTL } from "../ctl/lib/paths.js";
import { startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";

const tsctl = (dir: TestDir, ...args: string[]) => runCommand([process.execPath, TSCTL, "-c", dir.conf, ...args]);

let dirs: TestDir[] = [];
let daemons: RunningDaemon[] = [];
/** argv markers of this file's children: whatever still carries one is killed after each test. */
let markers: string[] = [];
let strays: number[] = [];

afterEach(async () => {
  for (const d of daemons) await d.stop();
  for (const marker of markers) for (const pid of pidsWithArgv(marker)) kill(pid, "SIGKILL");
  for (const pid of strays) kill(pid, "SIGKILL");
  for (const d of dirs) d.cleanup();
  dirs = [];
  daemons = [];
  markers = [];
  strays = [];
});

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone.
  }
}

function tempDir(): TestDir {
  const d = new TestDir("tsupd-ds-");
  dirs.push(d);
  return d;
}

async function daemonFor(dir: TestDir): Promise<RunningDaemon> {
  const daemon = await startDaemon(dir);
  daemons.push(daemon);
  return daemon;
}

/** A `sleep` duration nobody else uses: the argv every child of one test carries, to count them in /proc. */
function newMarker(): string {
  const marker = String(900_000 + Math.floor(Math.random() * 99_999));
  markers.push(marker);
  return marker;
}

/** Live (not zombie) processes whose last argv word is `marker`. */
function pidsWithArgv(marker: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "latin1").split("\0").filter((w) => w !== "");
      if (argv.at(-1) === marker && alive(Number(entry))) out.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return out.sort((a, b) => a - b);
}

/**
 * The pids of the daemon's RUNNING processes, once each of them carries the marker (a `sh -c "…; exec sleep"`
 * is RUNNING with startsecs=0 before its exec): sorted.
 */
async function supervisedPids(client: SupervisorClient, marker: string): Promise<number[]> {
  const pids = (await client.getAllProcessInfo({})).processes.map((p) => p.pid).sort((a, b) => a - b);
  await waitFor("every supervised process to have exec'd its command", () => {
    const marked = pidsWithArgv(marker);
    return pids.every((pid) => marked.includes(pid));
  });
  return pids;
}

/** Alive and not a zombie (an orphan's zombie waits for init to reap it). */
function alive(pid: number): boolean {
  try {
    const stat = parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, "latin1"));
    return stat !== undefined && stat.state !== "Z" && stat.state !== "X";
  } catch {
    return false;
  }
}

async function state(client: SupervisorClient, name: string): Promise<{ statename: string; pid: number; desiredState: string }> {
  const info = (await client.getProcessInfo({ name })).info;
  return { statename: info?.statename ?? "?", pid: info?.pid ?? 0, desiredState: info?.desiredState ?? "?" };
}

/** SIGKILL the daemon (its children live on: they lead their own process groups) and wait until it is gone. */
async function crash(daemon: RunningDaemon): Promise<void> {
  daemon.child.kill("SIGKILL");
  const exit = await daemon.exited;
  expect(exit.signal).toBe("SIGKILL");
}

const count = (text: string, pattern: RegExp): number => text.split("\n").filter((l) => pattern.test(l)).length;

describe("desired state survives daemon restarts (statefile)", () => {
  it("stopped by hand stays STOPPED although autostart=true; started by hand (autostart=false) comes back RUNNING", async () => {
    const dir = tempDir();
    const statefile = dir.file("desired.json");
    dir.writeConfig(
      "[program:auto]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n[program:manual]\ncommand=/bin/sleep 1000\nstartsecs=0\nautostart=false\n",
      { supervisord: `statefile=${statefile}` },
    );
    let daemon = await daemonFor(dir);
    let client = daemon.client();
    await waitForState(client, "auto", "RUNNING");
    expect((await tsctl(dir, "stop", "auto")).stdout).toBe("auto: stopped\n");
    expect((await tsctl(dir, "start", "manual")).stdout).toBe("manual: started\n");
    // On disk before the calls returned.
    expect(JSON.parse(fs.readFileSync(statefile, "utf8"))).toEqual({ version: 1, processes: { "auto:auto": "stopped", "manual:manual": "started" } });

    // A clean stop and a new daemon. The children file went with the children.
    expect(fs.existsSync(`${dir.pidfile}.children`)).toBe(true);
    await daemon.stop();
    expect(fs.existsSync(`${dir.pidfile}.children`)).toBe(false);
    daemon = await daemonFor(dir);
    client = daemon.client();
    const manualPid = await waitForState(client, "manual", "RUNNING");
    // Both autostart decisions are taken in one step at start: `manual` running means `auto` was passed over.
    expect(await state(client, "auto")).toMatchObject({ statename: "STOPPED", pid: 0, desiredState: "stopped" });
    expect(await state(client, "manual")).toMatchObject({ statename: "RUNNING", desiredState: "started" });
    expect(daemon.activityLog()).toContain("not autostarting auto: disabled (stopped by hand, see statefile)");

    // The Restart RPC (what SIGHUP does) re-reads the config and keeps the wishes too.
    await client.restart();
    client = daemon.client();
    await waitFor("manual restarted with a new pid", async () => {
      const s = await state(client, "manual");
      return s.statename === "RUNNING" && s.pid !== manualPid;
    });
    expect((await state(client, "auto")).statename).toBe("STOPPED");

    // `tsctl status --json` carries the wish; plain status stays supervisorctl's.
    const json = JSON.parse((await tsctl(dir, "status", "--json")).stdout) as Array<{ name: string; desired_state: string }>;
    expect(json.map((p) => [p.name, p.desired_state])).toEqual([
      ["auto", "stopped"],
      ["manual", "started"],
    ]);
    expect((await tsctl(dir, "status", "auto")).stdout).toMatch(/^auto\s+STOPPED\s/);
  });

  it.skipIf(!HAVE_SUPERVISORCTL)("any face: Debian's supervisorctl (XML-RPC) stop/start are recorded the same way", async () => {
    const dir = tempDir();
    const statefile = dir.file("desired.json");
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\nautostart=false\n", {
      supervisord: `statefile=${statefile}`,
    });
    const daemon = await daemonFor(dir);
    await waitForState(daemon.client(), "a", "RUNNING");
    expect((await runCommand([SUPERVISORCTL, "-c", dir.conf, "stop", "a"])).stdout).toBe("a: stopped\n");
    expect((await runCommand([SUPERVISORCTL, "-c", dir.conf, "start", "b"])).stdout).toBe("b: started\n");
    expect(JSON.parse(fs.readFileSync(statefile, "utf8"))).toEqual({ version: 1, processes: { "a:a": "stopped", "b:b": "started" } });
  });

  it("background operations (--no-wait, restart --rolling) record the wish like their plain verbs", async () => {
    const dir = tempDir();
    const statefile = dir.file("desired.json");
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\nautostart=false\n", {
      supervisord: `statefile=${statefile}`,
    });
    const daemon = await daemonFor(dir);
    await waitForState(daemon.client(), "a", "RUNNING");
    const op = /operation (\d+)/.exec((await tsctl(dir, "stop", "--no-wait", "a")).stdout)?.[1];
    expect(op).toBeDefined();
    expect((await tsctl(dir, "wait", "op", op as string)).code).toBe(0);
    expect((await tsctl(dir, "restart", "--rolling", "b")).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(statefile, "utf8"))).toEqual({ version: 1, processes: { "a:a": "stopped", "b:b": "started" } });
  });

  it("tsctl disable / enable: explicit, idempotent, persisted; enable undoes disable", async () => {
    const dir = tempDir();
    dir.writeConfig(
      "[program:web]\ncommand=/bin/sleep 1000\nstartsecs=0\nnumprocs=2\nprocess_name=%(program_name)s_%(process_num)s\n\n" +
        "[program:job]\ncommand=/bin/sleep 1000\nstartsecs=0\nautostart=false\n",
      { supervisord: "statefile=%(here)s/state.json" },
    );
    let daemon = await daemonFor(dir);
    let client = daemon.client();
    await waitForState(client, "web:web_1", "RUNNING");
    const disabled = await tsctl(dir, "disable", "web:*");
    expect(disabled.stdout).toBe("web:web_0: disabled\nweb:web_1: disabled\n");
    expect(disabled.code).toBe(0);
    expect((await state(client, "web:web_0")).statename).toBe("STOPPED");
    // Already stopped: still a success.
    expect(await tsctl(dir, "disable", "web:web_0")).toMatchObject({ stdout: "web:web_0: disabled\n", code: 0 });
    expect(await tsctl(dir, "enable", "job")).toMatchObject({ stdout: "job: enabled\n", code: 0 });
    expect((await state(client, "job")).statename).toBe("RUNNING");
    expect(await tsctl(dir, "enable", "nosuch")).toMatchObject({ stdout: "nosuch: ERROR (no such process)\n", code: 2 });

    await daemon.stop();
    daemon = await daemonFor(dir);
    client = daemon.client();
    await waitForState(client, "job", "RUNNING");
    expect((await state(client, "web:web_0")).statename).toBe("STOPPED");
    expect((await state(client, "web:web_1")).statename).toBe("STOPPED");

    // enable undoes disable, for this daemon and after a reload by SIGHUP.
    expect((await tsctl(dir, "enable", "web:web_1")).stdout).toBe("web:web_1: enabled\n");
    const before = (await state(client, "web:web_1")).pid;
    process.kill(daemon.pid, "SIGHUP");
    await waitFor("web:web_1 running again after the reload", async () => {
      const s = await state(client, "web:web_1");
      return s.statename === "RUNNING" && s.pid !== before;
    });
    expect((await state(client, "web:web_0")).statename).toBe("STOPPED");
    expect((await state(client, "job")).statename).toBe("RUNNING");
  });

  it("without a statefile, enable/disable refuse (they exist to persist) and stop/start behave as supervisord's", async () => {
    const dir = tempDir();
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    const daemon = await daemonFor(dir);
    const client = daemon.client();
    await waitForState(client, "a", "RUNNING");
    const r = await tsctl(dir, "disable", "a");
    expect(r.stdout).toBe("a: ERROR (enable/disable need [supervisord] statefile = PATH in the daemon's config)\n");
    expect(r.code).not.toBe(0);
    expect((await state(client, "a")).statename).toBe("RUNNING");
  });

  it("a corrupt statefile is reported (file and reason) and ignored: a normal start", async () => {
    const dir = tempDir();
    const statefile = dir.file("state.json");
    fs.writeFileSync(statefile, '{"version": 1, "processes": {"a:a": "stopp');
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n", { supervisord: `statefile=${statefile}` });
    const daemon = await daemonFor(dir);
    const client = daemon.client();
    await waitForState(client, "a", "RUNNING");
    const log = daemon.activityLog();
    expect(log).toMatch(new RegExp(`WARN statefile ${statefile} ignored: not JSON \\(.+\\); every program follows its autostart`));
    // The next hand stop writes a good file again.
    await tsctl(dir, "stop", "a");
    expect(JSON.parse(fs.readFileSync(statefile, "utf8"))).toEqual({ version: 1, processes: { "a:a": "stopped" } });
  });

  it("a program removed from the config drops out of the file", async () => {
    const dir = tempDir();
    const statefile = dir.file("state.json");
    const b = "[program:b]\ncommand=/bin/sleep 1000\nstartsecs=0\n";
    dir.writeConfig(`[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n${b}`, { supervisord: `statefile=${statefile}` });
    const daemon = await daemonFor(dir);
    const client = daemon.client();
    await waitForState(client, "b", "RUNNING");
    await tsctl(dir, "stop", "a", "b");
    expect(Object.keys((JSON.parse(fs.readFileSync(statefile, "utf8")) as { processes: object }).processes)).toEqual(["a:a", "b:b"]);
    dir.writeConfig(b, { supervisord: `statefile=${statefile}` });
    expect((await tsctl(dir, "update")).stdout).toBe("a: stopped\na: removed process group\n");
    expect(JSON.parse(fs.readFileSync(statefile, "utf8"))).toEqual({ version: 1, processes: { "b:b": "stopped" } });
  });
});

describe("a crashed daemon leaves no duplicates", () => {
  it("kill -9 with 8 processes running: the next daemon ends the 8 survivors first, then exactly 8 run", async () => {
    const dir = tempDir();
    const marker = newMarker();
    const sleep = `/bin/sleep ${marker}`;
    dir.writeConfig(
      // The program's stopsignal is used (INT); one ignores SIGTERM and needs SIGKILL after stopwaitsecs.
      `[program:solo]\ncommand=${sleep}\nstartsecs=0\nstopsignal=INT\n\n` +
        `[program:stubborn]\ncommand=/bin/sh -c "trap '' TERM; exec ${sleep}"\nstartsecs=0\nstopwaitsecs=1\n\n` +
        `[program:web]\ncommand=${sleep}\nstartsecs=0\nnumprocs=3\nprocess_name=%(program_name)s_%(process_num)s\n\n` +
        `[program:wrk]\ncommand=${sleep}\nstartsecs=0\nnumprocs=3\nprocess_name=%(program_name)s_%(process_num)s\nstopasgroup=true\n`,
    );
    const names = ["solo", "stubborn", "web:web_0", "web:web_1", "web:web_2", "wrk:wrk_0", "wrk:wrk_1", "wrk:wrk_2"];
    const first = await daemonFor(dir);
    let client = first.client();
    for (const name of names) await waitForState(client, name, "RUNNING");
    const old = await supervisedPids(client, marker);
    expect(old).toHaveLength(8);

    await crash(first);
    // Their daemon is gone; they are not.
    expect(pidsWithArgv(marker)).toEqual(old);

    const second = await daemonFor(dir);
    client = second.client();
    for (const name of names) await waitForState(client, name, "RUNNING");
    const now = await supervisedPids(client, marker);
    // Exactly the 8 the daemon supervises carry the marker: no copy beside them.
    expect(pidsWithArgv(marker)).toEqual(now);
    expect(now).toHaveLength(8);
    for (const pid of old) expect(alive(pid)).toBe(false);

    const log = second.activityLog();
    expect(count(log, /ended survivor .* left running by a previous tsupervisord \(pid \d+\)/)).toBe(8);
    for (const name of names) expect(count(log, new RegExp(`ended survivor ${name.includes(":") ? name : `${name}:${name}`} \\(pid \\d+\\)`))).toBe(1);
    expect(log).toMatch(/INFO ended survivor solo:solo \(pid \d+\) .* with SIGINT/);
    expect(log).toMatch(/WARN ended survivor stubborn:stubborn \(pid \d+\) .*: still alive 1s after SIGTERM, SIGKILLed/);
  });

  it("kill -9 in the middle of a start and a stop: the next daemon comes back with the state asked for", async () => {
    const dir = tempDir();
    const marker = newMarker();
    dir.writeConfig(
      // `late` stays STARTING for a long while; `slow` ignores SIGTERM, so its stop is in progress for 3 s.
      `[program:late]\ncommand=/bin/sleep ${marker}\nautostart=false\nstartsecs=600\n\n` +
        `[program:slow]\ncommand=/bin/sh -c "trap '' TERM; exec /bin/sleep ${marker}"\nstartsecs=0\nstopwaitsecs=3\n`,
      { supervisord: "statefile=%(here)s/state.json" },
    );
    const first = await daemonFor(dir);
    let client = first.client();
    const slowPid = await waitForState(client, "slow", "RUNNING");
    // Watching before the commands run, so neither transition can slip past.
    const seen = Promise.all([waitForState(client, "late", "STARTING"), waitForState(client, "slow", "STOPPING")]);
    const starting = tsctl(dir, "start", "late");
    const stopping = tsctl(dir, "stop", "slow");
    const [latePid] = await seen;
    await crash(first);
    await Promise.all([starting, stopping]);

    const second = await daemonFor(dir);
    client = second.client();
    const newLate = await waitForState(client, "late", "STARTING");
    expect(newLate).not.toBe(latePid);
    expect((await state(client, "slow")).statename).toBe("STOPPED");
    for (const pid of [latePid, slowPid]) expect(alive(pid)).toBe(false);
    expect(pidsWithArgv(marker)).toEqual([newLate]);
    expect(second.activityLog()).toContain("not autostarting slow: disabled");
  });

  it("a recorded pid that now belongs to another process (start time differs) is never signalled", async () => {
    const dir = tempDir();
    const marker = newMarker();
    const unrelated = spawn("/bin/sleep", [marker], { stdio: "ignore" });
    strays.push(unrelated.pid as number);
    const pid = unrelated.pid as number;
    await waitFor("the unrelated sleep in /proc", () => pidsWithArgv(marker).includes(pid));
    const stat = parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, "latin1"));
    // As the previous daemon would have recorded it, had the pid been its child's before being reused.
    fs.writeFileSync(
      `${dir.pidfile}.children`,
      JSON.stringify({
        version: 1,
        daemon: { pid: 4_194_305, starttime: 1 },
        children: [{ key: "a:a", program: "a", pid, starttime: (stat?.starttime ?? 0) + 1, pgid: pid }],
      }),
    );
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\nstopasgroup=true\n");
    const daemon = await daemonFor(dir);
    await waitForState(daemon.client(), "a", "RUNNING");
    expect(alive(pid)).toBe(true);
    expect(unrelated.exitCode).toBe(null);
    expect(unrelated.signalCode).toBe(null);
    const log = daemon.activityLog();
    expect(log).toContain(`pid ${pid} recorded for a:a is another process now (its start time differs): not touched`);
    expect(log).not.toContain("ended survivor");
  });
});
