import fs from "node:fs";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startDaemon, TestDir, waitForState, type RunningDaemon } from "./lib/daemon.js";

let dir: TestDir | null = null;
let daemon: RunningDaemon | null = null;
afterEach(async () => {
  await daemon?.stop();
  dir?.cleanup();
  dir = null;
  daemon = null;
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
