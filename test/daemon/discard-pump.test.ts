/**
 * issue 20 end to end: a program whose output nobody keeps (`stdout_logfile=NONE`, `stderr_logfile=NONE`, or
 * redirect_stderr with stdout NONE) and nothing in the daemon reads (no events, capture, syslog, debug log) gets a
 * splice pump without a file: the child still writes into a real pipe, as under supervisord (which reads and drops
 * the bytes), the pump drops them in the kernel, and with both channels on pumps the child is started with
 * posix_spawn instead of a fork of the daemon. Those bytes are discarded by design: no warning, no dropped bytes in
 * log_stats or /metrics. With TSUPERVISORD_NO_SPLICE=1 everything stays as before: node:child_process, whose
 * stdio "pipe" is a socketpair.
 *
 * Which path started a child shows in its fd 0 (as in native-spawn.test.ts): a pipe from posix_spawn, a socket from
 * node:child_process. The daemon runs at loglevel info (debug would copy output to the activity log).
 */
import fs from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SupervisorClient } from "@tsupervisord/protocol";
import { nativeReaper } from "@tsupervisord/reaper";
import { runCommand } from "../ctl/lib/run.js";
import { TSCTL } from "../ctl/lib/paths.js";
import { isAlive, startDaemon, TestDir, waitFor, waitForState, type RunningDaemon, killByArgv } from "./lib/daemon.js";

const addon = nativeReaper();
const nativeBuilt = addon !== undefined && typeof addon.spawn === "function" && typeof addon.pumpStart === "function" && process.platform === "linux";
const PATHS = [
  // Both channels on pumps: posix_spawn, and every fd of the child a pipe.
  { path: "discard pump", env: {}, kinds: { fd0: "pipe", out: "pipe" }, logPump: "discard", skip: !nativeBuilt },
  // As before the pump: node:child_process, output read and dropped in JS.
  {
    path: "JS writer",
    env: { TSUPERVISORD_NO_SPLICE: "1" },
    kinds: { fd0: "socket", out: "socket" },
    logPump: "js: splice pump unavailable: TSUPERVISORD_NO_SPLICE=1",
    skip: false,
  },
] as const;

const FLOOD = 10 * 1024 * 1024;

/** `pipe:[123]` -> { kind: "pipe", inode: "123" }. */
function fdOf(pid: number, fd: number): { kind: string; inode: string } {
  const link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
  const m = /^(pipe|socket):\[(\d+)\]$/u.exec(link);
  return { kind: m?.[1] ?? link, inode: m?.[2] ?? "" };
}

function metrics(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: "/metrics" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

describe.each(PATHS)("NONE channels, $path", ({ env, kinds, logPump, skip }) => {
  const dir = new TestDir("tsupd-discard-");
  let daemon: RunningDaemon;
  let client: SupervisorClient;
  const ctl = (...args: string[]) => runCommand([TSCTL, "-c", dir.conf, ...args]);
  const pidOf = async (name: string): Promise<number> => (await client.getProcessInfo({ name })).info?.pid ?? 0;

  beforeAll(async () => {
    if (skip) return;
    const program = (name: string, command: string, extra: string[]) =>
      [`[program:${name}]`, `command=${command}`, "autostart=false", "autorestart=false", "startsecs=0", ...extra, ""].join("\n");
    const none = ["stdout_logfile=NONE", "stderr_logfile=NONE"];
    fs.writeFileSync(dir.file("both.sh"), "echo to-stdout; echo to-stderr >&2; exec sleep 1000\n");
    fs.writeFileSync(dir.file("orphan.sh"), "echo before; sleep 303 & echo after\n");
    dir.writeConfig(
      [
        program("quiet", "sleep 1000", [...none, "stopwaitsecs=5"]),
        // 10 MB, far more than a pipe holds: it only ends if something keeps draining the pipe.
        program("flood", `head -c ${FLOOD} /dev/zero`, none),
        program("merged", `/bin/sh ${dir.file("both.sh")}`, ["redirect_stderr=true", "stdout_logfile=NONE"]),
        program("mixed", `/bin/sh ${dir.file("both.sh")}`, [`stdout_logfile=${dir.file("mixed.log")}`, "stderr_logfile=NONE"]),
        // Exits at once while a grandchild keeps the pipe open: the exit is still reported (the drain grace).
        program("orphan", `/bin/sh ${dir.file("orphan.sh")}`, none),
      ].join("\n"),
    );
    daemon = await startDaemon(dir, [], { env: { ...process.env, ...env } });
    client = daemon.client();
  }, 30_000);

  afterAll(async () => {
    if (!skip) await daemon.stop();
    killByArgv(["sleep", "303"]);
    dir.cleanup();
  });

  it.skipIf(skip)("both NONE: fd 1 and fd 2 are pipes of their own (sockets on the fallback); stop and restart work", async () => {
    expect((await client.getProcessInfo({ name: "quiet" })).info?.logPump).toEqual({ stdout: logPump, stderr: logPump });
    await ctl("start", "quiet");
    const pid = await waitForState(client, "quiet", "RUNNING");
    expect(fdOf(pid, 0).kind).toBe(kinds.fd0);
    const [out, err] = [fdOf(pid, 1), fdOf(pid, 2)];
    expect([out.kind, err.kind]).toEqual([kinds.out, kinds.out]);
    expect(out.inode).not.toBe(err.inode);

    expect((await ctl("restart", "quiet")).stdout).toBe("quiet: stopped\nquiet: started\n");
    const again = await pidOf("quiet");
    expect(again).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
    expect([fdOf(again, 0).kind, fdOf(again, 1).kind, fdOf(again, 2).kind]).toEqual([kinds.fd0, kinds.out, kinds.out]);
    expect((await ctl("stop", "quiet")).stdout).toBe("quiet: stopped\n");
    expect(isAlive(again)).toBe(false);
    expect((await client.getProcessInfo({ name: "quiet" })).info?.statename).toBe("STOPPED");
  });

  it.skipIf(skip)("10 MB to a NONE stdout: the child runs to its end, nothing is written anywhere, nothing counts as lost", async () => {
    const before = fs.readdirSync(dir.root).sort();
    await ctl("start", "flood");
    await waitForState(client, "flood", "EXITED", 60_000);
    const log = await daemon.waitForLog(/exited: flood \(exit status 0; expected\)/u);
    expect(fs.readdirSync(dir.root).sort()).toEqual(before);
    // Not a log failure: no warning or error about it in the daemon log, no dropped bytes anywhere.
    expect(log.split("\n").filter((l) => /flood/u.test(l) && /\b(WARN|ERRO|CRIT)\b/u.test(l))).toEqual([]);
    const stats = (await client.getProcessInfo({ name: "flood" })).info?.logStats;
    expect([stats?.stdout?.bytesDropped, stats?.stderr?.bytesDropped].map(Number)).toEqual([0, 0]);
    const dropped = (await metrics(dir.socket)).split("\n").filter((l) => l.startsWith("tsupervisord_process_log_dropped_bytes_total{") && l.includes('name="flood"'));
    expect(dropped.filter((l) => !l.endsWith(" 0"))).toEqual([]);
  });

  it.skipIf(skip)("redirect_stderr with stdout NONE: fd 1 and fd 2 are one pipe", async () => {
    await ctl("start", "merged");
    const pid = await waitForState(client, "merged", "RUNNING");
    // The shell execs sleep after its echos: the fds are the program's own, not a wrapper's.
    await waitFor("merged execs sleep", () => (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("sleep") ? true : undefined));
    expect(fdOf(pid, 0).kind).toBe(kinds.fd0);
    const [out, err] = [fdOf(pid, 1), fdOf(pid, 2)];
    expect(out.kind).toBe(kinds.out);
    // On the fallback, Node hands one socketpair to a `sh -c 'exec 2>&1'` wrapper: the same end on both.
    expect(err).toEqual(out);
    await ctl("stop", "merged");
    expect(isAlive(pid)).toBe(false);
  });

  it.skipIf(skip)("stdout to a file, stderr NONE: the file gets stdout only; the stderr pipe is discarded", async () => {
    await ctl("start", "mixed");
    const pid = await waitForState(client, "mixed", "RUNNING");
    await waitFor("mixed execs sleep", () => (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("sleep") ? true : undefined));
    expect([fdOf(pid, 0).kind, fdOf(pid, 2).kind]).toEqual([kinds.fd0, kinds.out]);
    // stdout's pipe: on the pump path a pipe too (the splice pump into mixed.log).
    expect(fdOf(pid, 1).kind).toBe(kinds.out);
    await waitFor("mixed.log written", () => (fs.readFileSync(dir.file("mixed.log"), "utf8") === "to-stdout\n" ? true : undefined));
    await ctl("stop", "mixed");
    expect(fs.readFileSync(dir.file("mixed.log"), "utf8")).toBe("to-stdout\n");
  });

  it.skipIf(skip)("a grandchild holding the NONE pipe: the exit is still reported", async () => {
    await ctl("start", "orphan");
    await waitForState(client, "orphan", "EXITED");
    await daemon.waitForLog(/exited: orphan \(exit status 0; expected\)/u);
    expect((await ctl("status", "orphan")).stdout).toMatch(/^orphan\s+EXITED/u);
  });
});
