/**
 * Issue 19: failed logins rate limited per peer (after 5 failures a peer is refused — RESOURCE_EXHAUSTED on
 * gRPC, 429 on HTTP — even with the right password), logged once per peer and window, and counted in /metrics
 * as tsupervisord_auth_failures_total{face}; and `[unix_http_server] allow_uids` / `allow_groups` checked with
 * SO_PEERCRED besides the socket's mode: a process of a user outside them (the real tsctl and the real Python
 * supervisorctl run as `nobody` through setpriv) is cut off, an allowed one served.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { isConnectionError } from "@tsupervisord/protocol";
import { DAEMON_MAIN, REPO_ROOT, runDaemonOnce, startDaemon, TestDir, waitForState, type RunningDaemon } from "./lib/daemon.js";
import { request, xmlrpc } from "./lib/http-auth.js";
import { freePort } from "./lib/ports.js";
import { runCommand } from "../ctl/lib/run.js";
import { HAVE_SUPERVISORCTL, SUPERVISORCTL, TSCTL } from "../ctl/lib/paths.js";

let dir: TestDir | null = null;
let daemon: RunningDaemon | null = null;
afterEach(async () => {
  await daemon?.stop();
  dir?.cleanup();
  dir = null;
  daemon = null;
});

/** The gRPC status code of a failed call (RESOURCE_EXHAUSTED is 8), or the ConnectionError's reason. */
async function failure(promise: Promise<unknown>): Promise<number | string> {
  try {
    await promise;
  } catch (err) {
    if (isConnectionError(err)) return err.reason;
    const code = (err as { code?: unknown }).code;
    if (typeof code === "number") return code;
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("issue 19: failed logins are rate limited per peer, logged, counted", () => {
  it("5 wrong passwords, then even the right one is refused (gRPC and XML-RPC); the metric counts each face", async () => {
    dir = new TestDir("tsupd-brute-");
    const port = await freePort();
    dir.writeConfig(`[inet_http_server]\nport=127.0.0.1:${port}\nusers = op1:op-pass-2:operator\n\n[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n`);
    daemon = await startDaemon(dir);
    const url = `http://127.0.0.1:${port}`;
    const good = daemon.client(url, { username: "op1", password: "op-pass-2" });
    await waitForState(good, "sleeper", "RUNNING");

    for (let i = 0; i < 5; i++) {
      expect(await failure(daemon.client(url, { username: "op1", password: `guess-${i}` }).getState({}))).toBe("unauthenticated");
    }
    // The bucket is empty: refused before the password is looked at, right or wrong.
    expect(await failure(daemon.client(url, { username: "op1", password: "op-pass-2" }).getState({}))).toBe(8);
    expect(await failure(daemon.client(url, { username: "op1", password: "guess-5" }).getState({}))).toBe(8);
    // The limit is per peer, across faces: XML-RPC from the same address gets 429.
    const limited = await xmlrpc({ port, username: "op1", password: "op-pass-2" }, "supervisor.getState");
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBeDefined();
    // Another peer (the unix socket, no users there) is served.
    expect((await daemon.client().getState({})).statename).toBe("RUNNING");

    // Logged once for the window, not once per failure.
    const log = await daemon.waitForLog(/authentication failed: user "op1" from peer=127\.0\.0\.1:\d+ face=grpc/);
    expect(log.match(/authentication failed/g)).toHaveLength(1);
    expect(log).not.toContain("guess-");
    expect(log).not.toContain("op-pass-2");

    // /metrics over the unix socket (TCP is limited for us now).
    const metrics = await request({ socketPath: dir.socket }, "GET", "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('tsupervisord_auth_failures_total{face="grpc"} 7\n');
    expect(metrics.body).toContain('tsupervisord_auth_failures_total{face="xmlrpc"} 1\n');
    expect(metrics.body).toContain('tsupervisord_auth_failures_total{face="webui"} 0\n');
  }, 60_000);

  it("a users entry with an unknown role is a config error with file, line and option (no password echoed)", async () => {
    dir = new TestDir("tsupd-badrole-");
    const port = await freePort();
    dir.writeConfig(`[inet_http_server]\nport=127.0.0.1:${port}\nusers = op1:hunter22:superuser\n`);
    const t = await runDaemonOnce(["-c", dir.conf, "-t"]);
    expect(t.status).toBe(2);
    expect(t.stderr).toContain(`${dir.conf}:`);
    expect(t.stderr).toContain("users");
    expect(t.stderr).toContain('role "superuser" is not one of viewer, operator, admin');
    expect(t.stderr).not.toContain("hunter22");
  }, 60_000);
});

const IS_ROOT = process.getuid?.() === 0;
let HAVE_SETPRIV = false;
try {
  execFileSync("setpriv", ["--version"], { stdio: "ignore" });
  HAVE_SETPRIV = true;
} catch {
  HAVE_SETPRIV = false;
}

/**
 * tsctl's bundle copied to a directory every user can read. The checkout may sit below a directory that nobody and
 * daemon cannot enter (a clone in a 0700 temporary directory): run from there, tsctl could not even load, and a
 * refusal check would pass for the wrong reason. apps/ctl/dist is self-contained (esbuild), so a copy runs alike.
 */
let tsctlCopyDir: string | undefined;
function tsctlReadableByAll(): string {
  if (tsctlCopyDir === undefined) {
    const copy = fs.mkdtempSync(join(tmpdir(), "tsctl-for-all-"));
    fs.cpSync(dirname(TSCTL), copy, { recursive: true });
    fs.writeFileSync(join(copy, "package.json"), '{ "type": "module" }\n');
    fs.chmodSync(copy, 0o755);
    tsctlCopyDir = copy;
  }
  return join(tsctlCopyDir, basename(TSCTL));
}
afterAll(() => {
  if (tsctlCopyDir !== undefined) fs.rmSync(tsctlCopyDir, { recursive: true, force: true });
});

/** Runs argv as `user`:`group` with no supplementary groups (setpriv, util-linux). */
function runAs(user: string, group: string, argv: string[]): ReturnType<typeof runCommand> {
  return runCommand(["setpriv", `--reuid=${user}`, `--regid=${group}`, "--clear-groups", ...argv], {
    env: { PATH: "/usr/bin:/bin", HOME: "/", LANG: "C.UTF-8" },
  });
}

describe.skipIf(!IS_ROOT || !HAVE_SETPRIV)("issue 19: [unix_http_server] allow_uids / allow_groups (SO_PEERCRED)", () => {
  /** A socket every user may connect to (mode 0777 in a 0755 directory): only the peer check stands in the way. */
  async function startOpen(allow: string): Promise<{ socket: string; daemon: RunningDaemon }> {
    dir = new TestDir("tsupd-peer-");
    fs.chmodSync(dir.root, 0o755);
    dir.writeConfig("[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n", { unix: `chmod=0777\n${allow}` });
    daemon = await startDaemon(dir);
    await waitForState(daemon.client(), "sleeper", "RUNNING");
    return { socket: dir.socket, daemon };
  }

  it("allow_uids = daemon: nobody is cut off (tsctl and supervisorctl), daemon is served, root always", async () => {
    const { socket, daemon: d } = await startOpen("allow_uids = daemon");
    const url = `unix://${socket}`;
    const asNobody = await runAs("nobody", "nogroup", [process.execPath, tsctlReadableByAll(), "-s", url, "status"]);
    // tsctl's own words for the cut connection, not a node stack trace of a tsctl that could not load.
    expect(asNobody.output).toBe(`error: ${url}: the server closed the connection without answering\n`);
    expect(asNobody.code).not.toBe(0);
    expect(asNobody.stdout).not.toContain("sleeper");
    if (HAVE_SUPERVISORCTL) {
      const py = await runAs("nobody", "nogroup", ["/usr/bin/python3", SUPERVISORCTL, "-s", url, "status"]);
      expect(py.output).toMatch(/Connection reset by peer|Broken pipe|Connection refused/);
      expect(py.code).not.toBe(0);
      const pyAllowed = await runAs("daemon", "daemon", ["/usr/bin/python3", SUPERVISORCTL, "-s", url, "status"]);
      expect(pyAllowed.stdout).toMatch(/^sleeper\s+RUNNING/);
    }
    await d.waitForLog(/WARN \[unix_http_server\] connection refused: unix uid=65534 pid=\d+ is not in allow_uids\/allow_groups/);

    const asDaemon = await runAs("daemon", "daemon", [process.execPath, tsctlReadableByAll(), "-s", url, "status"]);
    expect(asDaemon.stdout).toMatch(/^sleeper\s+RUNNING/);
    expect(asDaemon.code).toBe(0);
    // Root (our own uid here) owns the socket and is always allowed; the audit names the uid.
    expect(await d.client().whoAmI({})).toMatchObject({ user: "uid:0", role: "admin", uid: 0 });
    expect(d.activityLog()).toContain("[unix_http_server] allow_uids/allow_groups checked with SO_PEERCRED (native addon)");
  }, 60_000);

  it("allow_groups = nogroup: a process whose group is nogroup is served, the same user in another group is not", async () => {
    const { socket } = await startOpen("allow_groups = nogroup");
    const url = `unix://${socket}`;
    const inGroup = await runAs("nobody", "nogroup", [process.execPath, tsctlReadableByAll(), "-s", url, "status"]);
    expect(inGroup.stdout).toMatch(/^sleeper\s+RUNNING/);
    const otherGroup = await runAs("nobody", "daemon", [process.execPath, tsctlReadableByAll(), "-s", url, "status"]);
    expect(otherGroup.output).toBe(`error: ${url}: the server closed the connection without answering\n`);
    expect(otherGroup.code).not.toBe(0);
    expect(otherGroup.stdout).not.toContain("sleeper");
  }, 60_000);

  it("uid_roles = nobody:viewer: nobody reads but cannot stop (the real tsctl says so); root stays admin", async () => {
    const { socket, daemon: d } = await startOpen("uid_roles = nobody:viewer");
    const url = `unix://${socket}`;
    const status = await runAs("nobody", "nogroup", [process.execPath, tsctlReadableByAll(), "-s", url, "status"]);
    expect(status.stdout).toMatch(/^sleeper\s+RUNNING/);
    const whoami = await runAs("nobody", "nogroup", [process.execPath, tsctlReadableByAll(), "-s", url, "whoami"]);
    expect(whoami.stdout).toMatch(/^uid:65534 \(viewer\) from unix uid=65534 pid=\d+\n$/);
    const stop = await runAs("nobody", "nogroup", [process.execPath, tsctlReadableByAll(), "-s", url, "stop", "sleeper"]);
    expect(stop.stdout).toBe("sleeper: ERROR (permission denied)\n");
    expect(stop.code).toBe(1);
    await d.waitForLog(/WARN audit: user="uid:65534" role=viewer peer=unix uid=65534 pid=\d+ uid=65534 face=grpc method=stopProcess target="sleeper" denied/);
    await d.client().stopProcess({ name: "sleeper" });
    expect((await d.client().getProcessInfo({ name: "sleeper" })).info?.statename).toBe("STOPPED");
    expect(d.activityLog()).toMatch(/INFO audit: user="uid:0" role=admin peer=unix uid=0 pid=\d+ uid=0 face=grpc method=stopProcess target="sleeper" allowed/);
  }, 60_000);

  it("fail closed: without the native addon, allow_uids makes the daemon refuse to start (exit 2, says why)", async () => {
    dir = new TestDir("tsupd-peer-noaddon-");
    dir.writeConfig("[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n", { unix: "allow_uids = daemon" });
    const addon = `${REPO_ROOT}/packages/reaper/dist/native/reaper.node`;
    expect(fs.existsSync(addon)).toBe(true);
    // A private mount namespace hides the addon behind /dev/null for this daemon only.
    const script = `mount --bind /dev/null ${addon} && exec ${process.execPath} ${DAEMON_MAIN} -n -c ${dir.conf}`;
    const result = spawnSync("unshare", ["--mount", "/bin/sh", "-c", script], { encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/\[unix_http_server\] sets allow_uids\/allow_groups, but peer credentials cannot be read \(.*\); refusing to start/);
    expect(fs.existsSync(dir.socket)).toBe(false);
  }, 60_000);

  it("allow_uids on [inet_http_server] is a config error (a TCP peer has no uid)", async () => {
    dir = new TestDir("tsupd-peer-inet-");
    const port = await freePort();
    dir.writeConfig(`[inet_http_server]\nport=127.0.0.1:${port}\nusername=a\npassword=b\nallow_uids = root\n`);
    const t = await runDaemonOnce(["-c", dir.conf, "-t"]);
    expect(t.status).toBe(2);
    expect(t.stderr).toContain("allow_uids applies to [unix_http_server] only");
  }, 60_000);
});
