/**
 * issue 19: the daemon's listeners under malformed traffic, on loopback TCP (the face a remote peer reaches) and
 * on the unix socket. A few thousand seeded cases of bytes no client library would send: broken request lines,
 * oversized headers, lying Content-Length and chunked encodings, truncated bodies; after the HTTP/2 preface,
 * garbage and malformed frames (lying lengths, unknown types, SETTINGS/PING/RST floods, bad HPACK, CONTINUATION
 * without end). Every case writes, half-closes and must see the connection closed (answered or dropped, never
 * left hanging). Every HTTP/1.1 answer is well-formed, and an error answer (4xx/5xx) carries a body; a request
 * known to be malformed gets a 4xx. An HTTP/2 connection error is answered with GOAWAY. Afterwards the daemon still
 * answers over both protocols, its RSS has not run away, and its log has no CRIT.
 *
 * What it found (fixed): parser-rejected HTTP/1.1 requests got a bare `400` with no body (now a typed status with
 * medusa's error page, 431 for oversized headers: packages/xmlrpc/src/http/client-error.ts); and Node's HTTP/2
 * never closes a connection after its protocol-error GOAWAY, not even on the peer's FIN, so each such peer left a
 * socket behind (now closed by `grpc_idle_timeout`: packages/config/src/ext/grpc-idle.ts).
 *
 * Replay one run with FUZZ_SEED=<n> (the seed is printed).
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDaemon, TestDir, waitForState, type RunningDaemon } from "./lib/daemon.js";
import { freePort } from "./lib/ports.js";
import { createPrng, type Prng } from "./lib/prng.js";
import { exchange, FrameType, frame, frameTypes, HTTP2_PREFACE, parseHttp1Responses, type Exchange } from "./lib/raw-wire.js";

const SEED = Number(process.env["FUZZ_SEED"] ?? 0x19c);
const HTTP1_CASES = 1500;
const HTTP2_CASES = 600;
// Connections a protocol error leaves to the idle timeout take a second each: many at once keeps the run short.
const PARALLEL = 96;

interface Case {
  name: string;
  chunks: Buffer[];
  /** The request is certainly malformed: if anything answers, the last answer is a 4xx. */
  malformed: boolean;
  http2: boolean;
  /** HTTP/2: a connection error, which the daemon must answer with GOAWAY (RFC 9113 §5.4.1) before the close. */
  goaway?: boolean;
}

const b = (s: string): Buffer => Buffer.from(s, "latin1");
const GET_STATE =
  "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getState</methodName>\n<params>\n</params>\n</methodCall>\n";
const validPost = (body = GET_STATE): string =>
  `POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body, "latin1")}\r\n\r\n${body}`;

/** HTTP/1.1 cases, one family picked per case. */
function http1Case(r: Prng): Case {
  const junk = (n: number): string => r.randomBytes(n).toString("latin1");
  const families: Array<() => Omit<Case, "http2">> = [
    () => ({
      name: "bad request line",
      chunks: [b(`${r.pick(["G ET", "GET\0", "", "(", "GET GET", "\x01\x02"])} ${r.pick(["/", "", "/ /", "x y z"])} ${r.pick(["HTTP/1.1", "HTTP/9.9", "HTTX/1.1", "HTTP/1", ""])}\r\nHost: x\r\n\r\n`)],
      malformed: true,
    }),
    () => ({ name: "random bytes", chunks: [b(`\x00${junk(1 + r.int(2000))}`)], malformed: true }),
    () => ({
      name: "huge header",
      chunks: [b(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000 + r.int(100_000))}\r\n\r\n`)],
      malformed: true,
    }),
    () => ({
      name: "many headers",
      chunks: [b(`GET / HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 2000 + r.int(2000) }, (_, i) => `X-${i}: v\r\n`).join("")}\r\n`)],
      // Past 2000 headers Node drops the rest (maxHeadersCount); only past 16 KiB is it an error (431).
      malformed: false,
    }),
    () => ({
      name: "bad content-length",
      chunks: [b(`POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: ${r.pick(["-1", "abc", "1e3", "99999999999999999999999", "5, 6", " ", "0x10"])}\r\n\r\nhello`)],
      malformed: true,
    }),
    () => ({
      name: "two content-lengths",
      chunks: [b("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello!!")],
      malformed: true,
    }),
    () => ({
      name: "content-length and chunked",
      chunks: [b("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")],
      malformed: true,
    }),
    () => ({
      name: "bad chunked encoding",
      chunks: [b(`POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${r.pick(["zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "5;" + "e".repeat(20_000) + "\r\nhello\r\n0\r\n\r\n", "-5\r\nhello\r\n0\r\n\r\n", "ffffffffffffffffff\r\nab\r\n"])}`)],
      malformed: true,
    }),
    () => ({
      name: "unknown transfer-encoding",
      chunks: [b("POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, rot13\r\n\r\nabc")],
      malformed: true,
    }),
    () => ({
      // Half-closed before the body is complete: the daemon may answer or drop, but must close.
      name: "truncated body",
      chunks: [b(`POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: ${100 + r.int(100_000)}\r\n\r\n<methodCall>`)],
      malformed: false,
    }),
    () => ({
      name: "truncated chunked body",
      chunks: [b("POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n<methodCall>")],
      malformed: false,
    }),
    () => ({ name: "truncated head", chunks: [b(`GET /index.html HTTP/1.1\r\nHost: x\r\nX-A: ${junk(r.int(50)).replace(/[\r\n]/g, "")}`)], malformed: false }),
    () => ({ name: "bare LF and NUL in headers", chunks: [b("GET / HTTP/1.1\nHost: x\nX-A: a\0b\n\n")], malformed: true }),
    () => ({ name: "obs-fold", chunks: [b("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n")], malformed: true }),
    () => ({ name: "garbage XML-RPC body", chunks: [b(validPost(junk(r.int(3000)).replace(/[<>]/g, "")))], malformed: false }),
    () => ({ name: "valid then garbage (pipelined)", chunks: [b(validPost()), b(`\x00${junk(200)}`)], malformed: true }),
    () => {
      // A valid request with a few random bytes flipped, inserted or deleted: often malformed, sometimes not.
      const bytes = [...b(validPost())];
      for (let i = 0, n = 1 + r.int(4); i < n; i++) {
        const at = r.int(bytes.length);
        const op = r.int(3);
        if (op === 0) bytes[at] = r.int(256);
        else if (op === 1) bytes.splice(at, 0, r.int(256));
        else bytes.splice(at, 1);
      }
      return { name: "mutated request", chunks: [Buffer.from(bytes)], malformed: false };
    },
    () => {
      // The same valid request, delivered in random small pieces.
      const whole = b(validPost());
      const chunks: Buffer[] = [];
      for (let at = 0; at < whole.length; ) {
        const n = 1 + r.int(40);
        chunks.push(whole.subarray(at, at + n));
        at += n;
      }
      return { name: "split request", chunks, malformed: false };
    },
    () => ({
      name: "web UI with junk query",
      chunks: [b(`GET /index.html?processname=${encodeURIComponent(junk(r.int(300)))}&action=${r.pick(["stop", "x", "%zz"])} HTTP/1.1\r\nHost: x\r\n\r\n`)],
      malformed: false,
    }),
    () => ({ name: "bad basic auth", chunks: [b(`GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${junk(40).replace(/[\r\n]/g, "")}\r\n\r\n`)], malformed: false }),
  ];
  return { ...r.pick(families)(), http2: false };
}

/** The families that are a connection error whatever the random parts: each must be answered with GOAWAY. */
const CONNECTION_ERRORS = new Set([
  "SETTINGS with a bad length",
  "SETTINGS on a stream",
  "frame over the max size",
  "HEADERS with bad HPACK",
  "CONTINUATION without HEADERS",
  "HEADERS on stream 0 or an even stream",
  "PUSH_PROMISE from a client",
  "DATA on an idle stream",
]);

/** HTTP/2 cases: the preface, then something wrong. */
function http2Case(r: Prng): Case {
  const settings = (pairs: Array<[number, number]>): Buffer => {
    const p = Buffer.alloc(pairs.length * 6);
    pairs.forEach(([id, v], i) => {
      p.writeUInt16BE(id, i * 6);
      p.writeUInt32BE(v >>> 0, i * 6 + 2);
    });
    return frame(FrameType.SETTINGS, 0, 0, p);
  };
  const emptySettings = frame(FrameType.SETTINGS, 0, 0, Buffer.alloc(0));
  const oddStream = (): number => 1 + 2 * r.int(1000);
  const families: Array<() => { name: string; frames: Buffer[] }> = [
    () => ({ name: "garbage after preface", frames: [r.randomBytes(1 + r.int(4000))] }),
    () => ({ name: "partial preface", frames: [] }),
    () => ({ name: "SETTINGS flood", frames: Array.from({ length: 2000 + r.int(3000) }, () => emptySettings) }),
    () => ({
      name: "bad SETTINGS values",
      frames: [settings([[r.pick([0x2, 0x4, 0x5]), r.pick([2, 0xffffffff, 100, 0x80000000])]])],
    }),
    () => ({ name: "SETTINGS with a bad length", frames: [frame(FrameType.SETTINGS, 0, 0, r.randomBytes(1 + r.int(5)))] }),
    () => ({ name: "SETTINGS on a stream", frames: [frame(FrameType.SETTINGS, 0, oddStream(), Buffer.alloc(0))] }),
    () => ({ name: "length larger than sent", frames: [emptySettings, frame(r.int(10), r.int(256), r.int(10), r.randomBytes(r.int(50)), 100 + r.int(16_000))] }),
    () => ({ name: "frame over the max size", frames: [emptySettings, frame(FrameType.DATA, 0, 1, Buffer.alloc(20_000), 20_000)] }),
    () => ({
      name: "unknown frame types",
      frames: [emptySettings, ...Array.from({ length: 1 + r.int(50) }, () => frame(0x0a + r.int(0xf5), r.int(256), r.int(100), r.randomBytes(r.int(100))))],
    }),
    () => ({
      name: "HEADERS with bad HPACK",
      frames: [emptySettings, frame(FrameType.HEADERS, 0x4 | r.pick([0, 1]), oddStream(), r.randomBytes(1 + r.int(200)))],
    }),
    () => ({ name: "HEADERS on stream 0 or an even stream", frames: [emptySettings, frame(FrameType.HEADERS, 0x5, r.pick([0, 2, 4]), b("\x82\x86\x84"))] }),
    () => ({
      name: "CONTINUATION flood without END_HEADERS",
      frames: [
        emptySettings,
        frame(FrameType.HEADERS, 0, 1, b("\x83\x86")),
        ...Array.from({ length: 500 + r.int(2000) }, () => frame(FrameType.CONTINUATION, 0, 1, b("\x40\x01a\x01b"))),
      ],
    }),
    () => ({ name: "CONTINUATION without HEADERS", frames: [emptySettings, frame(FrameType.CONTINUATION, 0x4, 1, b("\x82"))] }),
    () => ({ name: "DATA on an idle stream", frames: [emptySettings, frame(FrameType.DATA, 0x1, oddStream(), r.randomBytes(r.int(100)))] }),
    () => ({ name: "PING flood", frames: Array.from({ length: 2000 + r.int(3000) }, () => frame(FrameType.PING, 0, 0, r.randomBytes(8))) }),
    () => ({ name: "RST_STREAM flood", frames: [emptySettings, ...Array.from({ length: 1000 + r.int(2000) }, (_, i) => frame(FrameType.RST_STREAM, 0, 2 * i + 1, b("\0\0\0\x08")))] }),
    () => ({ name: "WINDOW_UPDATE of 0 or overflowing", frames: [emptySettings, frame(FrameType.WINDOW_UPDATE, 0, r.pick([0, 1]), b(r.pick(["\0\0\0\0", "\x7f\xff\xff\xff"]))), frame(FrameType.WINDOW_UPDATE, 0, 0, b("\x7f\xff\xff\xff"))] }),
    () => ({ name: "PRIORITY depending on itself", frames: [emptySettings, frame(FrameType.PRIORITY, 0, 3, b("\0\0\0\x03\x10"))] }),
    () => ({ name: "PUSH_PROMISE from a client", frames: [emptySettings, frame(FrameType.PUSH_PROMISE, 0x4, 1, b("\0\0\0\x02\x82"))] }),
    () => ({ name: "GOAWAY with junk", frames: [emptySettings, frame(FrameType.GOAWAY, 0, r.int(3), r.randomBytes(r.int(40)))] }),
    () => ({
      name: "random frames",
      frames: [emptySettings, ...Array.from({ length: 1 + r.int(30) }, () => frame(r.int(12), r.int(256), r.int(8), r.randomBytes(r.int(64))))],
    }),
  ];
  const { name, frames } = r.pick(families)();
  const preface = name === "partial preface" ? HTTP2_PREFACE.subarray(0, 14 + r.int(HTTP2_PREFACE.length - 14)) : HTTP2_PREFACE;
  return { name, chunks: [preface, ...frames], malformed: true, http2: true, goaway: CONNECTION_ERRORS.has(name) };
}

function vmKiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  if (match === null) throw new Error(`no ${field} for ${pid}`);
  return Number(match[1]);
}

/** Runs `cases` against `target`, `PARALLEL` at a time; returns one problem line per case that misbehaved. */
async function run(cases: readonly Case[], target: { port: number; host: string } | { path: string }): Promise<string[]> {
  const problems: string[] = [];
  const check = (c: Case, i: number, x: Exchange): void => {
    const where = `#${i} ${c.http2 ? "h2" : "h1"} ${c.name}`;
    if (!x.closed) {
      problems.push(`${where}: still open at the deadline (${x.data.length} bytes answered)`);
      return;
    }
    if (c.http2) {
      if (c.goaway === true && !frameTypes(x.data).includes(FrameType.GOAWAY)) problems.push(`${where}: closed without GOAWAY`);
      return;
    }
    if (x.data.length === 0) return;
    let responses;
    try {
      responses = parseHttp1Responses(x.data).filter((res) => res.status >= 200);
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message}`);
      return;
    }
    for (const res of responses) {
      if (res.status >= 400 && res.body.length === 0) problems.push(`${where}: ${res.status} without a body`);
    }
    const last = responses.at(-1);
    if (c.malformed && last !== undefined && (last.status < 400 || last.status >= 500)) {
      problems.push(`${where}: answered ${last.status} to a malformed request`);
    }
  };
  for (let i = 0; i < cases.length; i += PARALLEL) {
    const batch = cases.slice(i, i + PARALLEL);
    const results = await Promise.all(batch.map((c) => exchange(target, c.chunks)));
    results.forEach((x, j) => check(batch[j] as Case, i + j, x));
  }
  return problems;
}

let dir: TestDir;
let daemon: RunningDaemon;
let port: number;

async function stillAnswers(): Promise<void> {
  // HTTP/1.1 XML-RPC over TCP…
  const [reply] = parseHttp1Responses((await exchange({ port, host: "127.0.0.1" }, [b(validPost())])).data);
  expect(reply?.status).toBe(200);
  expect(reply?.body.toString()).toContain("<value><string>RUNNING</string></value>");
  // …and gRPC over the unix socket.
  expect((await daemon.client().getState({})).statename).toBe("RUNNING");
}

beforeAll(async () => {
  port = await freePort();
  dir = new TestDir("tsupd-lfuzz-");
  // grpc_idle_timeout=1: what closes the HTTP/2 connections Node leaves open after a protocol-error GOAWAY
  // (the finding of this test; the default is 60 s), short so that the test sees every connection closed.
  dir.writeConfig(
    `[inet_http_server]\nport=127.0.0.1:${port}\ngrpc_idle_timeout=1\n\n[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n`,
    { unix: "grpc_idle_timeout=1" },
  );
  daemon = await startDaemon(dir);
  await waitForState(daemon.client(), "sleeper", "RUNNING");
}, 30_000);

afterAll(async () => {
  await daemon?.stop();
  dir?.cleanup();
});

describe(`listener fuzz (seed ${SEED})`, () => {
  it(`${HTTP1_CASES} malformed HTTP/1.1 and ${HTTP2_CASES} malformed HTTP/2 connections: each closed, HTTP/1.1 errors typed, daemon up, RSS bounded`, async () => {
    const logStart = daemon.activityLog().length;
    const r = createPrng(SEED);
    const h1 = Array.from({ length: HTTP1_CASES }, () => http1Case(r));
    const h2 = Array.from({ length: HTTP2_CASES }, () => http2Case(r));
    // A warm-up round first, so the baseline includes the buffers and code a first connection of each kind costs.
    await run([...h1.slice(0, 50), ...h2.slice(0, 50)], { port, host: "127.0.0.1" });
    const before = vmKiB(daemon.pid, "VmRSS");
    const tcp = [...h1, ...h2];
    const problems = await run(tcp, { port, host: "127.0.0.1" });
    // A sample on the unix socket too: same router, other listener.
    problems.push(...(await run(tcp.filter((_, i) => i % 10 === 0), { path: dir.socket })));
    await stillAnswers();
    const after = vmKiB(daemon.pid, "VmRSS");
    console.log(
      `listener fuzz seed ${SEED}: ${tcp.length + Math.ceil(tcp.length / 10)} connections, RSS ${(before / 1024).toFixed(1)} → ` +
        `${(after / 1024).toFixed(1)} MB (peak ${(vmKiB(daemon.pid, "VmHWM") / 1024).toFixed(1)} MB)`,
    );
    expect(problems.slice(0, 20)).toEqual([]);
    // A leak check, not a measurement: thousands of connections must not leave their buffers behind.
    expect(after - before).toBeLessThan(64 * 1024);
    expect(daemon.activityLog().slice(logStart)).not.toMatch(/ CRIT /);
    expect(daemon.child.exitCode).toBeNull();
  }, 120_000);
});
