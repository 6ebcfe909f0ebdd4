import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";
import { rawGrpcCall } from "./lib/raw-grpc.js";

/**
 * Issue 21 #12, #13, #14 against the built daemon on its unix socket: nested-value attacks, clients that hang
 * up mid-request, malformed bodies — each must cost a bounded amount of memory and log, and leave the daemon
 * answering everyone else.
 */

/** One struct nested `depth` levels deep, 66 bytes per level: 100,000 levels is the 6.6 MB request. */
function nestedCall(depth: number): Buffer {
  return Buffer.from(
    `<?xml version="1.0"?><methodCall><methodName>supervisor.getState</methodName><params><param>` +
      "<value><struct>\n<member>\n<name>a</name>\n".repeat(depth) + "<value><int>1</int></value>" +
      "</member>\n</struct></value>\n".repeat(depth) + "</param></params></methodCall>",
  );
}

function rssKiB(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

let dir: TestDir;
let daemon: RunningDaemon;

function post(body: Buffer | string, path = "/RPC2"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath: dir.socket, path, method: "POST", agent: false, headers: { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const GET_STATE = "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getState</methodName>\n<params>\n</params>\n</methodCall>\n";

beforeAll(async () => {
  dir = new TestDir("tsupd-abuse-");
  dir.writeConfig("[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n", { supervisord: "loglevel=trace" });
  daemon = await startDaemon(dir);
  await waitForState(daemon.client(), "sleeper", "RUNNING");
}, 30_000);

afterAll(async () => {
  await daemon?.stop();
  dir?.cleanup();
});

describe("issue 21 #12: nested XML-RPC values", () => {
  it("eight 6.6 MB requests nested 100,000 deep get a fault, memory stays bounded, other RPCs still answer", async () => {
    expect((await post(GET_STATE)).body).toContain("<name>statename</name>");
    const before = rssKiB(daemon.pid);
    const attack = nestedCall(100_000);
    expect(attack.length).toBeGreaterThan(6_300_000);
    const attacks = Array.from({ length: 8 }, () => post(attack));
    // A normal call while the attacks are in flight: it must be answered (no timing asserted).
    const normal = await post(GET_STATE);
    expect(normal.status).toBe(200);
    expect(normal.body).toContain("<value><string>RUNNING</string></value>");
    const replies = await Promise.all(attacks);
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.body).toContain("<name>faultCode</name>\n<value><int>2</int></value>");
      expect(reply.body).toContain("INCORRECT_PARAMETERS: request nested deeper than 256 elements");
    }
    const after = rssKiB(daemon.pid);
    const peak = rssKiB(daemon.pid, "VmHWM");
    console.log(`xmlrpc-abuse: RSS before ${(before / 1024).toFixed(1)} MB, after 8 attacks ${(after / 1024).toFixed(1)} MB, ` +
      `peak (VmHWM, whole life) ${(peak / 1024).toFixed(1)} MB`);
    expect(after - before).toBeLessThan(100 * 1024);
  }, 60_000);
});

describe("issue 21 #14: malformed bodies are never copied whole into the log", () => {
  it("eight 6.3 MB malformed XML-RPC bodies add a few KB of log, each line a bounded excerpt with the size", async () => {
    const before = fs.statSync(dir.logfile).size;
    const junk = Buffer.concat([Buffer.from("<notxml>\n"), Buffer.alloc(6_300_000, "A")]);
    const replies = await Promise.all(Array.from({ length: 8 }, () => post(junk)));
    for (const reply of replies) expect(reply.status).toBe(400);
    const lines = await waitFor("eight log lines", () => {
      const found = daemon.activityLog().split("\n").filter((l) => l.includes("XML-RPC request data '<notxml>\\nAAAA"));
      return found.length === 8 ? found : undefined;
    });
    for (const line of lines) expect(line).toMatch(/'<notxml>\\nA+'\.\.\. \(6300009 bytes\) is invalid: unmarshallable$/);
    expect(fs.statSync(dir.logfile).size - before).toBeLessThan(16 * 1024);
  }, 60_000);

  it("a 1 MB name in a gRPC call is not copied whole into the trace log", async () => {
    const before = fs.statSync(dir.logfile).size;
    const name = "n".repeat(1_000_000);
    await expect(daemon.client().startProcess({ name })).rejects.toMatchObject({ code: "BAD_NAME" });
    await daemon.waitForLog(/gRPC method supervisor\.startProcess\(\) returned fault: \[10\] BAD_NAME: n+(\.\.\. \(\d+ bytes\))?$/m);
    expect(fs.statSync(dir.logfile).size - before).toBeLessThan(16 * 1024);
  });

  it("eight 3 MB undecodable gRPC request bodies are refused and stay out of the log", async () => {
    const before = fs.statSync(dir.logfile).size;
    // Field 1 (name) announced as 3 MB of string, then junk that is no protobuf at all.
    const junk = Buffer.concat([Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x7f]), Buffer.alloc(3_000_000, 0xff)]);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => rawGrpcCall(dir.socket, "/supervisor.v1.Supervisor/StartProcess", junk, 20_000)),
    );
    for (const r of results) expect(r.status).not.toBe(0);
    // The daemon still answers, and its log grew by a few lines at most.
    expect((await post(GET_STATE)).body).toContain("<value><string>RUNNING</string></value>");
    expect(fs.statSync(dir.logfile).size - before).toBeLessThan(16 * 1024);
  }, 60_000);

  it("a large body and a long query on the web UI stay out of the log", async () => {
    const before = fs.statSync(dir.logfile).size;
    const reply = await post(Buffer.alloc(2_000_000, "B"), `/index.html?processname=${"p".repeat(4000)}&action=stop`);
    expect(reply.status).toBe(301);
    expect(fs.statSync(dir.logfile).size - before).toBeLessThan(16 * 1024);
  });
});

describe("issue 21 #13: a client that hangs up mid-request", () => {
  it("is logged at debug, without CRIT or a stack trace", async () => {
    const logBefore = daemon.activityLog().length;
    const socket = net.connect(dir.socket);
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    // `Expect: 100-continue`: the interim answer proves the daemon is inside the request when we hang up.
    socket.write("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    socket.write("<methodCall><methodName>supervisor.", () => socket.destroy());
    await daemon.waitForLog(/DEBG XML-RPC client went away before sending the whole request/);
    const log = daemon.activityLog();
    expect(log.slice(logBefore)).not.toMatch(/ CRIT /);
    expect(log).not.toMatch(/Error: aborted|abortIncoming/);
  });
});
