/**
 * issue 18 end to end: a real daemon, real children, the real tsctl. `update` touches only what changed (a hot
 * option restarts nothing, one member's command restarts that member only, numprocs starts/stops only the
 * delta), `update --dry-run` / `reread --verbose` show the typed diff, `scale` runs N processes of a program.
 */
import fs from "node:fs";
import path from "node:path";
import type { SupervisorClient } from "@tsupervisord/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT, isAlive, startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";
import { caseEnv, runCommand, type RunResult } from "../ctl/lib/run.js";

const TSCTL = path.join(REPO_ROOT, "apps/ctl/dist/main.js");

let dirs: TestDir[] = [];
let daemons: RunningDaemon[] = [];
afterEach(async () => {
  for (const d of daemons) await d.stop();
  for (const d of dirs) d.cleanup();
  dirs = [];
  daemons = [];
});

/** web: numprocs workers; [group:pair] of a and b; solo on its own. Every child a distinct `sleep`. */
function body(opts: { numprocs?: number; a?: string; b?: string; extra?: string } = {}): string {
  return [
    "[program:web]",
    "command=/bin/sleep 100%(process_num)s",
    "process_name=web_%(process_num)s",
    `numprocs=${opts.numprocs ?? 4}`,
    "startsecs=0",
    "",
    "[group:pair]",
    "programs=a,b",
    "",
    "[program:a]",
    "command=/bin/sleep 2001",
    "startsecs=0",
    opts.a ?? "autorestart=false",
    "",
    "[program:b]",
    "command=/bin/sleep 2002",
    "startsecs=0",
    opts.b ?? "",
    "",
    "[program:solo]",
    "command=/bin/sleep 3001",
    "startsecs=0",
    "",
    opts.extra ?? "",
  ].join("\n");
}

async function setup(text: string): Promise<{ dir: TestDir; daemon: RunningDaemon; client: SupervisorClient }> {
  const dir = new TestDir("tsupd-upd-");
  dirs.push(dir);
  dir.writeConfig(text);
  const daemon = await startDaemon(dir);
  daemons.push(daemon);
  const client = daemon.client();
  return { dir, daemon, client };
}

function tsctl(dir: TestDir, ...args: string[]): Promise<RunResult> {
  return runCommand([process.execPath, TSCTL, "-c", dir.conf, ...args], { cwd: dir.root, env: caseEnv() });
}

/** namespec -> pid of every process the daemon has. */
async function pids(client: SupervisorClient): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of (await client.getAllProcessInfo({})).processes) out[p.group === p.name ? p.name : `${p.group}:${p.name}`] = p.pid;
  return out;
}

/** Wait (on the Watch stream) until every named process is RUNNING; their pids. */
async function running(client: SupervisorClient, names: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) out[name] = await waitForState(client, name, "RUNNING");
  return out;
}

const WEB = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `web:web_${from + i}`);
const ALL4 = [...WEB(4), "pair:a", "pair:b", "solo"];

function cmdline(pid: number): string {
  return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
}

describe("issue 18: update applies only the diff", () => {
  it("a hot-only change (autorestart of one member) restarts nothing, and the next exit follows the new value", async () => {
    const { dir, client } = await setup(body());
    const before = await running(client, ALL4);
    dir.writeConfig(body({ a: "autorestart=true" }));
    const r = await tsctl(dir, "update");
    expect(r.output).toBe("pair: stopped\npair: updated process group\n"); // supervisorctl's lines (CMD-UPDATE-1)
    expect(r.code).toBe(0);
    expect(await pids(client)).toEqual(before);
    // autorestart was false when a started: only the hot change makes the daemon start it again after a kill.
    const old = before["pair:a"] as number;
    process.kill(old, "SIGKILL");
    const again = await waitFor("pair:a to run again with a new pid", async () => {
      const info = (await client.getProcessInfo({ name: "pair:a" })).info;
      return info?.statename === "RUNNING" && info.pid !== old ? info.pid : undefined;
    });
    expect(isAlive(again)).toBe(true);
    expect((await pids(client))["pair:b"]).toBe(before["pair:b"]);
  });

  it("one member's command: only that member's pid changes, and it runs the new command", async () => {
    const { dir, client } = await setup(body());
    const before = await running(client, ALL4);
    dir.writeConfig(body().replace("command=/bin/sleep 2002", "command=/bin/sleep 2012"));
    const r = await tsctl(dir, "update");
    expect(r.output).toBe("pair: stopped\npair: updated process group\n");
    const b = await waitFor("pair:b to run with a new pid", async () => {
      const info = (await client.getProcessInfo({ name: "pair:b" })).info;
      return info?.statename === "RUNNING" && info.pid !== before["pair:b"] ? info.pid : undefined;
    });
    expect(isAlive(before["pair:b"] as number)).toBe(false);
    expect(cmdline(b)).toBe("/bin/sleep 2012");
    expect(await pids(client)).toEqual({ ...before, "pair:b": b });
  });

  it("numprocs 4 -> 6 -> 2: exactly the delta starts and stops, everything else keeps its pid", async () => {
    const { dir, client } = await setup(body());
    const four = await running(client, ALL4);

    dir.writeConfig(body({ numprocs: 6 }));
    expect((await tsctl(dir, "update")).output).toBe("web: stopped\nweb: updated process group\n");
    const added = await running(client, WEB(2, 4));
    const six = await pids(client);
    expect(six).toEqual({ ...four, ...added });
    expect(new Set(Object.values(added)).size).toBe(2);
    for (const pid of Object.values(four)) expect(Object.values(added)).not.toContain(pid);

    dir.writeConfig(body({ numprocs: 2 }));
    const r = await tsctl(dir, "update", "--verbose");
    expect(r.output).toBe(
      [
        "web: stopped",
        "web: updated process group",
        "  only the changes below",
        "  numprocs: 6 -> 2 [structural]",
        "  web:web_0: unchanged (not touched)",
        "  web:web_1: unchanged (not touched)",
        "  web:web_2: stop and remove",
        "  web:web_3: stop and remove",
        "  web:web_4: stop and remove",
        "  web:web_5: stop and remove",
        "",
      ].join("\n"),
    );
    const two = await pids(client);
    const { "web:web_2": p2, "web:web_3": p3, "web:web_4": p4, "web:web_5": p5, ...kept } = six;
    expect(two).toEqual(kept);
    for (const pid of [p2, p3, p4, p5]) expect(isAlive(pid as number)).toBe(false);
  });

  it("update --dry-run shows the typed diff of a mixed change and touches nothing; --json classes every field", async () => {
    const { dir, client } = await setup(body());
    const before = await running(client, ALL4);
    dir.writeConfig(
      body({ numprocs: 5, b: "stopwaitsecs=3\nenvironment=TOKEN=s3cret", extra: "[program:fresh]\ncommand=/bin/sleep 4001\n" })
        .replace("command=/bin/sleep 2001", "command=/bin/sleep 2011")
        .replace("[program:solo]\ncommand=/bin/sleep 3001\nstartsecs=0\n", ""),
    );
    const r = await tsctl(dir, "update", "--dry-run");
    expect(r.output).toBe(
      [
        "solo: removed",
        "  stop and remove the group",
        "pair: changed",
        "  only the changes below",
        "  pair:a: restart",
        "    command: /bin/sleep 2001 -> /bin/sleep 2011 [restart]",
        "  pair:b: changed in place (no restart)",
        "    stopwaitsecs: 10 -> 3 [hot]",
        "    environment: 0 variables -> +TOKEN [hot]",
        "web: changed",
        "  only the changes below",
        "  numprocs: 4 -> 5 [structural]",
        "  web:web_0: unchanged (not touched)",
        "  web:web_1: unchanged (not touched)",
        "  web:web_2: unchanged (not touched)",
        "  web:web_3: unchanged (not touched)",
        "  web:web_4: add and start",
        "fresh: added",
        "  add the group",
        "",
      ].join("\n"),
    );
    expect(r.output).not.toContain("s3cret");
    expect(r.code).toBe(0);
    expect(await pids(client)).toEqual(before);

    const json = JSON.parse((await tsctl(dir, "update", "--dry-run", "--json")).stdout) as {
      groups: { name: string; action: string; members: { name: string; action: string; changes: { option: string; changeClass: string }[] }[] }[];
    };
    expect(json.groups.map((g) => [g.name, g.action])).toEqual([
      ["solo", "remove"],
      ["pair", "members"],
      ["web", "members"],
      ["fresh", "add"],
    ]);
    const pair = json.groups.find((g) => g.name === "pair");
    expect(pair?.members.flatMap((m) => m.changes.map((c) => `${m.name}.${c.option}=${c.changeClass}`))).toEqual([
      "a.command=restart",
      "b.stopwaitsecs=hot",
      "b.environment=hot",
    ]);

    const verbose = await tsctl(dir, "reread", "--verbose");
    expect(verbose.output.split("\n").filter((l) => !l.startsWith(" "))).toEqual([
      "fresh: available",
      "pair: changed",
      "solo: disappeared",
      "web: changed",
      "",
    ]);
    expect(verbose.output).toContain("pair: changed\n  only the changes below\n  pair:a: restart\n");

    // Applying it: solo goes, fresh comes, a restarts; web_0..3 and pair:b keep their pids.
    expect((await tsctl(dir, "update")).output).toBe(
      "solo: stopped\nsolo: removed process group\npair: stopped\npair: updated process group\n" +
        "web: stopped\nweb: updated process group\nfresh: added process group\n",
    );
    const after = { ...(await running(client, ["fresh", "web:web_4", "pair:a"])), ...(await pids(client)) };
    const { solo: _solo, "pair:a": _a, ...kept } = before;
    expect(after).toMatchObject(kept);
    expect(after["pair:a"]).not.toBe(before["pair:a"]);
    expect(Object.keys(after).sort()).toEqual(["fresh", "pair:a", "pair:b", ...WEB(5)].sort());
  });

  it("scale starts or stops only the delta (highest process_num first); a later update follows the file", async () => {
    const { dir, client } = await setup(body({ numprocs: 2 }));
    const base = await running(client, [...WEB(2), "pair:a", "pair:b", "solo"]);

    const up = await tsctl(dir, "scale", "web", "5");
    expect(up.output).toBe("web:web_2: added\nweb:web_3: added\nweb:web_4: added\n");
    const added = await running(client, WEB(3, 2));
    expect(await pids(client)).toEqual({ ...base, ...added });

    const down = await tsctl(dir, "scale", "web", "3");
    expect(down.output).toBe("web:web_4: stopped and removed\nweb:web_3: stopped and removed\n");
    const { "web:web_3": _w3, "web:web_4": _w4, ...three } = { ...base, ...added };
    expect(await pids(client)).toEqual(three);

    // The file still says 2: reread reports the group, update stops web_2 only.
    expect((await tsctl(dir, "reread")).output).toBe("web: changed\n");
    expect((await tsctl(dir, "update")).output).toBe("web: stopped\nweb: updated process group\n");
    const { "web:web_2": _w2, ...two } = three;
    expect(await pids(client)).toEqual(two);

    expect((await tsctl(dir, "scale", "nosuch", "2")).output).toBe("ERROR: no such program: nosuch\n");
    const bad = await tsctl(dir, "scale", "web");
    expect(bad.code).toBe(1);
  });
});
