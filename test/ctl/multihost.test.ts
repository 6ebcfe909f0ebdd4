/**
 * issue 19: tsctl against several real daemons: `--context NAME` from ~/.config/tsctl/contexts (XDG_CONFIG_HOME
 * honoured, password_file, TCP with auth), `-H a,b CMD` fanning out with a host column and the worst exit status,
 * an unreachable host as a row of its error, and the commands -H refuses.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daemonUnavailableReason } from "./lib/daemon.js";
import { HOST_B_PASSWORD as PASSWORD, startTwoHosts, type TwoHosts } from "./lib/hosts.js";
import type { RunResult } from "./lib/run.js";

const unavailable = await daemonUnavailableReason();
if (unavailable !== null) console.warn(`[ctl e2e] multi-host skipped: ${unavailable}`);

let hosts: TwoHosts;
let deadUrl: string;

function tsctl(args: readonly string[]): Promise<RunResult> {
  return hosts.tsctl(args);
}

describe.skipIf(unavailable !== null)("tsctl contexts and -H fan-out against two daemons", () => {
  beforeAll(async () => {
    hosts = await startTwoHosts();
    deadUrl = hosts.deadUrl;
  }, 60_000);

  afterAll(async () => {
    await hosts?.stop();
  });

  it("--context NAME connects as the context says (TCP, username and password_file)", async () => {
    const r = await tsctl(["--context", "b", "status"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^beta\s+RUNNING\s+pid \d+/m);
    expect(r.stdout).toMatch(/^gamma\s+RUNNING/m);
    expect(r.code).toBe(0);
  });

  it("context list and show never print the password", async () => {
    const list = await tsctl(["context", "list"]);
    expect(list.stdout.split("\n").map((l) => l.split(/\s+/)[0])).toEqual(["a", "b", "dead", ""]);
    const show = await tsctl(["context", "show", "b"]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("username:  bob");
    expect(show.stdout).toContain("password:  (set, from password_file)");
    expect(show.stdout + show.stderr).not.toContain(PASSWORD);
  });

  it("-H a,b status prints every host's rows behind a host column", async () => {
    const r = await tsctl(["-H", "a,b", "status"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^a     alpha\s+RUNNING\s+pid \d+/);
    expect(lines[1]).toMatch(/^b     beta\s+RUNNING/);
    expect(lines[2]).toMatch(/^b     gamma\s+RUNNING/);
  });

  it("an unreachable host is a row with its error and the exit status is the worst host's", async () => {
    const r = await tsctl(["-H", `a,b,${deadUrl}`, "status"]);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("a ")).length).toBe(1);
    expect(lines.filter((l) => l.startsWith("b ")).length).toBe(2);
    expect(lines).toContain(`${deadUrl}  ${deadUrl} refused connection`);
    expect(r.code).toBe(4); // status's UNKNOWN, the dead host's
  });

  it("control commands fan out too: stop, status (3 = stopped), start, restart, pid, version", async () => {
    const stop = await tsctl(["-H", "a,b", "stop", "all"]);
    expect(stop.stdout).toMatch(/^a     alpha: stopped$/m);
    expect(stop.stdout).toMatch(/^b     beta: stopped$/m);
    expect(stop.code).toBe(0);
    const stopped = await tsctl(["-H", "a,b", "status"]);
    expect(stopped.code).toBe(3);
    const start = await tsctl(["-H", "a,b", "start", "all"]);
    expect(start.stdout).toMatch(/^a     alpha: started$/m);
    expect(start.stdout).toMatch(/^b     gamma: started$/m);
    expect(start.code).toBe(0);
    const restart = await tsctl(["--context", "a,b", "restart", "alpha"]);
    expect(restart.stdout).toMatch(/^a     alpha: stopped\na     alpha: started$/m);
    expect(restart.stdout).toMatch(/^b     alpha: ERROR \(no such process\)$/m);
    expect(restart.code).toBe(1);
    const pid = await tsctl(["-H", "a,b", "pid"]);
    expect(pid.stdout).toMatch(/^a     \d+\nb     \d+\n$/);
    const version = await tsctl(["-H", "a,b", "version"]);
    expect(version.stdout).toMatch(/^a     \S+\nb     \S+\n$/);
  });

  it("--json gives one JSON document with an entry per host", async () => {
    const r = await tsctl(["-H", "a,dead", "status", "--json"]);
    const doc = JSON.parse(r.stdout) as { host: string; exitstatus: number; result?: { name: string }[]; error?: string }[];
    expect(doc.map((e) => e.host)).toEqual(["a", "dead"]);
    expect(doc[0]?.result?.map((p) => p.name)).toEqual(["alpha"]);
    expect(doc[1]?.error).toContain("refused connection");
    expect(r.code).toBe(4);
  });

  it("refuses what cannot fan out, and names a missing context", async () => {
    for (const args of [["tail", "-f", "alpha"], ["fg", "alpha"], ["maintail", "-f"], []]) {
      const r = await tsctl(["-H", "a,b", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^Error: /);
    }
    const missing = await tsctl(["--context", "nosuch", "status"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no context named 'nosuch'");
    const both = await tsctl(["-H", "a,b", "-s", "unix:///x", "status"]);
    expect(both.code).toBe(2);
  });
});
