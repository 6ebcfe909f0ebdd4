/**
 * The active probes against real sockets and processes (issue 14): outcomes, their one-line details, and the
 * bounds (an http body is read to at most HTTP_READ_LIMIT bytes, exec output is capped, a long line does not
 * grow the log matcher's buffer without bound, cancellation kills an exec probe's process group).
 */
import { spawnSync } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { EXEC_OUTPUT_LIMIT, LineMatcher, runProbe } from "../src/index.js";

const servers: Array<net.Server> = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  // Server-side sockets a test left open (a server that never answers) would keep close() waiting.
  for (const s of sockets) s.destroy();
  sockets.clear();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.on("connection", (s: net.Socket) => sockets.add(s));
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

const ctx = { env: { PATH: "/usr/bin:/bin" }, cwd: null };

describe("tcp", () => {
  it("succeeds on a listener, fails with the OS error on a closed port", async () => {
    const port = await listen(net.createServer((s) => s.end()));
    expect(await runProbe({ kind: "tcp", host: "127.0.0.1", port }, 1000, ctx)).toEqual({ ok: true, detail: "connected" });
    await new Promise((r) => (servers.pop() as net.Server).close(r));
    const closed = await runProbe({ kind: "tcp", host: "127.0.0.1", port }, 1000, ctx);
    expect(closed).toEqual({ ok: false, detail: `connect ECONNREFUSED 127.0.0.1:${port}` });
  });
});

describe("tcp, politely", () => {
  it("closes with FIN after reading the greeting, so a server without an error handler is not reset", async () => {
    let closedCleanly = 0;
    let allClosed = (): void => {};
    const done = new Promise<void>((resolve) => (allClosed = resolve));
    // No 'error' listener on purpose: an ECONNRESET here would be an uncaught error and fail the run.
    const port = await listen(
      net.createServer((s) => {
        s.on("end", () => {
          closedCleanly += 1;
          if (closedCleanly === 20) allClosed();
        });
        s.end("+PONG\r\n");
      }),
    );
    for (let i = 0; i < 20; i++) expect((await runProbe({ kind: "tcp", host: "127.0.0.1", port }, 1000, ctx)).ok).toBe(true);
    await done; // every connection ended with FIN ('end'), none with a reset
  });
});

describe("http", () => {
  it("2xx and 3xx pass, others fail with the status and the start of the body", async () => {
    let status = 200;
    const port = await listen(http.createServer((_q, res) => {
      res.writeHead(status, { location: "/x" });
      res.end("  not\nyet  ");
    }));
    const url = `http://127.0.0.1:${port}/health`;
    expect(await runProbe({ kind: "http", url }, 1000, ctx)).toEqual({ ok: true, detail: "HTTP 200" });
    status = 302;
    expect((await runProbe({ kind: "http", url }, 1000, ctx)).ok).toBe(true);
    status = 503;
    expect(await runProbe({ kind: "http", url }, 1000, ctx)).toEqual({ ok: false, detail: "HTTP 503: not yet" });
  });

  it("stops reading an endless body at the limit", async () => {
    let written = 0;
    const port = await listen(http.createServer((_q, res) => {
      res.writeHead(500);
      const chunk = Buffer.alloc(64 * 1024, "x");
      const pump = (): void => {
        while (written < 64 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (written < 64 * 1024 * 1024) res.once("drain", pump);
      };
      res.on("close", () => res.removeAllListeners("drain"));
      pump();
    }));
    const out = await runProbe({ kind: "http", url: `http://127.0.0.1:${port}/` }, 5000, ctx);
    expect(out.ok).toBe(false);
    expect(out.detail).toMatch(/^HTTP 500: x{1,200}$/);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it("times out on a server that never answers", async () => {
    const port = await listen(net.createServer(() => {}));
    expect(await runProbe({ kind: "http", url: `http://127.0.0.1:${port}/` }, 300, ctx)).toEqual({ ok: false, detail: "timed out after 0.3s" });
  });
});

describe("exec", () => {
  it("exit 0 passes; otherwise the code and the first output", async () => {
    expect(await runProbe({ kind: "exec", command: "/bin/true" }, 2000, ctx)).toEqual({ ok: true, detail: "exit 0" });
    expect(await runProbe({ kind: "exec", command: "/bin/sh -c 'echo no db; exit 3'" }, 2000, ctx)).toEqual({ ok: false, detail: "exit 3: no db" });
    expect((await runProbe({ kind: "exec", command: "/nonexistent/probe" }, 2000, ctx)).detail).toMatch(/^\/nonexistent\/probe: spawn \/nonexistent\/probe ENOENT$/);
  });

  it("keeps at most EXEC_OUTPUT_LIMIT bytes of output and says it in one line", async () => {
    const out = await runProbe({ kind: "exec", command: "/bin/sh -c 'head -c 1000000 /dev/zero | tr \"\\\\0\" y; exit 1'" }, 5000, ctx);
    expect(out.ok).toBe(false);
    expect(out.detail.length).toBeLessThanOrEqual(200 + "exit 1: ".length);
    expect(EXEC_OUTPUT_LIMIT).toBe(4096);
  });

  it("a hung command is killed with its process group at the timeout", async () => {
    const out = await runProbe({ kind: "exec", command: "/bin/sh -c '/bin/sleep 977124 & /bin/sleep 977124'" }, 300, ctx);
    expect(out).toEqual({ ok: false, detail: "timed out after 0.3s (killed)" });
    const left = spawnSync("pgrep", ["-f", "sleep 977124"], { encoding: "utf8" }).stdout.trim();
    expect(left).toBe("");
  });

  it("a cancelled probe kills its process group and says cancelled", async () => {
    const abort = new AbortController();
    const pending = runProbe({ kind: "exec", command: "/bin/sleep 977125" }, 60_000, ctx, abort.signal);
    abort.abort();
    expect(await pending).toEqual({ ok: false, detail: "cancelled" });
    expect(spawnSync("pgrep", ["-f", "sleep 977125"], { encoding: "utf8" }).stdout.trim()).toBe("");
  });
});

describe("LineMatcher", () => {
  it("matches whole lines across chunk boundaries, and an unterminated prompt", () => {
    const m = new LineMatcher(/Ready to accept/);
    expect(m.feed(Buffer.from("boot\nRea"))).toBe(false);
    expect(m.feed(Buffer.from("dy to acc"))).toBe(false);
    expect(m.feed(Buffer.from("ept connections\n"))).toBe(true);
    const prompt = new LineMatcher(/^> $/);
    expect(prompt.feed(Buffer.from("hello\n> "))).toBe(true);
  });

  it("keeps at most LINE_LIMIT bytes of a line that never ends", () => {
    const m = new LineMatcher(/never/);
    for (let i = 0; i < 100; i++) m.feed(Buffer.alloc(64 * 1024, "z"));
    expect((m as unknown as { pending: string }).pending.length).toBeLessThanOrEqual(LineMatcher.LINE_LIMIT);
  });
});
