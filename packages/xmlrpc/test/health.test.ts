import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttp1Handler, type Http1ConnectionHandler } from "../src/index.js";
import { FakeBackend } from "./fake-backend.js";
import { makeTempDir, removeDir } from "./helpers.js";

let dir: string;
let sock: string;
let server: net.Server;
let handler: Http1ConnectionHandler;
const state = { healthy: true, ready: false };

function get(pathname: string, method = "GET", headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: sock, path: pathname, method, headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = makeTempDir("xmlrpc-health-");
  sock = path.join(dir, "h.sock");
  handler = createHttp1Handler({
    backend: new FakeBackend(dir, { cat: ["cat"] }),
    auth: { username: "user", password: "secret" },
    health: { healthy: () => state.healthy, ready: () => state.ready },
  });
  server = net.createServer((s) => handler(s));
  await new Promise<void>((resolve) => server.listen(sock, resolve));
});

afterAll(async () => {
  handler.close();
  await new Promise((resolve) => server.close(resolve));
  removeDir(dir);
});

describe("/healthz and /readyz (container probes)", () => {
  it("answer without credentials while everything else still needs them", async () => {
    state.healthy = true;
    state.ready = false;
    expect(await get("/healthz")).toMatchObject({ status: 200, body: "ok\n" });
    expect(await get("/readyz")).toMatchObject({ status: 503, body: "not ok\n" });
    expect((await get("/")).status).toBe(401);
    expect((await get("/RPC2", "POST")).status).toBe(401);
    state.ready = true;
    expect(await get("/readyz?verbose=1")).toMatchObject({ status: 200, body: "ok\n" });
    state.healthy = false;
    expect(await get("/healthz")).toMatchObject({ status: 503, body: "not ok\n" });
  });

  it("say only ok / not ok (no names, no states), are never cached, and HEAD works; other methods get 405", async () => {
    const res = await get("/healthz");
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(["ok\n", "not ok\n"]).toContain(res.body);
    state.healthy = true;
    expect(await get("/healthz", "HEAD")).toMatchObject({ status: 200, body: "" });
    expect(await get("/readyz", "POST")).toMatchObject({ status: 405 });
  });

  it("wrong credentials do not matter to the probes (a probe sending junk still gets its answer)", async () => {
    state.healthy = true;
    const res = await get("/healthz", "GET", { Authorization: "Basic !!!" });
    expect(res.status).toBe(200);
  });
});
