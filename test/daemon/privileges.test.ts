import fs from "node:fs";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DAEMON_MAIN, REPO_ROOT, startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";
import { request, xmlrpc } from "./lib/http-auth.js";

let dir: TestDir | null = null;
let daemon: RunningDaemon | null = null;
let lockedDir: string | null = null;
afterEach(async () => {
  await daemon?.stop();
  dir?.cleanup();
  // Only ever an empty mount point here: the bind mount lived in the daemon's own mount namespace.
  if (lockedDir !== null) fs.rmSync(lockedDir, { recursive: true, force: true });
  dir = null;
  daemon = null;
  lockedDir = null;
});

const isRoot = process.getuid?.() === 0;

function uidOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

describe("privileges (§7.6) and socket ownership", () => {
  it.skipIf(!isRoot)("D-PRV-01 user= drops to that user before opening the log and the socket", async () => {
    dir = new TestDir();
    fs.chmodSync(dir.root, 0o777);
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n", { supervisord: "user=nobody\n" });
    daemon = await startDaemon(dir);
    const client = daemon.client();
    const child = await waitForState(client, "a", "RUNNING");
    expect(uidOf(daemon.pid)).toBe(65534);
    expect(uidOf(child)).toBe(65534);
    expect(fs.statSync(dir.socket).uid).toBe(65534);
    expect(fs.statSync(dir.logfile).uid).toBe(65534);
    const log = await daemon.waitForLog(/Set uid to user 65534 succeeded/);
    expect(log).not.toContain("Supervisor is running as root");
  });

  it.skipIf(!isRoot)("user= with an install the user cannot read: version, native addon, both faces and the web UI are read before the drop", async () => {
    // The checkout is bind-mounted below a 0700 directory of root's, in a mount namespace of the daemon's own, and
    // the daemon runs from there: once it is nobody, nothing of its install can be read (a clone under root's
    // home, or in a 0700 temporary directory, is the same). A program proves the point from the inside.
    lockedDir = fs.mkdtempSync(join(tmpdir(), "tsupd-locked-install-"));
    fs.chmodSync(lockedDir, 0o700);
    const mounted = join(lockedDir, "checkout");
    fs.mkdirSync(mounted);
    const main = join(mounted, DAEMON_MAIN.slice(REPO_ROOT.length));
    const launcher = ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", 'mount --bind "$1" "$2" && shift 2 && exec "$@"', "sh", REPO_ROOT, mounted];
    dir = new TestDir();
    fs.chmodSync(dir.root, 0o777);
    const probe = `test -r ${mounted}/package.json && echo install-readable || echo install-unreadable; exec /bin/sleep 1000`;
    dir.writeConfig(`[program:a]\ncommand=/bin/sh -c '${probe}'\nstartsecs=0\nstdout_logfile=${dir.root}/a.out\n`, { supervisord: "user=nobody\n" });
    daemon = await startDaemon(dir, [], { main, launcher });
    const client = daemon.client();
    await waitForState(client, "a", "RUNNING");
    expect(uidOf(daemon.pid)).toBe(65534);
    await waitFor("the program's probe", () => fs.readFileSync(join(dir!.root, "a.out"), "utf8").includes("install-"));
    expect(fs.readFileSync(join(dir.root, "a.out"), "utf8")).toBe("install-unreadable\n");

    // The gRPC face (it carries the daemon's own version), the XML-RPC face and a web UI file, all loaded early.
    expect((await daemon.ctl(["status", "a"])).stdout).toMatch(/^a\s+RUNNING/);
    const version = await xmlrpc({ socketPath: dir.socket }, "supervisor.getSupervisorVersion");
    expect(version.status).toBe(200);
    expect(version.body).toContain("<string>4.2.5</string>");
    const css = await request({ socketPath: dir.socket }, "GET", "/stylesheets/supervisor.css");
    expect(css.status).toBe(200);
    expect(css.body.length).toBeGreaterThan(100);
    const log = daemon.activityLog();
    expect(log).toMatch(/INFO log pump: splice \(native addon loaded/);
    expect(log).toMatch(/INFO spawn: posix_spawn/);
    expect(log).not.toContain("native addon was not built");

    // A reload (SIGHUP) builds new servers from what is already loaded.
    const before = (await client.getProcessInfo({ name: "a" })).info?.pid;
    process.kill(daemon.pid, "SIGHUP");
    await waitFor("a running again after the reload", async () => {
      const info = (await daemon!.client().getProcessInfo({ name: "a" }).catch(() => undefined))?.info;
      return info?.statename === "RUNNING" && info.pid !== before;
    });
    expect((await daemon.ctl(["status", "a"])).stdout).toMatch(/^a\s+RUNNING/);
    expect(daemon.activityLog()).not.toMatch(/CRIT cannot open the servers/);
  });

  it.skipIf(!isRoot)("D-PRV-02 running as root without user= logs the CRIT warning", async () => {
    dir = new TestDir();
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    daemon = await startDaemon(dir);
    await daemon.waitForLog(/CRIT Supervisor is running as root\.  Privileges were not dropped/);
  });

  it.skipIf(!isRoot)("D-HTTP-02 chown= sets the socket owner", async () => {
    dir = new TestDir();
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n", { unix: "chown=nobody:nogroup\n" });
    daemon = await startDaemon(dir);
    const st = fs.statSync(dir.socket);
    expect([st.uid, st.gid]).toEqual([65534, 65534]);
  });

  it("MLG-03 -s keeps the activity log off stdout in the foreground", async () => {
    dir = new TestDir();
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    daemon = await startDaemon(dir, ["-s"]);
    await daemon.waitForLog(/supervisord started with pid/);
    expect(daemon.stdout).toBe("");
  });

  it("an HTTP/1.1 request on the same socket goes to the HTTP/1.1 side (XML-RPC), gRPC keeps working", async () => {
    dir = new TestDir();
    dir.writeConfig("[program:a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
    daemon = await startDaemon(dir);
    const socketPath = dir.socket;
    const body = "<?xml version='1.0'?><methodCall><methodName>supervisor.getState</methodName><params></params></methodCall>";
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.createConnection(socketPath, () =>
        s.write(
          `POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: text/xml\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        ),
      );
      let data = "";
      s.setTimeout(10_000, () => s.destroy(new Error("no HTTP/1.1 answer")));
      s.on("data", (d: Buffer) => (data += d.toString()));
      s.on("end", () => resolve(data));
      s.on("error", reject);
    });
    expect(reply.startsWith("HTTP/1.1 200")).toBe(true);
    expect(reply).toContain("<methodResponse>");
    expect(reply).toContain("<string>RUNNING</string>");
    expect((await daemon.client().getState()).statename).toBe("RUNNING");
  });
});
