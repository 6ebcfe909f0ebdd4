/**
 * issue 20: the node:http2 unary client (src/unary-client.ts) against the daemon's server stack (createGrpcServer,
 * whose wire is grpc-js's server's: http2-server.test.ts), and against raw HTTP/2 servers for what that server
 * never sends on its own. The grpc-js client (src/client.ts) is the
 * reference: for every outcome both must resolve to the same value or fail with the same error (class, message,
 * fault code and detail, connection reason), since tsctl's texts and exit codes are made from those.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SupervisorError } from "@tsupervisord/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, isStreamMethod, METHOD_NAMES, methodInfo, type SupervisorHandlers, type UnaryMethodName } from "../src/index.js";
import { connectUnary, MAX_RECEIVE_MESSAGE_BYTES, type UnarySupervisorClient } from "../src/unary.js";
import { ConnectionError } from "../src/connection-error.js";
import { GetAllProcessInfoResponse, GetPIDResponse } from "../src/gen/supervisor/v1/supervisor.js";
import { echoService, processInfo } from "./echo-service.js";
import { startHarness, type Harness } from "./harness.js";

type Outcome = { value: unknown } | { error: Record<string, unknown> };

/** What a caller can see of a settled call: the value, or the error's class, message and identifying fields. */
async function outcome(promise: Promise<unknown>): Promise<Outcome> {
  try {
    return { value: await promise };
  } catch (err) {
    const e = err as Error & { code?: unknown };
    return {
      error: {
        isSupervisorError: err instanceof SupervisorError,
        isConnectionError: err instanceof ConnectionError,
        message: e.message,
        code: e.code,
        detail: err instanceof SupervisorError ? err.detail : undefined,
        reason: err instanceof ConnectionError ? err.reason : undefined,
      },
    };
  }
}

/** The same call through both clients; each client is closed afterwards. */
async function both(url: string, call: (c: UnarySupervisorClient) => Promise<unknown>, options = {}): Promise<[Outcome, Outcome]> {
  const unary = connectUnary(url, options);
  const grpc = connect(url, options);
  try {
    return [await outcome(call(unary)), await outcome(call(grpc as unknown as UnarySupervisorClient))];
  } finally {
    unary.close();
    grpc.close();
  }
}

const UNARY = METHOD_NAMES.filter((m): m is UnaryMethodName => !isStreamMethod(m));

describe("the unary client against the daemon's gRPC server", () => {
  let harness: Harness;
  const failing: Partial<SupervisorHandlers> = {
    startProcess: () => {
      throw new SupervisorError("ALREADY_STARTED", "web");
    },
    stopProcess: () => {
      // A detail that is not ASCII and spans lines travels in the -bin trailer.
      throw new SupervisorError("NOT_RUNNING", "wéb\nsecond line");
    },
    getPid: () => {
      throw new Error("a bug in the daemon");
    },
  };
  beforeAll(async () => {
    harness = await startHarness({ ...echoService(), ...failing } as SupervisorHandlers);
  });
  afterAll(async () => {
    await harness.close();
  });

  it("answers every unary RPC as the grpc-js client does, over the unix socket and TCP", async () => {
    for (const url of [harness.unixUrl, harness.tcpUrl]) {
      const unary = connectUnary(url);
      const grpc = connect(url);
      try {
        for (const method of UNARY) {
          const call = (c: UnarySupervisorClient): Promise<unknown> => (c[method] as (r?: unknown) => Promise<unknown>)({});
          expect(await outcome(call(unary)), method).toEqual(await outcome(call(grpc as unknown as UnarySupervisorClient)));
        }
        // A real answer, decoded: not only "the same".
        expect((await unary.getAllProcessInfo({})).processes).toEqual([processInfo("a", "g"), processInfo("b", "g")]);
        expect(await unary.getApiVersion({})).toEqual({ version: "3.0" });
      } finally {
        unary.close();
        grpc.close();
      }
    }
  });

  it("rebuilds a fault from the trailers: the same SupervisorError, detail included", async () => {
    const [started, startedRef] = await both(harness.unixUrl, (c) => c.startProcess({ name: "web" }));
    expect(started).toEqual({ error: expect.objectContaining({ isSupervisorError: true, code: "ALREADY_STARTED", detail: "web" }) as unknown });
    expect(started).toEqual(startedRef);
    const [stopped, stoppedRef] = await both(harness.unixUrl, (c) => c.stopProcess({ name: "web" }));
    expect(stopped).toEqual({ error: expect.objectContaining({ code: "NOT_RUNNING", detail: "wéb\nsecond line" }) as unknown });
    expect(stopped).toEqual(stoppedRef);
  });

  it("a status that is no fault fails with grpc-js's message", async () => {
    const [internal, internalRef] = await both(harness.unixUrl, (c) => c.getPid({}));
    expect(internal).toEqual({ error: expect.objectContaining({ message: "13 INTERNAL: internal error", code: 13 }) as unknown });
    expect(internal).toEqual(internalRef);
  });

  it("several calls share one connection, and the client does not hold the process up", async () => {
    const unary = connectUnary(harness.unixUrl);
    const [a, b] = await Promise.all([unary.getApiVersion({}), unary.getSupervisorVersion({})]);
    expect(a.version).toBe("3.0");
    expect(b.version).toBe("4.2.5");
    unary.close();
    // After close, the next call opens a new connection.
    expect((await unary.getApiVersion({})).version).toBe("3.0");
    unary.close();
  });
});

describe("credentials", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(echoService(), { auth: { username: "admin", password: "s3cret" } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it("are sent when given; without them the call fails unauthenticated, as over grpc-js", async () => {
    const [denied, deniedRef] = await both(harness.unixUrl, (c) => c.getApiVersion({}));
    expect(denied).toEqual({ error: expect.objectContaining({ isConnectionError: true, reason: "unauthenticated" }) as unknown });
    expect(denied).toEqual(deniedRef);
    const [ok, okRef] = await both(harness.unixUrl, (c) => c.getApiVersion({}), { username: "admin", password: "s3cret" });
    expect(ok).toEqual({ value: { version: "3.0" } });
    expect(ok).toEqual(okRef);
  });
});

describe("no daemon", () => {
  let dir: string;
  beforeAll(async () => {
    // A harness started and closed: its directory name, with nothing listening anywhere in it.
    const h = await startHarness(echoService());
    dir = join(h.dir, "..", `${h.dir.split("/").pop() ?? "x"}-gone`);
    await h.close();
  });

  it("a socket path that does not exist: no_such_file, `<url> no such file`", async () => {
    const url = `unix://${dir}/supervisor.sock`;
    const [r, ref] = await both(url, (c) => c.getApiVersion({}));
    expect(r).toEqual({ error: expect.objectContaining({ reason: "no_such_file", message: `${url} no such file` }) as unknown });
    expect(r).toEqual(ref);
  });

  it("a path nobody listens on, and a closed TCP port: refused, `<url> refused connection`", async () => {
    const h = await startHarness(echoService());
    const file = join(h.dir, "not-a-socket");
    writeFileSync(file, "");
    const port = h.port;
    try {
      const url = `unix://${file}`;
      const [r, ref] = await both(url, (c) => c.getApiVersion({}));
      expect(r).toEqual({ error: expect.objectContaining({ reason: "refused", message: `${url} refused connection` }) as unknown });
      expect(r).toEqual(ref);
    } finally {
      await h.close();
    }
    const tcp = `http://127.0.0.1:${String(port)}`;
    const [t, tref] = await both(tcp, (c) => c.getApiVersion({}));
    expect(t).toEqual({ error: expect.objectContaining({ reason: "refused", message: `${tcp} refused connection` }) as unknown });
    expect(t).toEqual(tref);
  });
});

describe("a server that closes the connection without a word", () => {
  it("unavailable, `<url>: the server closed the connection without answering` (a peer outside allow_uids sees this)", async () => {
    // What the daemon does to a unix peer that allow_uids/allow_groups leaves out: accept, then close at once.
    // grpc-js says "No connection established. Last error: Failed to connect (<time>)" (and this client used to
    // say "1 CANCELLED: Call cancelled"); the unary client now says what happened, the same every time.
    const dir = mkdtempSync(join(tmpdir(), "tsup-unary-cut-"));
    const path = join(dir, "cut.sock");
    // Closed at accept, and closed a moment later without reading: the client's preface, unread, makes the kernel
    // reset the connection, so the client sees ECONNRESET or EPIPE instead of an end of stream. (Should the client
    // not have written within the moment, the close is a plain end: the same answer is expected either way.)
    let accepted = 0;
    const server = net.createServer({ pauseOnConnect: true }, (socket) => {
      if (accepted++ % 2 === 0) socket.destroy();
      else setTimeout(() => socket.destroy(), 50);
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const url = `unix://${path}`;
    const client = connectUnary(url);
    try {
      for (let i = 0; i < 6; i++) {
        expect(await outcome(client.getApiVersion({}))).toEqual({
          error: expect.objectContaining({ isConnectionError: true, reason: "unavailable", message: `${url}: the server closed the connection without answering` }) as unknown,
        });
      }
    } finally {
      client.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A plain HTTP/2 server on 127.0.0.1 that answers every stream with `respond`. */
async function rawServer(respond: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  server.on("stream", (stream, headers) => {
    // Read the request to its end first, as a gRPC server does.
    stream.resume();
    stream.on("end", () => respond(stream, headers));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${String(port)}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sessions) s.destroy();
      }),
  };
}

function grpcFrame(message: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + message.length);
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("what a raw HTTP/2 server may send", () => {
  it("a trailers-only answer carries the status and the fault in its headers", async () => {
    const server = await rawServer((stream) => {
      stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc",
          "grpc-status": "5",
          "grpc-message": "BAD_NAME: nosuch",
          "supervisor-fault": "BAD_NAME",
          "supervisor-fault-detail-bin": Buffer.from("nosuch").toString("base64"),
        },
        { endStream: true },
      );
    });
    try {
      const [r, ref] = await both(server.url, (c) => c.getProcessInfo({ name: "nosuch" }));
      expect(r).toEqual({ error: expect.objectContaining({ isSupervisorError: true, code: "BAD_NAME", detail: "nosuch" }) as unknown });
      expect(r).toEqual(ref);
      // And one without a fault: grpc-js's message from the (percent-encoded) grpc-message.
      const plain = await rawServer((stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "9", "grpc-message": "not%20now" }, { endStream: true });
      });
      try {
        const [p, pref] = await both(plain.url, (c) => c.getApiVersion({}));
        expect(p).toEqual({ error: expect.objectContaining({ message: "9 FAILED_PRECONDITION: not now", code: 9 }) as unknown });
        expect(p).toEqual(pref);
      } finally {
        await plain.close();
      }
    } finally {
      await server.close();
    }
  });

  it("a message split across DATA frames (the prefix itself too) is put back together", async () => {
    const message = GetAllProcessInfoResponse.encode({ processes: [processInfo("a", "g"), processInfo("b", "g"), processInfo("c", "g")] }).finish();
    const framed = grpcFrame(message);
    const cuts = [2, 7, 300, framed.length];
    const server = await rawServer((stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "grpc-message": "" }));
      void (async () => {
        let from = 0;
        for (const to of cuts) {
          // Each piece written and flushed before the next, so each goes out as a DATA frame of its own.
          await new Promise<void>((resolve) => stream.write(framed.subarray(from, to), () => resolve()));
          await wait(20);
          from = to;
        }
        stream.end();
      })();
    });
    try {
      const unary = connectUnary(server.url);
      try {
        expect((await unary.getAllProcessInfo({})).processes.map((p) => p.name)).toEqual(["a", "b", "c"]);
      } finally {
        unary.close();
      }
    } finally {
      await server.close();
    }
  });

  it("fails as grpc-js does on an oversize message, no message, and an HTTP error status", async () => {
    const answers: Record<string, (stream: http2.ServerHttp2Stream) => void> = {
      oversize: (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc" });
        const prefix = Buffer.alloc(5);
        prefix.writeUInt32BE(MAX_RECEIVE_MESSAGE_BYTES + 1, 1);
        stream.write(prefix);
      },
      none: (stream) => {
        stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "0" }, { endStream: true });
      },
      http404: (stream) => {
        stream.respond({ ":status": 404 });
        stream.end("not here");
      },
    };
    for (const [what, answer] of Object.entries(answers)) {
      const server = await rawServer(answer);
      try {
        const [r, ref] = await both(server.url, (c) => c.getPid({}));
        expect("error" in r, what).toBe(true);
        expect(r, what).toEqual(ref);
      } finally {
        await server.close();
      }
    }
  });

  it("after the server sends GOAWAY (a daemon restarting), the next call opens a new connection", async () => {
    const answered = new Set<http2.ServerHttp2Session>();
    const server = await rawServer((stream) => {
      const session = stream.session as http2.ServerHttp2Session;
      answered.add(session);
      // No new streams on this connection after this one; sent before the answer, so the client has it first.
      session.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id);
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(grpcFrame(GetPIDResponse.encode({ pid: answered.size }).finish()));
    });
    const unary = connectUnary(server.url);
    try {
      expect(await unary.getPid({})).toEqual({ pid: 1 });
      expect(await unary.getPid({})).toEqual({ pid: 2 });
      expect(answered.size).toBe(2);
    } finally {
      unary.close();
      await server.close();
    }
  });

  it("a second message in a unary answer fails with grpc-js's text (grpc-js itself never settles that call)", async () => {
    const server = await rawServer((stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      const one = grpcFrame(GetPIDResponse.encode({ pid: 1 }).finish());
      stream.end(Buffer.concat([one, one]));
    });
    const unary = connectUnary(server.url);
    try {
      await expect(unary.getPid({})).rejects.toThrow("12 UNIMPLEMENTED: Too many responses received");
    } finally {
      unary.close();
      await server.close();
    }
  });

  it("an HTTP/1.1-only server: a protocol error, which sends tsctl to XML-RPC (lazy-backend.ts)", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(404);
      res.end("nope");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const [r, ref] = await both(`http://127.0.0.1:${String(port)}`, (c) => c.getApiVersion({}));
      for (const o of [r, ref]) {
        expect(o).toEqual({ error: expect.objectContaining({ isConnectionError: true, message: expect.stringMatching(/Protocol error/) as unknown }) as unknown });
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("the unary entry", () => {
  it("loads no grpc-js (the main entry does)", () => {
    const script =
      'await import("@tsupervisord/protocol/unary"); const { createRequire } = await import("node:module");' +
      "const loaded = Object.keys(createRequire(import.meta.url).cache);" +
      'console.log(JSON.stringify(loaded.filter((f) => f.includes("grpc-js"))));';
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: new URL("..", import.meta.url), encoding: "utf8" });
    expect(JSON.parse(out)).toEqual([]);
  });

  it("names every method as grpc-js does (grpc's camelCase: an acronym in lower case)", () => {
    const grpcCamelCase = (rpc: string): string => {
      const words = rpc.match(/[A-Z]+(?![a-z])|[A-Z][a-z0-9]*/g) ?? [];
      const joined = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join("");
      return joined.charAt(0).toLowerCase() + joined.slice(1);
    };
    for (const method of METHOD_NAMES) expect(method).toBe(grpcCamelCase(methodInfo(method).rpc));
    expect(METHOD_NAMES).toContain("getApiVersion");
    expect(METHOD_NAMES).toContain("getPid");
  });
});
