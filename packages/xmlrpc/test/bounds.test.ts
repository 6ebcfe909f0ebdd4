import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHttp1Handler,
  dumpMethodCall,
  LOG_EXCERPT_BYTES,
  MethodCallParseError,
  MethodCallReader,
  parseMethodCall,
} from "../src/index.js";
import type { Http1ConnectionHandler, MethodCallRefusal, XmlRpcValue } from "../src/index.js";
import { FakeBackend } from "./fake-backend.js";
import { makeTempDir, removeDir } from "./helpers.js";

/** The attack of issue 21 (12): one struct nested `depth` levels deep, 66 bytes per level (6.6 MB for 100,000). */
function nestedCall(depth: number): string {
  return `<?xml version="1.0"?><methodCall><methodName>supervisor.getState</methodName><params><param>` +
    "<value><struct>\n<member>\n<name>a</name>\n".repeat(depth) + "<value><int>1</int></value>" +
    "</member>\n</struct></value>\n".repeat(depth) + "</param></params></methodCall>";
}

function refusal(run: () => unknown): MethodCallRefusal | "accepted" {
  try {
    run();
    return "accepted";
  } catch (err) {
    if (err instanceof MethodCallParseError) return err.reason;
    throw err;
  }
}

describe("12: the streaming methodCall reader bounds depth and size", () => {
  const call = dumpMethodCall("system.multicall", [[
    { methodName: "supervisor.startProcess", params: ["web:*", true] },
    { methodName: "supervisor.sendProcessStdin", params: ["cat", "é 日本 😀 <&> ]]>\n"] },
    { methodName: "x.y", params: [{ a: [1, 2.5, false, { b: "c" }] }] },
  ]]);

  it("reads a body fed one byte at a time exactly as the whole body (entities, multi-byte characters split)", () => {
    const whole = parseMethodCall(call);
    const reader = new MethodCallReader();
    for (const byte of Buffer.from(call, "utf8")) reader.write(Uint8Array.of(byte));
    expect(reader.end()).toEqual(whole);
    expect((whole.params[0] as XmlRpcValue[]).length).toBe(3);
  });

  it("refuses a body nested 100,000 deep at its first chunk, without recursion", () => {
    const body = Buffer.from(nestedCall(100_000), "utf8");
    expect(body.length).toBeGreaterThan(6_000_000);
    const reader = new MethodCallReader();
    expect(refusal(() => reader.write(body.subarray(0, 64 * 1024)))).toBe("too deep");
    // Once refused, it stays refused and reads nothing more.
    expect(refusal(() => reader.write(body.subarray(64 * 1024, 128 * 1024)))).toBe("too deep");
    expect(reader.size).toBe(64 * 1024);
  });

  it("accepts up to maxDepth open elements and refuses one more", () => {
    // methodCall, params, param = 3 elements, then value, struct, member per level, then value + int = 2.
    const depth = (levels: number) => 3 + 3 * levels + 2;
    expect(refusal(() => parseMethodCall(nestedCall(2), { maxDepth: depth(2), maxBytes: 1e6 }))).toBe("accepted");
    expect(refusal(() => parseMethodCall(nestedCall(2), { maxDepth: depth(2) - 1, maxBytes: 1e6 }))).toBe("too deep");
    expect(parseMethodCall(nestedCall(2)).params).toEqual([{ a: { a: 1 } }]);
  });

  it("refuses a body larger than maxBytes as soon as it crosses the bound", () => {
    const reader = new MethodCallReader({ maxDepth: 256, maxBytes: 100 });
    reader.write(Buffer.from("<methodCall><methodName>a.b</methodName><params><param><value><string>"));
    expect(refusal(() => reader.write(Buffer.alloc(64, "x")))).toBe("too large");
  });

  it("keeps supervisord's verdicts for malformed bodies", () => {
    expect(refusal(() => parseMethodCall("<notxml"))).toBe("unmarshallable");
    expect(refusal(() => parseMethodCall("<methodCall><params/></methodCall>"))).toBe("no method name");
  });
});

describe("12/13/14 over HTTP: faults for bounds, bounded log lines, clients that hang up", () => {
  let dir: string;
  let sock: string;
  let handler: Http1ConnectionHandler;
  let server: net.Server;
  const logged: string[] = [];

  beforeAll(async () => {
    dir = makeTempDir("xmlrpc-bounds-");
    sock = path.join(dir, "s.sock");
    const backend = new FakeBackend(dir, { cat: ["cat"] });
    const line = (level: string) => (m: string) => void logged.push(`${level} ${m}`);
    handler = createHttp1Handler({
      backend,
      auth: null,
      logger: { trace: line("TRAC"), debug: line("DEBG"), warn: line("WARN"), error: line("ERRO"), critical: line("CRIT") },
    });
    server = net.createServer((socket) => handler(socket));
    await new Promise<void>((resolve) => server.listen(sock, resolve));
  });

  afterAll(async () => {
    handler.close();
    await new Promise((resolve) => server.close(resolve));
    removeDir(dir);
  });

  const post = (body: Buffer | string): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { socketPath: sock, path: "/RPC2", method: "POST", headers: { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body) } },
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

  it("answers the 6.3 MB 100,000-deep attack with a fault and logs a bounded excerpt with its size", async () => {
    logged.length = 0;
    const body = Buffer.from(nestedCall(100_000), "utf8");
    const reply = await post(body);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain("<name>faultCode</name>\n<value><int>2</int></value>");
    expect(reply.body).toContain("INCORRECT_PARAMETERS: request nested deeper than 256 elements");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^WARN XML-RPC request data '<\?xml version="1\.0"\?><methodCall>.*'\.\.\. \(\d+ bytes\) refused: /);
    expect(logged[0]).toContain(`(${body.length} bytes)`);
    expect((logged[0] ?? "").length).toBeLessThan(LOG_EXCERPT_BYTES * 2 + 200);
  });

  it("logs a malformed body as an escaped excerpt with its size, never whole", async () => {
    logged.length = 0;
    const body = `<notxml\n\x1b[31m${"A".repeat(1_000_000)}`;
    expect((await post(body)).status).toBe(400);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^ERRO XML-RPC request data '<notxml\\n\\x1b\[31mA+'\.\.\. \(1000013 bytes\) is invalid: unmarshallable$/);
    expect((logged[0] ?? "").length).toBeLessThan(LOG_EXCERPT_BYTES + 200);
  });

  it("answers a body refused at its first chunk only once the client has sent all of it (no EPIPE while it writes)", async () => {
    logged.length = 0;
    const total = 2_000_000;
    // Nested 1,000 deep in its first 66 KB: refused there ("too deep"), long before the rest arrives.
    const first = nestedCall(1_000).slice(0, 66_000);
    const socket = net.connect(sock);
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    let received = "";
    const errors: Error[] = [];
    socket.on("data", (c: Buffer) => (received += c.toString("latin1")));
    socket.on("error", (e) => errors.push(e));
    socket.write(`POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: ${total}\r\nConnection: close\r\n\r\n${first}`);
    // The server has refused the body...
    await expect.poll(() => logged.length).toBe(1);
    expect(logged[0]).toMatch(/refused: INCORRECT_PARAMETERS: request nested deeper than 256 elements$/);
    // ...and keeps reading: no answer (and no close) while the client still has most of the body to send.
    expect(received).toBe("");
    await new Promise<void>((resolve) => socket.end(Buffer.alloc(total - first.length, "A"), () => resolve()));
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    expect(errors).toEqual([]);
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toContain("request nested deeper than 256 elements");
  });

  it("bounds client-chosen method names and fault texts in trace lines", async () => {
    logged.length = 0;
    const name = "n".repeat(100_000);
    const reply = await post(dumpMethodCall("supervisor.startProcess", [name]));
    expect(reply.body).toContain("BAD_NAME");
    expect(logged.join("\n").length).toBeLessThan(2_000);
    expect(logged.some((l) => /^TRAC XML-RPC method supervisor\.startProcess\(\) returned fault: \[10\] BAD_NAME: n+\.\.\. \(100010 bytes\)$/.test(l))).toBe(true);
  });

  it("a client that hangs up mid-body is a debug line, not CRIT with a stack", async () => {
    logged.length = 0;
    const socket = net.connect(sock);
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    // `Expect: 100-continue`: the interim answer proves the server is inside the request when we hang up.
    socket.write("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
    await new Promise<void>((resolve) => socket.once("data", () => resolve()));
    socket.write("<methodCall><methodName>", () => socket.destroy());
    await expect.poll(() => logged.filter((l) => l.startsWith("DEBG")).length).toBe(1);
    expect(logged).toEqual([expect.stringMatching(/^DEBG XML-RPC client went away before sending the whole request \(\d+ bytes received\)$/)]);
  });
});
