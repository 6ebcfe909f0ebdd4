import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { childPids, DAEMON_MAIN, startDaemon, TestDir, waitFor } from "./lib/daemon.js";

/** PPID and state of /proc/<pid>/stat (the comm field may hold spaces, so parse after its closing paren). */
function zombieChildrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" && Number(fields[1]) === parent) out.push(Number(entry));
  }
  return out;
}

/** Live processes running `/bin/sleep <seconds>` (zombies have no cmdline). */
function sleepersOf(seconds: string): number[] {
  return fs.readdirSync("/proc").filter((e) => {
    try {
      return /^\d+$/.test(e) && fs.readFileSync(`/proc/${e}/cmdline`, "utf8") === `/bin/sleep\0${seconds}\0`;
    } catch {
      return false;
    }
  }).map(Number);
}

/** A program whose inner shell backgrounds a short sleep and exits, orphaning the sleep (" ;" would be an INI comment). */
function orphanerScript(dir: TestDir, seconds: number): string {
  const file = dir.file("orphaner.sh");
  fs.writeFileSync(file, `/bin/sh -c "/bin/sleep ${seconds} &"\nexec /bin/sleep 1000\n`);
  return file;
}

describe.skipIf(process.platform !== "linux")("orphan reaper (RAP-01, RAP-03)", () => {
  it("RAP-01: as a subreaper the daemon reaps a program's orphaned grandchild and logs it at INFO", async () => {
    using dir = new TestDir("tsupd-reap-");
    // The inner shell backgrounds a short sleep and exits: the sleep is re-parented to the daemon (subreaper)
    // and must be reaped by it when it ends.
    dir.writeConfig(
      ["[program:orphaner]", `command=/bin/sh ${orphanerScript(dir, 0.3)}`, "startsecs=0", ""].join("\n"),
    );
    await using daemon = await startDaemon(dir, [], { env: { ...process.env, TSUPERVISORD_SUBREAPER: "1" } });
    const log = await daemon.waitForLog(/INFO reaped unknown pid \d+ \(exit status 0\)/);
    expect(log).toMatch(/spawned: 'orphaner'/);
    expect(log).not.toMatch(/will not be reaped/);
    expect(zombieChildrenOf(daemon.pid)).toEqual([]);
  }, 30_000);

  it("without PID 1 or the variable nothing is reaped by us (the orphan goes to init instead)", async () => {
    using dir = new TestDir("tsupd-reap-");
    dir.writeConfig(
      ["[program:orphaner]", `command=/bin/sh ${orphanerScript(dir, 0.217)}`, "startsecs=0", ""].join("\n"),
    );
    const env = { ...process.env };
    delete env["TSUPERVISORD_SUBREAPER"];
    await using daemon = await startDaemon(dir, [], { env });
    await daemon.waitForLog(/success: orphaner entered RUNNING/);
    // The orphan belongs to init (or another subreaper), never to the daemon: no zombie and no log line here.
    await waitFor("the orphaned sleep to have run and ended", () => sleepersOf("0.217").length === 0);
    expect(zombieChildrenOf(daemon.pid)).toEqual([]);
    expect(daemon.activityLog()).not.toMatch(/reaped unknown pid/);
  }, 30_000);

  // A real PID 1 in a fresh pid namespace (needs root or user namespaces; skipped otherwise).
  const canUnshare =
    fs.existsSync("/usr/bin/unshare") &&
    spawnSync("/usr/bin/unshare", ["--pid", "--fork", "--mount-proc", "/bin/true"], { timeout: 5000 }).status === 0;
  it.skipIf(!canUnshare)("RAP-01 as PID 1 (unshare --pid): reaps without the variable", async () => {
    using dir = new TestDir("tsupd-reap-");
    dir.writeConfig(["[program:orphaner]", `command=/bin/sh ${orphanerScript(dir, 0.3)}`, "startsecs=0", ""].join("\n"));
    const env = { ...process.env };
    delete env["TSUPERVISORD_SUBREAPER"];
    const unshare = spawn("/usr/bin/unshare", ["--pid", "--fork", "--mount-proc", "--kill-child", process.execPath, DAEMON_MAIN, "-n", "-c", dir.conf], {
      env,
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => unshare.once("exit", (code) => resolve(code)));
    try {
      const log = await waitFor("the reap line", () => {
        const text = fs.existsSync(dir!.logfile) ? fs.readFileSync(dir!.logfile, "utf8") : "";
        return /INFO reaped unknown pid \d+ \(exit status 0\)/.test(text) ? text : undefined;
      });
      expect(log).toMatch(/supervisord started with pid 1\n/);
      const [daemonPid] = childPids(unshare.pid as number);
      expect(daemonPid).toBeGreaterThan(0);
      expect(zombieChildrenOf(daemonPid as number)).toEqual([]);
      process.kill(daemonPid as number, "SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (unshare.exitCode === null) unshare.kill("SIGKILL");
    }
  }, 30_000);
});
