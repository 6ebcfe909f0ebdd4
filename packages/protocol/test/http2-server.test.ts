/**
 * issue 20, stop 31: the daemon's gRPC server on node:http2 (src/http2-server.ts, src/server.ts) in place of
 * grpc-js's. First, what goes on the wire is what grpc-js 1.14's server sends: the same request through raw
 * HTTP/2 to a grpc-js server (the reference) and to ours gives the same headers, messages, trailers and stream
 * ends. Then the edges, each through the clients that meet them: the grpc-js client (tsctl's streams, TLS),
 * the node:http2 unary client (tsctl's one-shot commands), or raw HTTP/2 where a client cannot say it.
 */
import http2 from "node:http2";
import { mkdtempSync, rmSync } from "node:fs";
import { connect as connectSocket, createServer, type Server as NetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { gzipSync } from "node:zlib";
import * as grpc from "@grpc/grpc-js";
import { SupervisorError } from "@tsupervisord/errors";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  SupervisorService,
  connect,
  createGrpcServer,
  methodInfo,
  toGrpcStatus,
  type CallContext,
  type MethodName,
  type SupervisorHandlers,
} from "../src/index.js";
import { connectUnary } from "../src/unary.js";
import { echoService } from "./echo-service.js";
import { listenUnixPrivate, startHarness, until, type Harness } from "./harness.js";

/** A unix socket whose connections go to `inject` (as the daemon's listener hands them over). */
async function serveOn(inject: (socket: Duplex) => void, label?: string): Promise<{ path: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "tsv-h2s-"));
  const path = join(dir, "s.sock");
  const sockets = new Set<Socket>();
  const server: NetServer = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // What the daemon's unix-peer.ts does with SO_PEERCRED: the peer's label as the socket's remoteAddress.
    if (label !== undefined) Object.defineProperty(socket, "remoteAddress", { value: label, configurable: true });
    inject(socket);
  });
  await listenUnixPrivate(server, path);
  return {
    path,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Exchange {
  headers: Record<string, unknown>;
  /** The answer ended with its HEADERS frame (a trailers-only answer). */
  headersOnly: boolean;
  data: string;
  trailers: Record<string, unknown> | undefined;
  rstCode: number;
}

/** A raw HTTP/2 connection to a unix socket. */
function raw(path: string): http2.ClientHttp2Session {
  const session = http2.connect("http://localhost", { createConnection: () => connectSocket(path) });
  session.on("error", () => undefined);
  return session;
}

/** One request over raw HTTP/2: what came back, `date` left out. */
function exchange(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: Buffer): Promise<Exchange> {
  return new Promise((resolve) => {
    const stream = session.request({ ":method": "POST", "content-type": "application/grpc", te: "trailers", ...headers }, { endStream: body === undefined });
    const out: Exchange = { headers: {}, headersOnly: false, data: "", trailers: undefined, rstCode: 0 };
    const chunks: Buffer[] = [];
    stream.on("response", (h, flags) => {
      const { date: _date, ...rest } = h;
      out.headers = { ...rest };
      out.headersOnly = (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("trailers", (t) => {
      out.trailers = { ...t };
    });
    stream.on("error", () => undefined);
    stream.on("close", () => {
      out.data = Buffer.concat(chunks).toString("hex");
      out.rstCode = stream.rstCode ?? 0;
      resolve(out);
    });
    if (body !== undefined) stream.end(body);
  });
}

function framed(message: Uint8Array, flag = 0): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt8(flag, 0);
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}
const request = (method: MethodName, value: unknown): Buffer => framed(methodInfo(method).requestType.encode(methodInfo(method).requestType.fromPartial(value as never)).finish());
const pathOf = (method: MethodName): string => methodInfo(method).path;

/** HPACK "literal header field without indexing, new name", no Huffman: enough for a request's few short headers. */
function hpackLiteral(name: string, value: string): Buffer {
  const n = Buffer.from(name, "latin1");
  const v = Buffer.from(value, "latin1");
  if (n.length > 126 || v.length > 126) throw new Error("hpackLiteral: only short names and values");
  return Buffer.concat([Buffer.from([0x00, n.length]), n, Buffer.from([v.length]), v]);
}

function h2Frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId, 5);
  return Buffer.concat([head, payload]);
}

/**
 * One gRPC call on a TCP connection whose preface, SETTINGS, HEADERS and DATA go out in a single write, so
 * the server reads the call together with the connection. Acknowledges the server's SETTINGS; reports the
 * first DATA frame, whether a GOAWAY came, and the connection's end.
 */
async function rawSingleWriteCall(port: number, path: string, body: Buffer) {
  const socket = connectSocket(port, "127.0.0.1");
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const headers = Buffer.concat([
    hpackLiteral(":method", "POST"),
    hpackLiteral(":scheme", "http"),
    hpackLiteral(":path", path),
    hpackLiteral(":authority", "localhost"),
    hpackLiteral("content-type", "application/grpc"),
    hpackLiteral("te", "trailers"),
  ]);
  let goaway = false;
  let closed = false;
  let gotData: () => void = () => undefined;
  const firstData = new Promise<void>((resolve) => (gotData = resolve));
  const whenClosed = new Promise<void>((resolve) => socket.once("close", () => ((closed = true), resolve())));
  socket.on("error", () => undefined);
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) break;
      const [type, flags] = [pending[3], pending[4]];
      pending = pending.subarray(9 + length);
      if (type === 0x4 && ((flags ?? 0) & 0x1) === 0) socket.write(h2Frame(0x4, 0x1, 0, Buffer.alloc(0))); // SETTINGS ACK
      if (type === 0x0) gotData();
      if (type === 0x7) goaway = true;
    }
  });
  socket.write(
    Buffer.concat([
      Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1"),
      h2Frame(0x4, 0, 0, Buffer.alloc(0)), // SETTINGS
      h2Frame(0x1, 0x4, 1, headers), // HEADERS, END_HEADERS
      h2Frame(0x0, 0x1, 1, body), // DATA, END_STREAM
    ]),
  );
  return { firstData, whenClosed, goaway: () => goaway, closed: () => closed };
}

describe("the wire is grpc-js's (raw HTTP/2 to a grpc-js server and to ours)", () => {
  let ours: Awaited<ReturnType<typeof serveOn>>;
  let reference: Awaited<ReturnType<typeof serveOn>>;
  let ourServer: ReturnType<typeof createGrpcServer>;
  let refServer: grpc.Server;
  const peers: { ours: string[]; reference: string[] } = { ours: [], reference: [] };

  beforeAll(async () => {
    // The same behaviour written twice: against our wrappers and as grpc-js handlers.
    const handlers = echoService();
    handlers.getState = (_req, ctx) => {
      peers.ours.push(ctx.peer);
      return { statecode: 1, statename: "RUNNING" };
    };
    handlers.startProcess = () => {
      throw new SupervisorError("BAD_NAME", "wéb\nline two");
    };
    handlers.getPid = () => {
      throw new Error("a bug");
    };
    handlers.stopProcess = (_req, ctx) => new Promise((resolve) => ctx.signal.addEventListener("abort", () => resolve({}), { once: true }));
    handlers.tailProcessLogFollow = async function* () {
      yield { data: Buffer.from("one") };
      yield { data: Buffer.from("two") };
    };
    handlers.watch = async function* () {
      // ends without a message
    };
    handlers.tailMainLogFollow = async function* () {
      yield { data: Buffer.from("before the fault") };
      throw new SupervisorError("NO_FILE", "main log");
    };
    ourServer = createGrpcServer(handlers);
    ours = await serveOn((s) => ourServer.injector.injectConnection(s), "unix uid=0 pid=4160");

    refServer = new grpc.Server();
    const impl: grpc.UntypedServiceImplementation = {
      getState: (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => {
        peers.reference.push(call.getPeer());
        cb(null, methodInfo("getState").responseType.fromPartial({ statecode: 1, statename: "RUNNING" }));
      },
      startProcess: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(toGrpcStatus(new SupervisorError("BAD_NAME", "wéb\nline two"))),
      getPid: (_call: unknown, cb: grpc.sendUnaryData<unknown>) => cb(toGrpcStatus(new Error("a bug"))),
      stopProcess: () => undefined,
      tailProcessLogFollow: (call: grpc.ServerWritableStream<unknown, unknown>) => {
        call.write(methodInfo("tailProcessLogFollow").responseType.fromPartial({ data: Buffer.from("one") }));
        call.write(methodInfo("tailProcessLogFollow").responseType.fromPartial({ data: Buffer.from("two") }));
        call.end();
      },
      watch: (call: grpc.ServerWritableStream<unknown, unknown>) => call.end(),
      tailMainLogFollow: (call: grpc.ServerWritableStream<unknown, unknown>) => {
        call.write(methodInfo("tailMainLogFollow").responseType.fromPartial({ data: Buffer.from("before the fault") }));
        call.emit("error", toGrpcStatus(new SupervisorError("NO_FILE", "main log")));
      },
    };
    refServer.addService(SupervisorService, impl);
    const injector = refServer.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    reference = await serveOn((s) => injector.injectConnection(s), "unix uid=0 pid=4160");
  });
  afterAll(async () => {
    await ourServer.close(100);
    refServer.forceShutdown();
    await ours.close();
    await reference.close();
  });

  const cases: Array<[string, http2.OutgoingHttpHeaders, Buffer | undefined]> = [
    ["a unary answer", { ":path": pathOf("getState") }, request("getState", {})],
    ["a fault before any message: trailers-only, the detail base64 in a -bin key", { ":path": pathOf("startProcess") }, request("startProcess", { name: "x" })],
    ["an unexpected error: INTERNAL with nothing in it", { ":path": pathOf("getPid") }, request("getPid", {})],
    ["an unknown method", { ":path": "/supervisor.v1.Supervisor/NoSuchThing" }, request("getState", {})],
    ["an unknown service", { ":path": "/other.Service/GetState" }, request("getState", {})],
    ["a content-type that is not gRPC: 415", { ":path": pathOf("getState"), "content-type": "application/json" }, request("getState", {})],
    ["a GET (grpc-js does not look at the method)", { ":path": pathOf("getState"), ":method": "GET" }, request("getState", {})],
    ["no request message", { ":path": pathOf("getState") }, undefined],
    ["two request messages", { ":path": pathOf("getState") }, Buffer.concat([request("getState", {}), request("getState", {})])],
    ["an oversize request (RESOURCE_EXHAUSTED)", { ":path": pathOf("getState") }, Buffer.concat([Buffer.from([0, 0, 0x40, 0, 1]), Buffer.alloc(64)])],
    ["a request that does not parse", { ":path": pathOf("getState") }, framed(Buffer.from([0xff, 0xff, 0xff]))],
    ["a gzip-compressed request", { ":path": pathOf("getState"), "grpc-encoding": "gzip" }, framed(gzipSync(request("getState", {}).subarray(5)), 1)],
    ["a compressed request in an encoding grpc-js does not know", { ":path": pathOf("getState"), "grpc-encoding": "snappy" }, framed(Buffer.from([1, 2, 3]), 1)],
    ["a corrupt gzip request", { ":path": pathOf("getState"), "grpc-encoding": "gzip" }, framed(Buffer.from([1, 2, 3]), 1)],
    ["a deadline that passes (DEADLINE_EXCEEDED)", { ":path": pathOf("stopProcess"), "grpc-timeout": "20m" }, request("stopProcess", { name: "x" })],
    ["a grpc-timeout that does not parse", { ":path": pathOf("getState"), "grpc-timeout": "soon" }, request("getState", {})],
    ["a stream of two messages", { ":path": pathOf("tailProcessLogFollow") }, request("tailProcessLogFollow", { name: "x" })],
    ["a stream without messages: trailers-only OK", { ":path": pathOf("watch") }, request("watch", {})],
    ["a stream that fails after a message: the fault in the trailers", { ":path": pathOf("tailMainLogFollow") }, request("tailMainLogFollow", {})],
  ];

  it.each(cases)("%s", async (_name, headers, body) => {
    const a = raw(ours.path);
    const b = raw(reference.path);
    try {
      const [got, want] = await Promise.all([exchange(a, headers, body), exchange(b, headers, body)]);
      expect(got).toEqual(want);
    } finally {
      a.close();
      b.close();
    }
  });

  it("the peer is grpc-js's getPeer(): the unix socket's label (unix-peer.ts) as is", async () => {
    peers.ours.length = 0;
    peers.reference.length = 0;
    const a = raw(ours.path);
    const b = raw(reference.path);
    try {
      await exchange(a, { ":path": pathOf("getState") }, request("getState", {}));
      await exchange(b, { ":path": pathOf("getState") }, request("getState", {}));
    } finally {
      a.close();
      b.close();
    }
    expect(peers.ours).toEqual(["unix uid=0 pid=4160"]);
    expect(peers.ours).toEqual(peers.reference);
  });
});

describe("the edges, through the clients", () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("over TCP the peer is `ip:port` of the client's end, as grpc-js says it", async () => {
    const peers: string[] = [];
    const handlers = echoService();
    handlers.getState = (_req, ctx) => {
      peers.push(ctx.peer);
      return {};
    };
    harness = await startHarness(handlers);
    const session = http2.connect(harness.tcpUrl);
    session.on("error", () => undefined);
    try {
      await exchange(session, { ":path": pathOf("getState") }, request("getState", {}));
      expect(peers).toEqual([`127.0.0.1:${String(session.socket.localPort)}`]);
    } finally {
      session.close();
    }
  });

  it("an unknown method is UNIMPLEMENTED with grpc-js's text (grpc-js client)", async () => {
    harness = await startHarness(echoService());
    const client = new grpc.Client(harness.unixUrl, grpc.credentials.createInsecure());
    try {
      const err = await new Promise<grpc.ServiceError>((resolve) => {
        client.makeUnaryRequest("/supervisor.v1.Supervisor/Nope", (x: Buffer) => x, (x: Buffer) => x, Buffer.alloc(0), (e) => resolve(e as grpc.ServiceError));
      });
      expect(err.code).toBe(grpc.status.UNIMPLEMENTED);
      expect(err.details).toBe("The server does not implement the method /supervisor.v1.Supervisor/Nope");
    } finally {
      client.close();
    }
  });

  it("an oversize request is RESOURCE_EXHAUSTED with grpc-js's text, through both clients; the handler never runs", async () => {
    let ran = false;
    const handlers = echoService();
    handlers.startProcess = () => {
      ran = true;
      return {};
    };
    harness = await startHarness(handlers);
    const name = "x".repeat(4 * 1024 * 1024 + 10);
    const size = methodInfo("startProcess").requestType.encode(methodInfo("startProcess").requestType.fromPartial({ name })).finish().length;
    const grpcClient = connect(harness.unixUrl);
    const unary = connectUnary(harness.unixUrl);
    try {
      for (const client of [grpcClient, unary]) {
        const err = (await client.startProcess({ name }).catch((e: unknown) => e)) as { code: number; details: string };
        expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
        expect(err.details).toBe(`Received message larger than max (${String(size)} vs 4194304)`);
      }
      // Both connections stay usable.
      expect(await unary.getApiVersion()).toEqual({ version: "3.0" });
      expect(await grpcClient.getApiVersion()).toEqual({ version: "3.0" });
    } finally {
      grpcClient.close();
      unary.close();
    }
    expect(ran).toBe(false);
  });

  it("a deadline ends the call with DEADLINE_EXCEEDED and aborts the handler's signal (grpc-js client)", async () => {
    let aborted = false;
    const handlers = echoService();
    handlers.stopProcess = (_req, ctx) =>
      new Promise(() => {
        ctx.signal.addEventListener("abort", () => (aborted = true), { once: true });
      });
    harness = await startHarness(handlers);
    const client = connect(harness.unixUrl);
    try {
      const err = (await client.stopProcess({ name: "x" }, { deadline: Date.now() + 50 }).catch((e: unknown) => e)) as { code: number };
      expect(err.code).toBe(grpc.status.DEADLINE_EXCEEDED);
      await until(() => aborted, "the handler's signal to abort");
    } finally {
      client.close();
    }
  });

  /** An endless stream whose producer counts what it made and whether it was told to stop. */
  function endless(): { handlers: SupervisorHandlers; produced: () => number; returned: () => boolean; aborted: () => boolean } {
    let produced = 0;
    let returned = false;
    let aborted = false;
    const handlers = echoService();
    handlers.tailProcessLogFollow = (_req, ctx: CallContext) => {
      ctx.signal.addEventListener("abort", () => (aborted = true), { once: true });
      const chunk = Buffer.alloc(16 * 1024, 0x62);
      return {
        [Symbol.asyncIterator]: () => ({
          next: () => {
            produced++;
            return Promise.resolve({ done: false, value: { data: chunk } });
          },
          return: () => {
            returned = true;
            return Promise.resolve({ done: true, value: undefined });
          },
        }),
      };
    };
    return { handlers, produced: () => produced, returned: () => returned, aborted: () => aborted };
  }

  it("a client that stops reading parks the producer: nothing more is made or queued while it does not read", async () => {
    const stream = endless();
    const blocked: string[] = [];
    harness = await startHarness(stream.handlers, { onBackpressure: (m) => blocked.push(m) });
    const session = http2.connect(harness.tcpUrl);
    session.on("error", () => undefined);
    try {
      const call = session.request({ ":method": "POST", ":path": pathOf("tailProcessLogFollow"), "content-type": "application/grpc", te: "trailers" });
      call.on("error", () => undefined);
      call.end(request("tailProcessLogFollow", { name: "x" }));
      // Never read: HTTP/2 flow control fills, the server's queue reaches its bound, the producer waits.
      call.pause();
      await until(() => blocked.length > 0, "the server to stop pulling from the producer");
      const parked = stream.produced();
      // The server keeps serving other calls meanwhile, and the producer stays where it is.
      const other = connectUnary(harness.unixUrl);
      for (let i = 0; i < 5; i++) await other.getApiVersion();
      other.close();
      expect(stream.produced()).toBe(parked);
      expect(blocked).toEqual(["tailProcessLogFollow"]);
      // Bounded by flow control's window and the 16-message queue, not by the log's length.
      expect(parked).toBeLessThan(64);

      // A cancel (RST_STREAM) ends it on the server: signal aborted, the producer's return() called.
      call.close(http2.constants.NGHTTP2_CANCEL);
      await until(() => stream.returned() && stream.aborted(), "the producer to be told to stop");
    } finally {
      session.close();
    }
  });

  it("cancelling mid-stream from the grpc-js client calls the producer's return()", async () => {
    const stream = endless();
    harness = await startHarness(stream.handlers);
    const client = connect(harness.unixUrl);
    try {
      let n = 0;
      for await (const _ of client.tailProcessLogFollow({ name: "x" })) if (++n === 3) break;
      await until(() => stream.returned() && stream.aborted(), "the producer to be told to stop");
    } finally {
      client.close();
    }
  });

  it("a client that goes away mid-stream (connection dropped) stops the producer", async () => {
    const stream = endless();
    harness = await startHarness(stream.handlers);
    const socket = connectSocket(harness.socketPath);
    const session = http2.connect("http://localhost", { createConnection: () => socket });
    session.on("error", () => undefined);
    const call = session.request({ ":method": "POST", ":path": pathOf("tailProcessLogFollow"), "content-type": "application/grpc", te: "trailers" });
    call.on("error", () => undefined);
    call.end(request("tailProcessLogFollow", { name: "x" }));
    await new Promise((resolve) => call.once("data", resolve));
    // The connection is gone without RST_STREAM or GOAWAY.
    socket.destroy();
    await until(() => stream.returned() && stream.aborted(), "the producer to be told to stop");
  });

  it("the idle timeout closes (GOAWAY) a connection without calls, not one with a call in flight", async () => {
    let release: (() => void) | undefined;
    const handlers = echoService();
    handlers.watch = async function* (_req, ctx) {
      yield {};
      await new Promise<void>((resolve) => {
        release = resolve;
        ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
    };
    harness = await startHarness(handlers, { idleTimeoutMs: 100 });
    // Busy first: its idle timer runs out before the idle connection's, while its Watch is open. Its preface and
    // its Watch go out in one write, so the server has the call before its idle timer can fire, however slow
    // the machine (with http2.connect the request could follow the preface by a timer's length).
    const busy = await rawSingleWriteCall(harness.port, pathOf("watch"), request("watch", {}));
    await busy.firstData;

    const idle = http2.connect(harness.tcpUrl);
    idle.on("error", () => undefined);
    const idleGoaway = new Promise<number>((resolve) => idle.once("goaway", (code: number) => resolve(code)));
    await exchange(idle, { ":path": pathOf("getState") }, request("getState", {}));
    expect(await idleGoaway).toBe(http2.constants.NGHTTP2_NO_ERROR);
    await new Promise((resolve) => (idle.closed ? resolve(undefined) : idle.once("close", resolve)));

    // The busy one outlived its own timer (armed before the idle connection existed) because a call was in
    // flight; once it ends, the timer closes it too.
    expect(busy.goaway()).toBe(false);
    expect(busy.closed()).toBe(false);
    release?.();
    await busy.whenClosed;
    expect(busy.goaway()).toBe(true);
  });

  it("close(grace) refuses new calls but lets one in flight finish, through both clients", async () => {
    const releases: Array<() => void> = [];
    let arrived = 0;
    const handlers = echoService();
    handlers.getState = () =>
      new Promise((resolve) => {
        arrived++;
        releases.push(() => resolve({ statecode: 2, statename: "RUNNING" }));
      });
    harness = await startHarness(handlers);
    const grpcClient = connect(harness.unixUrl);
    const unary = connectUnary(harness.tcpUrl);
    try {
      const pending = [grpcClient.getState(), unary.getState()];
      await until(() => arrived === 2, "both calls to reach the server");
      let closed = false;
      const closing = harness.grpc.close(60_000).then(() => (closed = true));
      // GOAWAY: a new call is refused, on the old connection or a new one alike.
      await expect(unary.getApiVersion()).rejects.toThrow();
      await expect(grpcClient.getApiVersion()).rejects.toThrow();
      // The calls in flight hold the close; answer them and they arrive whole.
      expect(closed).toBe(false);
      for (const release of releases) release();
      expect(await Promise.all(pending)).toEqual([
        { statecode: 2, statename: "RUNNING" },
        { statecode: 2, statename: "RUNNING" },
      ]);
      await closing;
      expect(closed).toBe(true);
    } finally {
      grpcClient.close();
      unary.close();
    }
  });

  it("a fault comes in a trailers-only answer that both clients turn into the same SupervisorError", async () => {
    const handlers = echoService();
    handlers.stopProcess = () => {
      throw new SupervisorError("NOT_RUNNING", "wéb\nsecond line");
    };
    harness = await startHarness(handlers);
    const session = http2.connect(harness.tcpUrl);
    session.on("error", () => undefined);
    try {
      const got = await exchange(session, { ":path": pathOf("stopProcess") }, request("stopProcess", { name: "web" }));
      expect(got.headersOnly).toBe(true);
      expect(got.headers).toMatchObject({
        ":status": 200,
        "content-type": "application/grpc+proto",
        "grpc-status": "9",
        "grpc-message": encodeURI("NOT_RUNNING: wéb\nsecond line"),
        "supervisor-fault": "NOT_RUNNING",
        "supervisor-fault-detail-bin": Buffer.from("wéb\nsecond line").toString("base64"),
      });
    } finally {
      session.close();
    }
    const grpcClient = connect(harness.unixUrl);
    const unary = connectUnary(harness.unixUrl);
    try {
      for (const client of [grpcClient, unary]) {
        const err = await client.stopProcess({ name: "web" }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SupervisorError);
        expect(err).toMatchObject({ code: "NOT_RUNNING", detail: "wéb\nsecond line" });
      }
    } finally {
      grpcClient.close();
      unary.close();
    }
  });

  it("refused credentials: UNAUTHENTICATED, and the failed-login limit's RESOURCE_EXHAUSTED, through both clients (RPC-04)", async () => {
    const seen: Array<[string | undefined, string]> = [];
    harness = await startHarness(echoService(), {
      access: {
        authenticate: (authorization, peer) => {
          seen.push([authorization, peer]);
          return { ok: false, refusal: authorization === undefined ? "unauthenticated" : "limited" };
        },
        authorize: () => undefined,
      },
    });
    for (const make of [(url: string, o: object) => connect(url, o), (url: string, o: object) => connectUnary(url, o)]) {
      const anonymous = make(harness.unixUrl, {});
      const limited = make(harness.unixUrl, { username: "u", password: "p" });
      try {
        // tsctl's "server requires authentication" (connection-error.ts) from UNAUTHENTICATED.
        expect(await anonymous.getState().catch((e: unknown) => e)).toMatchObject({ reason: "unauthenticated" });
        expect(await limited.getState().catch((e: unknown) => e)).toMatchObject({
          code: grpc.status.RESOURCE_EXHAUSTED,
          details: "too many failed logins from this peer; try again later",
        });
      } finally {
        anonymous.close();
        limited.close();
      }
    }
    expect(seen.map(([a]) => a === undefined)).toEqual([true, false, true, false]);
    // A unix socket without a label (no SO_PEERCRED here) has no address: grpc-js's "unknown".
    expect(new Set(seen.map(([, peer]) => peer))).toEqual(new Set(["unknown"]));
  });
});
