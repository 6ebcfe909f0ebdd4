import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startDaemon, TestDir, waitFor, type RunningDaemon } from "./lib/daemon.js";

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
  let dir: TestDir | undefined;
  let daemon: RunningDaemon | undefined;
  afterEach(async () => {
    await daemon?.stop();
    dir?.cleanup();
    daemon = undefined;
    dir = undefined;
  });

  it("RAP-01: as a subreaper the daemon reaps a program's orphaned grandchild and logs it at INFO", async () => {
    dir = new TestDir("tsupd-reap-");
    // The inner shell backgrounds a short sleep and exits: the sleep is re-parented to the daemon (subreaper)
    // and must be reaped by it when it ends.
    dir.writeConfig(
      ["[program:orphaner]", `command=/bin/sh ${orphanerScript(dir, 0.3)}`, "startsecs=0", ""].join("\n"),
    );
    daemon = await startDaemon(dir, [], { env: { ...process.env, TSUPERVISORD_SUBREAPER: "1" } });
    const log = await daemon.waitForLog(/INFO reaped unknown pid \d+ \(exit status 0\)/);
    expect(log).toMatch(/spawned: 'orphaner'/);
    expect(log).not.toMatch(/will not be reaped/);
    expect(zombieChildrenOf(daemon.pid)).toEqual([]);
  }, 30_000);

  it("without PID 1 or the variable nothing is reaped by us (the orphan goes to init instead)", async () => {
    dir = new TestDir("tsupd-reap-");
    dir.writeConfig(
      ["[program:orphaner]", `command=/bin/sh ${orphanerScript(dir, 0.217)}`, "startsecs=0", ""].join("\n"),
    );
    const env = { ...process.env };
    delete env["TSUPERVISORD_SUBREAPER"];
    daemon = await startDaemon(dir, [], { env });
    await daemon.waitForLog(/success: orphaner entered RUNNING/);
    // The orphan belongs to init (or another subreaper), never to the daemon: no zombie and no log line here.
    await waitFor("the orphaned sleep to have run and ended", () => sleepersOf("0.217").length === 0);
    expect(zombieChildrenOf(daemon.pid)).toEqual([]);
    expect(daemon.activityLog()).not.toMatch(/reaped unknown pid/);
  }, 30_000);
});
