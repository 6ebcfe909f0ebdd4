import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { promisify } from "node:util";
import { waitFor } from "@tsupervisord/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttp1Handler, errorBody } from "../src/index.js";
import type { Http1ConnectionHandler } from "../src/index.js";
import { FakeBackend } from "./fake-backend.js";
import { makeTempDir, removeDir } from "./helpers.js";
import { PYTHON } from "./python.js";

const run = promisify(execFile);
const SUPERVISORCTL = fs.existsSync("/usr/bin/supervisorctl") ? "/usr/bin/supervisorctl" : null;

let dir: string;
let backend: FakeBackend;
const servers: net.Server[] = [];
const handlers: Http1ConnectionHandler[] = [];
const logged: string[] = [];
let openSock: string;
let peekSock: string;
let authSock: string;
let tcpPort: number;
let confPath: string;

const PASSWORD = "pa:ss"; // RPC-04: passwords may contain ':'

async function listen(address: string | number, auth: { username: string; password: string } | null): Promise<net.Server> {
  const handler = createHttp1Handler({
    backend,
    auth,
    logger: { error: (m) => logged.push(`ERRO ${m}`), critical: (m) => logged.push(`CRIT ${m}`) },
  });
  handlers.push(handler);
  const server = net.createServer((socket) => handler(socket));
  servers.push(server);
  await new Promise<void>((resolve) => {
    if (typeof address === "number") server.listen(address, "127.0.0.1", resolve);
    else server.listen(address, resolve);
  });
  return server;
}

beforeAll(async () => {
  dir = makeTempDir("xmlrpc-http-");
  backend = new FakeBackend(dir, { cat: ["cat"], sleeper: ["sleeper"], web: ["web_0", "web_1"] });
  openSock = path.join(dir, "open.sock");
  authSock = path.join(dir, "auth.sock");
  await listen(openSock, null);
  await listen(authSock, { username: "user", password: `{SHA}${createHash("sha1").update(PASSWORD).digest("hex")}` });
  const tcp = await listen(0, { username: "user", password: PASSWORD });
  // The daemon's way in (design "The wire"): peek the first bytes for the HTTP/2 preface, pause, unshift them,
  // hand the socket over, resume. The handler must read the request from its first byte.
  peekSock = path.join(dir, "peek.sock");
  const peeked = createHttp1Handler({ backend, auth: null });
  handlers.push(peeked);
  const peekServer = net.createServer((socket) => {
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      peeked(socket);
      if (socket.isPaused()) socket.resume();
    });
  });
  servers.push(peekServer);
  await new Promise<void>((resolve) => peekServer.listen(peekSock, resolve));
  tcpPort = (tcp.address() as net.AddressInfo).port;
  confPath = path.join(dir, "supervisord.conf");
  // CFG-05: supervisorctl needs a [supervisorctl] section even when given -s.
  fs.writeFileSync(confPath, `[supervisorctl]\nserverurl=unix://${openSock}\n`);
});

afterAll(async () => {
  for (const handler of handlers) handler.close();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  removeDir(dir);
});

/** Sends raw bytes and reads until the server closes or `until` matches. */
function rawRequest(address: string | number, text: string, until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = typeof address === "number" ? net.connect(address, "127.0.0.1") : net.connect(address);
    let data = "";
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
      if (until?.test(data) === true) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
    socket.write(text);
  });
}

async function ctl(args: string[], sock = openSock): Promise<{ out: string; code: number }> {
  try {
    const { stdout } = await run(SUPERVISORCTL ?? "supervisorctl", ["-c", confPath, "-s", `unix://${sock}`, ...args], { timeout: 15_000 });
    return { out: stdout, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; code: number };
    return { out: e.stdout, code: e.code };
  }
}

describe.skipIf(SUPERVISORCTL === null)("the real Python supervisorctl against our handler (UPC-01)", () => {
  it("status lists every process as supervisord would (rc 3: some are stopped)", async () => {
    const { out, code } = await ctl(["status"]);
    expect(out).toBe(
      "cat                              STOPPED   Not started\n" +
      "sleeper                          STOPPED   Not started\n" +
      "web:web_0                        STOPPED   Not started\n" +
      "web:web_1                        STOPPED   Not started\n",
    );
    expect(code).toBe(3);
  });

  it("start, status, stop, pid, version", async () => {
    expect(await ctl(["start", "cat"])).toEqual({ out: "cat: started\n", code: 0 });
    const status = await ctl(["status", "cat"]);
    expect(status.out).toMatch(/^cat {30}RUNNING {3}pid 4\d\d\d, uptime 0:00:\d\d\n$/);
    expect(status.code).toBe(0);
    // Independent read-only commands run side by side to keep the suite quick.
    const [again, daemonPid, pid, version] = await Promise.all([
      ctl(["start", "cat"]), ctl(["pid"]), ctl(["pid", "cat"]), ctl(["version"]),
    ]);
    expect(again).toEqual({ out: "cat: ERROR (already started)\n", code: 0 });
    expect(daemonPid).toEqual({ out: "1234\n", code: 0 });
    expect(pid.out).toMatch(/^4\d\d\d\n$/);
    expect(version).toEqual({ out: "4.2.5\n", code: 0 });
    expect(await ctl(["stop", "cat"])).toEqual({ out: "cat: stopped\n", code: 0 });
    expect(await ctl(["stop", "cat"])).toEqual({ out: "cat: ERROR (not running)\n", code: 0 });
  });

  it("group selectors and bad names", async () => {
    expect(await ctl(["start", "web:*"])).toEqual({ out: "web:web_0: started\nweb:web_1: started\n", code: 0 });
    expect(await ctl(["stop", "web:*"])).toEqual({ out: "web:web_0: stopped\nweb:web_1: stopped\n", code: 0 });
    const [noProcess, noGroup] = await Promise.all([ctl(["start", "nosuch"]), ctl(["start", "nosuch:*"])]);
    expect(noProcess).toEqual({ out: "nosuch: ERROR (no such process)\n", code: 1 });
    expect(noGroup).toEqual({ out: "nosuch: ERROR (no such group)\n", code: 2 });
  });

  it("works behind the daemon's peek-and-unshift connection routing", async () => {
    expect(await ctl(["pid"], peekSock)).toEqual({ out: "1234\n", code: 0 });
  });

  it("tail and maintail read the logs through readProcessStdoutLog/readLog", async () => {
    backend.appendLog("sleeper", "hello from sleeper\n");
    const [tail, main, missing] = await Promise.all([ctl(["tail", "sleeper"]), ctl(["maintail"]), ctl(["tail", "nosuch"])]);
    // supervisorctl prints the data followed by its own newline.
    expect(tail).toEqual({ out: "hello from sleeper\n\n", code: 0 });
    expect(main.out).toBe(`${fs.readFileSync(backend.mainLog, "utf8")}\n`);
    expect(missing).toEqual({ out: "nosuch: ERROR (no such process name)\n", code: 1 });
  });

  it("tail -f follows /logtail until interrupted", async () => {
    const child = execFile(SUPERVISORCTL ?? "supervisorctl", ["-c", confPath, "-s", `unix://${openSock}`, "tail", "-f", "sleeper"]);
    let out = "";
    const seen = (text: string) => new Promise<void>((resolve) => {
      const check = () => {
        if (out.includes(text)) {
          child.stdout?.off("data", onData);
          resolve();
        }
      };
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        check();
      };
      child.stdout?.on("data", onData);
      check();
    });
    await seen("hello from sleeper");
    backend.appendLog("sleeper", "appended while following\n");
    await seen("appended while following");
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGINT");
    await exited;
    expect(out).toContain("==> Press Ctrl-C to exit <==");
  });

  it("RPC-04 authentication: refused without credentials, accepted with a {SHA} password containing ':'", async () => {
    const [refused, accepted] = await Promise.all([ctl(["pid"], authSock), ctl(["-u", "user", "-p", PASSWORD, "pid"], authSock)]);
    expect(refused.out).toContain("Server requires authentication");
    expect(accepted).toEqual({ out: "1234\n", code: 0 });
  });
});

const PY_CLIENT = String.raw`
import json, sys, xmlrpc.client as x
url = sys.argv[1]
out = {}
def fault(f):
    try:
        return f()
    except x.Fault as e:
        return {"faultCode": e.faultCode, "faultString": e.faultString}
    except x.ProtocolError as e:
        return {"protocolError": e.errcode, "reason": e.errmsg, "auth": e.headers.get("WWW-Authenticate")}
s = x.ServerProxy(url)
out["version"] = fault(lambda: s.supervisor.getVersion())
out["state"] = fault(lambda: s.supervisor.getState())
out["badname"] = fault(lambda: s.supervisor.startProcess("nosuch"))
out["unknown"] = fault(lambda: s.supervisor.nosuch())
out["underscore"] = fault(lambda: s.supervisor._update("x"))
out["arity"] = fault(lambda: s.supervisor.getPID(1))
out["multicall"] = fault(lambda: s.system.multicall([{"methodName": "supervisor.getPID", "params": []}, {"methodName": "x.y"}]))
out["info"] = fault(lambda: sorted(s.supervisor.getAllProcessInfo()[0].keys()))
out["methods"] = fault(lambda: len(s.system.listMethods()))
out["stdin"] = fault(lambda: s.supervisor.sendProcessStdin("cat", "text é\n"))
print(json.dumps(out))
`;

async function python(url: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(PYTHON ?? "python3", ["-c", PY_CLIENT, url], { timeout: 15_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe.skipIf(PYTHON === null)("Python xmlrpc.client.ServerProxy over TCP (RPC-01…04, RPC-09)", () => {
  it("calls, faults and multicall over one persistent connection", async () => {
    const out = await python(`http://user:${encodeURIComponent(PASSWORD)}@127.0.0.1:${tcpPort}/RPC2`);
    expect(out).toEqual({
      version: "3.0",
      state: { statecode: 1, statename: "RUNNING" },
      badname: { faultCode: 10, faultString: "BAD_NAME: nosuch" },
      unknown: { faultCode: 1, faultString: "UNKNOWN_METHOD" },
      underscore: { faultCode: 1, faultString: "UNKNOWN_METHOD" },
      arity: { faultCode: 2, faultString: "INCORRECT_PARAMETERS" },
      multicall: [1234, { faultCode: 1, faultString: "UNKNOWN_METHOD" }],
      info: [
        "description", "exitstatus", "group", "logfile", "name", "now", "pid", "spawnerr", "start", "state",
        "statename", "stderr_logfile", "stdout_logfile", "stop",
      ],
      methods: 41,
      stdin: { faultCode: 70, faultString: "NOT_RUNNING: cat" },
    });
  });

  it("wrong credentials get 401 with the Basic realm", async () => {
    const out = await python(`http://user:wrong@127.0.0.1:${tcpPort}/RPC2`);
    expect(out["version"]).toEqual({ protocolError: 401, reason: "Unauthorized", auth: 'Basic realm="default"' });
  });
});

describe("HTTP details (RPC-01, RPC-04, RPC-05, RPC-06, TLF-03)", () => {
  const post = (body: string, extra = "") =>
    `POST /RPC2 HTTP/1.0\r\nHost: localhost\r\nContent-Type: text/xml\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  it("RPC-05 error bodies are medusa's HTML; GET on /RPC2 is 400", async () => {
    const reply = await rawRequest(openSock, "GET /RPC2 HTTP/1.0\r\n\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(reply).toContain("Content-Type: text/html\r\n");
    expect(reply).toContain("Server: Medusa/1.12\r\n");
    expect(reply.endsWith(`\r\n\r\n${errorBody(400)}`)).toBe(true);
    expect(errorBody(400)).toBe(
      "<head>\r\n<title>Error response</title>\r\n</head>\r\n<body>\r\n<h1>Error response</h1>\r\n<p>Error code 400.\r\n<p>Message: Bad Request.\r\n</body>\r\n",
    );
  });

  it("a request the parser rejects gets a typed status with medusa's error page, then the close (issue 19)", async () => {
    const bad = await rawRequest(openSock, "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n");
    expect(bad).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(bad).toContain("Connection: close\r\n");
    expect(bad.endsWith(`\r\n\r\n${errorBody(400)}`)).toBe(true);
    const big = await rawRequest(openSock, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20 * 1024)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(big.endsWith(`\r\n\r\n${errorBody(431)}`)).toBe(true);
  });

  it("RPC-01 a POST without Content-Length is 411", async () => {
    const reply = await rawRequest(openSock, "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    expect(reply).toMatch(/^HTTP\/1\.1 411 Length Required\r\n/);
  });

  it("RPC-03 an HTTP/1.0 call answers 200 text/xml with the exact body", async () => {
    const reply = await rawRequest(openSock, post("<methodCall><methodName>supervisor.getAPIVersion</methodName></methodCall>"));
    const [head, body] = reply.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain("Content-Type: text/xml");
    expect(body).toBe("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><string>3.0</string></value>\n</param>\n</params>\n</methodResponse>\n");
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body ?? "")}`);
  });

  it("RPC-06 unparseable XML and a missing method name are 400, logged at ERRO", async () => {
    logged.length = 0;
    expect(await rawRequest(openSock, post("<notxml"))).toMatch(/^HTTP\/1\.1 400 /);
    expect(await rawRequest(openSock, post("<methodCall><params/></methodCall>"))).toMatch(/^HTTP\/1\.1 400 /);
    expect(logged).toEqual([
      "ERRO XML-RPC request data '<notxml' is invalid: unmarshallable",
      "ERRO XML-RPC request data '<methodCall><params/></methodCall>' is invalid: no method name",
    ]);
  });

  it("RPC-07 an unexpected exception in a method is HTTP 500, logged CRIT", async () => {
    logged.length = 0;
    const original = backend.getIdentification;
    backend.getIdentification = async () => {
      throw new Error("kaput");
    };
    try {
      const reply = await rawRequest(openSock, post("<methodCall><methodName>supervisor.getIdentification</methodName></methodCall>"));
      expect(reply).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
      expect(logged.some((line) => line.startsWith(
        "CRIT Handling XML-RPC request with data '<methodCall><methodName>supervisor.getIdentification</methodName></methodCall>' raised an unexpected exception: Error: kaput",
      ))).toBe(true);
    } finally {
      backend.getIdentification = original;
    }
  });

  it("RPC-04 401 carries WWW-Authenticate and Connection: close; malformed base64 is 400; other schemes 401", async () => {
    const body = "<methodCall><methodName>supervisor.getPID</methodName></methodCall>";
    const none = await rawRequest(authSock, post(body));
    expect(none).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    expect(none).toContain('WWW-Authenticate: Basic realm="default"\r\n');
    expect(none).toMatch(/\r\nConnection: close\r\n/i);
    expect(await rawRequest(authSock, post(body, "Authorization: Basic abcde\r\n"))).toMatch(/^HTTP\/1\.1 400 /);
    expect(await rawRequest(authSock, post(body, "Authorization: Digest abc\r\n"))).toMatch(/^HTTP\/1\.1 401 /);
    const good = Buffer.from(`user:${PASSWORD}`).toString("base64");
    expect(await rawRequest(authSock, post(body, `Authorization: Basic ${good}\r\n`))).toMatch(/^HTTP\/1\.1 200 /);
    // The {SHA} hash compares lower-case hex only: a client sending the hash itself is refused.
    const hashAsPassword = Buffer.from(`user:{SHA}${createHash("sha1").update(PASSWORD).digest("hex")}`).toString("base64");
    expect(await rawRequest(authSock, post(body, `Authorization: Basic ${hashAsPassword}\r\n`))).toMatch(/^HTTP\/1\.1 401 /);
    // Every path needs auth, even unknown ones.
    expect(await rawRequest(authSock, "GET /nowhere HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 401 /);
  });

  it("D-HTTP-06 unknown paths are 404", async () => {
    expect(await rawRequest(openSock, "GET /nowhere HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
  });

  it("TLF-03 /logtail: 404 for unknown processes, missing logs and bad channels; 400 for non-GET", async () => {
    expect(await rawRequest(openSock, "GET /logtail/nosuch HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 404 /);
    expect(await rawRequest(openSock, "GET /logtail/cat/stderr HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 404 /);
    expect(await rawRequest(openSock, "GET /logtail/cat/stdlog HTTP/1.0\r\n\r\n")).toMatch(/^HTTP\/1\.1 404 /);
    expect(await rawRequest(openSock, "POST /logtail/cat HTTP/1.0\r\nContent-Length: 0\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
    expect(await rawRequest(openSock, "POST /mainlogtail HTTP/1.0\r\nContent-Length: 0\r\n\r\n")).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("TLF-01 /logtail streams chunked text/plain with Last-Modified and X-Accel-Buffering", async () => {
    backend.appendLog("web:web_0", "x".repeat(2000) + "END-OF-START\n");
    const received: string[] = [];
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.get({ socketPath: openSock, path: "/logtail/web%3Aweb_0/stdout" }, resolve);
      req.on("error", reject);
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/plain;charset=utf-8");
    expect(response.headers["transfer-encoding"]).toBe("chunked");
    expect(response.headers["x-accel-buffering"]).toBe("no");
    expect(response.headers["last-modified"]).toMatch(/GMT$/);
    const waitForText = (text: string) => new Promise<void>((resolve) => {
      const check = () => {
        if (received.join("").includes(text)) {
          response.off("data", onData);
          resolve();
        }
      };
      const onData = (chunk: Buffer) => {
        received.push(chunk.toString());
        check();
      };
      response.on("data", onData);
      check();
    });
    await waitForText("END-OF-START\n");
    expect(received.join("").length).toBe(1024); // the last 1024 bytes only
    backend.appendLog("web:web_0", "more\n");
    await waitForText("more\n");
    response.destroy();
  });

  it("TLF-01 /mainlogtail streams the activity log without X-Accel-Buffering", async () => {
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ socketPath: openSock, path: "/mainlogtail" }, resolve).on("error", reject);
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-accel-buffering"]).toBeUndefined();
    const first = await new Promise<string>((resolve) => response.once("data", (chunk: Buffer) => resolve(chunk.toString())));
    expect(first).toContain("supervisord started with pid 1234");
    response.destroy();
  });

  it("RPC-10 a long-running call does not block other connections", async () => {
    let open!: () => void;
    backend.startGate = new Promise((resolve) => (open = resolve));
    try {
      const slow = rawRequest(openSock, post("<methodCall><methodName>supervisor.startProcess</methodName><params><param><value>sleeper</value></param></params></methodCall>"));
      // The fake backend records the call, then holds it at the gate (no signal to subscribe to).
      await waitFor("the slow call to reach the backend", () => backend.calls.includes("startProcess sleeper true"), 5_000, 1);
      const quick = await rawRequest(openSock, post("<methodCall><methodName>supervisor.getPID</methodName></methodCall>"));
      expect(quick).toContain("<int>1234</int>");
      open();
      expect(await slow).toContain("<boolean>1</boolean>");
    } finally {
      backend.startGate = null;
      open();
    }
  });
});

describe("§8 web UI (WEB-01…06)", () => {
  const get = async (pathAndQuery: string) => {
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ socketPath: openSock, path: pathAndQuery, headers: { Host: "localhost:9001" } }, resolve).on("error", reject);
    });
    let body = "";
    for await (const chunk of response) body += (chunk as Buffer).toString();
    return { status: response.statusCode, headers: response.headers, body };
  };

  it("WEB-06 ok.html answers OK with the no-cache headers", async () => {
    const page = await get("/ok.html");
    expect(page.status).toBe(200);
    expect(page.body).toBe("OK");
    expect(page.headers["pragma"]).toBe("no-cache");
    expect(page.headers["cache-control"]).toBe("no-cache");
    expect(page.headers["expires"]).toBe("Thu, 01 Jan 1970 00:00:00 GMT");
    expect(page.headers["content-type"]).toBe("text/html;charset=utf-8");
  });

  it("WEB-01…04 status page, actions redirect with their message", async () => {
    await rawRequest(openSock, "GET / HTTP/1.0\r\n\r\n");
    const start = await get("/index.html?processname=web%3Aweb_1&action=start");
    expect(start.status).toBe(301);
    expect(start.headers.location).toBe("http://localhost:9001/?message=Process%20web%3Aweb_1%20started");
    const again = await get("/index.html?processname=web%3Aweb_1&action=start");
    expect(again.headers.location).toBe("http://localhost:9001/?message=ERROR%3A%20Process%20web%3Aweb_1%3A%20already%20started");
    const nosuch = await get("/index.html?processname=nosuch&action=stop");
    expect(nosuch.headers.location).toBe("http://localhost:9001/?message=No%20such%20process%20named%20nosuch");
    const refresh = await get("/index.html?action=refresh");
    expect(decodeURIComponent(refresh.headers.location ?? "")).toMatch(/\?message=Page refreshed at \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);

    const page = await get("/?message=Process%20web%3Aweb_1%20started");
    expect(page.status).toBe(200);
    expect(page.body).toContain("<title>Supervisor Status</title>");
    expect(page.body).toContain('<div class="status_msg" id="status_msg">Process web:web_1 started</div>');
    for (const label of ["index.html?action=refresh", "index.html?action=restartall", "index.html?action=stopall"]) {
      expect(page.body).toContain(`href="${label}"`);
    }
    expect(page.body).toContain('<span class="statusrunning">running</span>');
    expect(page.body).toContain('<a href="tail.html?processname=web%3Aweb_1" target="_blank">web:web_1</a>');
    expect(page.body).toContain('<a href="index.html?processname=web%3Aweb_1&amp;action=stop" name="Stop">Stop</a>');
    expect(page.body).toContain('href="logtail/web%3Aweb_1/stderr"');
    const rows = page.body.match(/<tr[ >]/g) ?? [];
    expect(rows).toHaveLength(5); // header + four processes
    expect(page.body.match(/<tr [^>]*class="shade">/g)).toHaveLength(2);
    // Issue 21 #7: our own page — our stylesheet, images and script, our name in the footer, not supervisord's.
    expect(page.body).toContain('<link rel="stylesheet" type="text/css" href="stylesheets/supervisor.css">');
    expect(page.body).toContain('<img class="logo" src="images/supervisor.gif"');
    expect(page.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page.body).toContain('<div class="left"><a href="index.html">tsupervisord</a></div>');
    expect(page.body).not.toMatch(/Agendaless|supervisord\.org/);
    await get("/index.html?processname=web%3Aweb_1&action=stop");
  });

  it("WEB-05 tail.html shows the end of the stdout log", async () => {
    backend.appendLog("cat", "<tagged> output\n");
    const page = await get("/tail.html?processname=cat&limit=10");
    expect(page.body).toContain("<title>Supervisor tail of process cat</title>");
    expect(page.body).toContain("&lt;tagged&gt; output\n</pre>");
    expect(page.body).toContain('href="tail.html?processname=cat&amp;limit=1024"');
    const restart = await get("/index.html?processname=cat&action=restart");
    expect(restart.headers.location).toBe("http://localhost:9001/?message=Process%20cat%20restarted");
    const group = await get("/index.html?processname=web%3A%2A&action=clearlog");
    expect(group.headers.location).toBe("http://localhost:9001/?message=No%20such%20process%20named%20web%3A%2A");
    await get("/index.html?processname=cat&action=stop");
    expect((await get("/tail.html")).body).toContain("No process name found");
  });
});
