import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../src/index.js";
import { echoService } from "./echo-service.js";
import { startHarness, type Harness } from "./harness.js";

// The daemon's future XML-RPC / web UI server stands behind the same sockets; here a tiny one that echoes.
const http1 = createHttpServer((req, res) => {
  res.setHeader("Content-Type", "text/plain");
  res.end(`http1 ${req.method} ${req.url}`);
});

function get(options: { socketPath?: string; port?: number; path: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ ...options, host: "127.0.0.1", method: "GET" }, (res: IncomingMessage) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("one socket, every client (design: The wire)", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(echoService(), { http1: (socket) => http1.emit("connection", socket) });
  });
  afterAll(async () => {
    await harness.close();
  });

  it("creates the unix socket mode 0700 (umask 077 around listen)", () => {
    const st = statSync(harness.socketPath);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o700);
  });

  it("serves HTTP/1.1 and gRPC on the same unix socket", async () => {
    expect(await get({ socketPath: harness.socketPath, path: "/RPC2" })).toEqual({ status: 200, body: "http1 GET /RPC2" });
    const client = connect(harness.unixUrl);
    try {
      expect(await client.getApiVersion()).toEqual({ version: "3.0" });
    } finally {
      client.close();
    }
    expect(await get({ socketPath: harness.socketPath, path: "/again" })).toEqual({ status: 200, body: "http1 GET /again" });
  });

  it("serves HTTP/1.1 and gRPC on the same TCP port", async () => {
    expect(await get({ port: harness.port, path: "/" })).toEqual({ status: 200, body: "http1 GET /" });
    const client = connect(harness.tcpUrl);
    try {
      expect((await client.getAllProcessInfo()).processes).toHaveLength(2);
    } finally {
      client.close();
    }
  });

  it("routes a request that arrives one byte at a time", async () => {
    const socket = netConnect(harness.socketPath);
    const request = "GET /slow HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let response = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (response += chunk));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
    for (const byte of request) await new Promise<void>((resolve) => socket.write(byte, () => resolve()));
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(response).toMatch(/http1 GET \/slow$/);
  });
});

describe("without an HTTP/1.1 handler", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(echoService());
  });
  afterAll(async () => {
    await harness.close();
  });

  it("answers 501 and closes", async () => {
    const res = await get({ socketPath: harness.socketPath, path: "/RPC2" });
    expect(res.status).toBe(501);
  });
});

describe("TLS on TCP", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsv-protocol-tls-"));
  let harness: Harness;
  let cert: Buffer;
  beforeAll(async () => {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
    ], { stdio: "ignore" });
    cert = readFileSync(join(dir, "cert.pem"));
    const key = readFileSync(join(dir, "key.pem"));
    harness = await startHarness(echoService(), { tls: { cert, key }, http1: (socket) => http1.emit("connection", socket) });
  });
  afterAll(async () => {
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves gRPC over TLS with the server's CA trusted", async () => {
    const client = connect(`localhost:${harness.port}`, { tls: { ca: cert } });
    try {
      expect(await client.getApiVersion()).toEqual({ version: "3.0" });
    } finally {
      client.close();
    }
  });

  it("refuses a client that does not trust the certificate", async () => {
    const client = connect(`localhost:${harness.port}`, { tls: true });
    try {
      await expect(client.getApiVersion()).rejects.toMatchObject({ name: "ConnectionError", reason: "unavailable" });
    } finally {
      client.close();
    }
  });

  it("serves HTTPS/1.1 on the same port", async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest({ host: "localhost", port: harness.port, path: "/tls", ca: cert }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve(text));
      });
      req.on("error", reject);
      req.end();
    });
    expect(body).toBe("http1 GET /tls");
  });
});

describe("TLS with client certificates", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsv-protocol-mtls-"));
  let harness: Harness;
  const pem: Record<string, Buffer> = {};
  beforeAll(async () => {
    for (const [name, cn, san] of [["server", "localhost", "DNS:localhost"], ["client", "tsctl", "DNS:tsctl"]] as const) {
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
        "-subj", `/CN=${cn}`, "-addext", `subjectAltName=${san}`,
        "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.crt`),
      ], { stdio: "ignore" });
      pem[`${name}Key`] = readFileSync(join(dir, `${name}.key`));
      pem[`${name}Cert`] = readFileSync(join(dir, `${name}.crt`));
    }
    harness = await startHarness(echoService(), {
      tls: { cert: pem.serverCert, key: pem.serverKey, ca: pem.clientCert, requestCert: true, rejectUnauthorized: true },
    });
  });
  afterAll(async () => {
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("accepts a client presenting a trusted certificate", async () => {
    const client = connect(`localhost:${harness.port}`, { tls: { ca: pem.serverCert, cert: pem.clientCert, key: pem.clientKey } });
    try {
      expect(await client.getIdentification()).toEqual({ identifier: "supervisor" });
    } finally {
      client.close();
    }
  });

  it("turns away a client without one", async () => {
    const client = connect(`localhost:${harness.port}`, { tls: { ca: pem.serverCert } });
    try {
      await expect(client.getIdentification()).rejects.toMatchObject({ name: "ConnectionError", reason: "unavailable" });
    } finally {
      client.close();
    }
  });
});

describe("an HTTP/1.1 handler that loads its server first (issue 20)", () => {
  it("keeps the connection paused until its promise settles, losing no byte", async () => {
    let arrived: () => void = () => undefined;
    const handed = new Promise<void>((resolve) => (arrived = resolve));
    let release: () => void = () => undefined;
    const loaded = new Promise<void>((resolve) => (release = resolve));
    const harness = await startHarness(echoService(), {
      http1: async (socket) => {
        arrived();
        await loaded;
        http1.emit("connection", socket);
      },
    });
    try {
      const answer = get({ socketPath: harness.socketPath, path: "/late" });
      // The request's bytes were read (to classify it) before the server exists; they are served once it does.
      await handed;
      release();
      expect(await answer).toEqual({ status: 200, body: "http1 GET /late" });
    } finally {
      await harness.close();
    }
  });
});
