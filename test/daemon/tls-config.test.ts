/**
 * Issue 19: TLS and mTLS from `[inet_http_server] tls_cert / tls_key / tls_client_ca`, with real certificates
 * made by the openssl CLI (test/lib/certs.ts), the real daemon and the real tsctl binary:
 * - bad files are refused at `-t` and at the start with file, line and option;
 * - tsctl verifies the server (right CA, no CA, wrong CA, --insecure, [supervisorctl] tls_ca), and so does
 *   Python's ssl (xmlrpc.client); Debian's supervisorctl has no https transport at all;
 * - mTLS: no client certificate and a certificate from another CA are refused with words, on the gRPC and the
 *   XML-RPC client paths; the web UI and /metrics sit behind the same TLS;
 * - an expired server certificate is named as such by both client paths;
 * - SIGUSR2 swaps the certificate for new connections while an open `tsctl tail -f` and a Watch stream keep
 *   going; a bad new certificate is logged and the old one kept.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import tls from "node:tls";
import net, { type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HAVE_OPENSSL, LOCAL_SAN, TestCa, type CertFiles } from "../lib/certs.js";
import { HAVE_SUPERVISORCTL, REPO, SUPERVISORCTL, TSCTL } from "../ctl/lib/paths.js";
import { runCommand, type RunResult } from "../ctl/lib/run.js";
import { HAVE_SUPERVISORD, startServer, type Server } from "../ctl/lib/servers.js";
import { runDaemonOnce, startDaemon, TestDir, waitFor, type RunningDaemon } from "./lib/daemon.js";
import { freePort } from "./lib/ports.js";

const TSCTL_LAUNCHER = `${REPO}/apps/ctl/bin/tsctl`;
const HAVE_PYTHON = spawnSync("python3", ["--version"]).status === 0;

interface Pki {
  dir: TestDir;
  caA: TestCa;
  caB: TestCa;
  server: CertFiles;
  server2: CertFiles;
  otherHost: CertFiles;
  expired: CertFiles;
  client: CertFiles;
  clientB: CertFiles;
}

let pki: Pki;
let dir: TestDir | null = null;
let daemon: RunningDaemon | null = null;

beforeAll(() => {
  if (!HAVE_OPENSSL) return;
  const root = new TestDir("tsupd-pki-");
  const caA = new TestCa(root.root, "ca-a");
  const caB = new TestCa(root.root, "ca-b");
  pki = {
    dir: root,
    caA,
    caB,
    // Serials below 0x80: no DER sign byte, so node prints them as given.
    server: caA.issue("server", { san: LOCAL_SAN, serial: "51" }),
    server2: caA.issue("server2", { san: LOCAL_SAN, serial: "52" }),
    otherHost: caA.issue("other-host", { san: "DNS:example.org", serial: "53" }),
    expired: caA.issue("expired", { san: LOCAL_SAN, serial: "54", notBefore: "20200101000000Z", notAfter: "20200102000000Z" }),
    client: caA.issue("client", { usage: "clientAuth" }),
    clientB: caB.issue("client-b", { usage: "clientAuth" }),
  };
});

afterAll(() => {
  if (HAVE_OPENSSL) pki.dir.cleanup();
});

afterEach(async () => {
  await daemon?.stop();
  dir?.cleanup();
  dir = null;
  daemon = null;
});

const PROGRAMS =
  "[program:echo]\ncommand=/bin/sh -c 'echo ready; while read line; do echo \"got $line\"; done'\nstartsecs=0\n\n" +
  "[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n";

/** A config whose TCP listener has these TLS lines; returns the https URL. */
async function writeTlsConfig(tlsLines: string): Promise<{ url: string; conf: string }> {
  dir = new TestDir();
  const port = await freePort();
  const conf = dir.writeConfig(`[inet_http_server]\nport=127.0.0.1:${port}\n${tlsLines}\n${PROGRAMS}`);
  return { url: `https://127.0.0.1:${port}`, conf };
}

async function startTls(tlsLines: string): Promise<string> {
  const { url } = await writeTlsConfig(tlsLines);
  daemon = await startDaemon(dir as TestDir);
  return url;
}

function tsctl(args: readonly string[]): Promise<RunResult> {
  return runCommand([process.execPath, TSCTL, ...args], { cwd: pki.dir.root });
}

/** bin/tsctl as users run it: the launcher script, which keeps NODE_EXTRA_CA_CERTS from Node's start-up. */
function tsctlBin(args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return runCommand([TSCTL_LAUNCHER, ...args], { cwd: pki.dir.root, env });
}

/** This environment with NODE_EXTRA_CA_CERTS set to `file` (or removed), and grpc-js's own roots file removed. */
function extraCaEnv(file: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"];
  delete env["NODE_EXTRA_CA_CERTS"];
  if (file !== undefined) env["NODE_EXTRA_CA_CERTS"] = file;
  return env;
}

/** The serial of the certificate a new connection is served (no verification: we only look at it). */
function servedSerial(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const serial = socket.getPeerCertificate().serialNumber;
      socket.destroy();
      resolve(serial);
    });
    socket.once("error", reject);
  });
}

function sigusr2AndWaitFor(d: RunningDaemon, pattern: RegExp): Promise<string> {
  const before = d.activityLog().length;
  process.kill(d.pid, "SIGUSR2");
  return waitFor(`activity log to match ${pattern}`, () => pattern.test(d.activityLog().slice(before)) && d.activityLog()).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${d.activityLog().slice(before)}`);
  });
}

/**
 * A TLS terminator in front of a plain TCP port (what supervisord's users put before it: stunnel, nginx), so tsctl
 * reaches a real supervisord's XML-RPC over https. `clientCa`: mTLS.
 */
async function tlsTerminator(files: CertFiles, targetPort: number, clientCa?: string): Promise<{ url: string; close(): Promise<void> }> {
  const open = new Set<tls.TLSSocket>();
  const server = tls.createServer(
    {
      cert: fs.readFileSync(files.cert),
      key: fs.readFileSync(files.key),
      ...(clientCa === undefined ? {} : { ca: fs.readFileSync(clientCa), requestCert: true, rejectUnauthorized: true }),
    },
    (client) => {
      open.add(client);
      client.once("close", () => open.delete(client));
      const upstream = net.connect(targetPort, "127.0.0.1");
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    },
  );
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // supervisord keeps idle keep-alive connections open: end them with the terminator.
        for (const socket of open) socket.destroy();
      }),
  };
}

describe.skipIf(!HAVE_OPENSSL)("issue 19: TLS from [inet_http_server]", () => {
  it("-t and the start refuse a missing file, a key that is not the certificate's, an expired certificate", async () => {
    const cases: Array<{ lines: (p: Pki) => string; message: RegExp; option: string }> = [
      { lines: (p) => `tls_cert=${p.caA.dir}/nope.pem\ntls_key=${p.server.key}`, message: /tls_cert file .*nope\.pem does not exist/, option: "tls_cert" },
      { lines: (p) => `tls_cert=${p.server.cert}\ntls_key=${p.server2.key}`, message: /tls_key file .*server2\.key does not match the certificate in .*server\.pem/, option: "tls_key" },
      { lines: (p) => `tls_cert=${p.expired.cert}\ntls_key=${p.expired.key}`, message: /the certificate in .*expired\.pem expired on 2020-01-02T00:00:00\.000Z \(serial 54\)/, option: "tls_cert" },
      { lines: (p) => `tls_client_ca=${p.caA.cert}`, message: /tls_client_ca needs tls_cert and tls_key/, option: "tls_client_ca" },
    ];
    for (const c of cases) {
      const { conf } = await writeTlsConfig(c.lines(pki));
      const line = fs.readFileSync(conf, "utf8").split("\n").findIndex((l) => l.startsWith(`${c.option}=`)) + 1;
      const where = `(at ${conf}:${line} [inet_http_server] ${c.option})`;
      for (const args of [["-t", "-c", conf], ["-n", "-c", conf]]) {
        const r = await runDaemonOnce(args);
        expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(c.message);
        expect(r.stderr).toContain(where);
      }
      dir?.cleanup();
      dir = null;
    }
  });

  it("tsctl verifies the server: right CA, [supervisorctl] tls_ca, no CA, wrong CA, --insecure", async () => {
    const url = await startTls(`tls_cert=${pki.server.cert}\ntls_key=${pki.server.key}`);

    const right = await tsctl(["-s", url, "--ca", pki.caA.cert, "status"]);
    expect(right.code, right.output).toBe(0);
    expect(right.stdout).toMatch(/^echo\s+RUNNING/m);
    // grpc-js sends the IP as SNI; node's deprecation warning about it is not tsctl's output.
    expect(right.stderr).toBe("");

    const ctlConf = pki.dir.file(`ctl-${Date.now()}.conf`);
    fs.writeFileSync(ctlConf, `[supervisorctl]\nserverurl=${url}\ntls_ca=${pki.caA.cert}\n`);
    const fromFile = await tsctl(["-c", ctlConf, "status", "sleeper"]);
    expect(fromFile.code, fromFile.output).toBe(0);

    const wrong = await tsctl(["-s", url, "--ca", pki.caB.cert, "status"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(
      `error: ${url}: certificate verify failed (unable to verify the first certificate): the server's certificate ` +
        "is not signed by a CA tsctl trusts; give the CA that signed it with --ca FILE or [supervisorctl] tls_ca",
    );

    const systemRoots = await tsctl(["-s", url, "status"]);
    expect(systemRoots.code).toBe(1);
    expect(systemRoots.stdout).toContain(`error: ${url}: certificate verify failed (unable to verify the first certificate)`);

    const insecure = await tsctl(["-s", url, "--insecure", "status"]);
    expect(insecure.code, insecure.output).toBe(0);
    expect(insecure.stderr).toContain("tsctl: warning: --insecure: the server's certificate is not verified");

    const clear = await tsctl(["-s", url.replace("https:", "http:"), "--ca", pki.caA.cert, "status"]);
    expect(clear.code).toBe(2);
    expect(clear.stderr).toContain("--ca need an https:// serverurl");

    // The client's refusal is in the daemon's log too, without the key material.
    await (daemon as RunningDaemon).waitForLog(/inet_http_server: TLS handshake with .* failed: the client closed the connection/);
  });

  it("NODE_EXTRA_CA_CERTS through bin/tsctl: trusted on https:// (gRPC), not read at start-up, never beside --ca or grpc-js's roots file", async () => {
    const url = await startTls(`tls_cert=${pki.server.cert}\ntls_key=${pki.server.key}`);
    const missing = pki.dir.file("no-such-ca.pem");
    const nodeWarning = `Warning: Ignoring extra certs from \`${missing}\``;
    // Node 20 itself reads the variable at start-up: a plain `node -e 0` warns about a missing file...
    const bare = await runCommand([process.execPath, "-e", "0"], { env: extraCaEnv(missing) });
    expect(bare.stderr).toContain(nodeWarning);
    // ...bin/tsctl's Node does not: a command over the unix socket reads no CA file and says nothing.
    const local = await tsctlBin(["-c", (dir as TestDir).conf, "status", "sleeper"], extraCaEnv(missing));
    expect(local.code, local.output).toBe(0);
    expect(local.stderr).toBe("");

    // The CA that signed the daemon's certificate, named only by the variable, is trusted on https://.
    const trusted = await tsctlBin(["-s", url, "status"], extraCaEnv(pki.caA.cert));
    expect(trusted.code, trusted.output).toBe(0);
    expect(trusted.stdout).toMatch(/^echo\s+RUNNING/m);
    expect(trusted.stderr).toBe("");
    // Without it, the system roots alone: refused (so the trust above came from the variable).
    const without = await tsctlBin(["-s", url, "status"], extraCaEnv(undefined));
    expect(without.code).toBe(1);
    expect(without.stdout).toContain(`error: ${url}: certificate verify failed (unable to verify the first certificate)`);
    // A file that cannot be read: Node's warning, on the first TLS connection, and the roots alone.
    const unreadable = await tsctlBin(["-s", url, "status"], extraCaEnv(missing));
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain(`${nodeWarning}, load failed: ENOENT`);
    // A CA given on the command line replaces the default trust, extra certificates included (as in Node).
    const given = await tsctlBin(["-s", url, "--ca", pki.caB.cert, "status"], extraCaEnv(pki.caA.cert));
    expect(given.code).toBe(1);
    expect(given.stdout).toContain("certificate verify failed");
    // grpc-js trusts GRPC_DEFAULT_SSL_ROOTS_FILE_PATH alone when it is set, as before the deferral.
    const grpcRoots = await tsctlBin(["-s", url, "status"], { ...extraCaEnv(pki.caA.cert), GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: pki.caB.cert });
    expect(grpcRoots.code).toBe(1);
    expect(grpcRoots.stdout).toContain("certificate verify failed");
  });

  it.skipIf(!HAVE_SUPERVISORD)("NODE_EXTRA_CA_CERTS through bin/tsctl on the XML-RPC path: a real supervisord behind a TLS terminator", async () => {
    const port = await freePort();
    const sd: Server = await startServer("supervisord", `[inet_http_server]\nport=127.0.0.1:${port}\n\n${PROGRAMS}`);
    const front = await tlsTerminator(pki.server, port);
    try {
      const env = extraCaEnv(pki.caA.cert);
      await waitFor("supervisord to run its programs", async () => /^sleeper\s+RUNNING/m.test((await tsctlBin(["-s", front.url, "status"], env)).stdout), 20_000, 200);
      const without = await tsctlBin(["-s", front.url, "status"], extraCaEnv(undefined));
      expect(without.code).toBe(1);
      expect(without.stdout).toContain("certificate verify failed");
    } finally {
      await front.close();
      await sd.stop();
    }
  });

  it("the web UI and /metrics are behind the same TLS (XML-RPC: the Python test); ALPN gives h2 only to clients offering h2 alone; children get the unix socket", async () => {
    // Children get the unix socket in SUPERVISOR_SERVER_URL: their clients (supervisor.childutils) speak no TLS.
    const env = `[program:env]\ncommand=/bin/sh -c 'echo "$SUPERVISOR_SERVER_URL" > %(here)s/url.txt; exec sleep 1000'\nstartsecs=0\n`;
    const url = await startTls(`tls_cert=${pki.server.cert}\ntls_key=${pki.server.key}\n\n${env}`);
    const urlFile = (dir as TestDir).file("url.txt");
    const childUrl = await waitFor("the child to write SUPERVISOR_SERVER_URL", () => fs.existsSync(urlFile) && fs.readFileSync(urlFile, "utf8").trim());
    expect(childUrl).toBe(`unix://${(dir as TestDir).socket}`);
    const ca = fs.readFileSync(pki.caA.cert);
    const get = (path: string): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        https
          .get(`${url}${path}`, { ca, agent: false, ALPNProtocols: ["h2", "http/1.1"] } as https.RequestOptions, (res) => {
            let body = "";
            res.setEncoding("utf8").on("data", (d: string) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          })
          .on("error", reject);
      });
    const metrics = await get("/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('tsupervisord_info{version="4.2.5"');
    const web = await get("/");
    expect(web.status).toBe(200);
    expect(web.body).toContain("tsupervisord");

    const alpn = (offer: string[]): Promise<string | false> =>
      new Promise((resolve, reject) => {
        const s = tls.connect({ host: "127.0.0.1", port: Number(new URL(url).port), ca, ALPNProtocols: offer }, () => {
          resolve(s.alpnProtocol ?? false);
          s.destroy();
        });
        s.once("error", reject);
      });
    expect(await alpn(["h2", "http/1.1"])).toBe("http/1.1");
    expect(await alpn(["h2"])).toBe("h2");
  });

  it.skipIf(!HAVE_PYTHON)("Python's ssl verifies it (xmlrpc.client over https); supervisorctl itself speaks only http and unix", async () => {
    const url = await startTls(`tls_cert=${pki.server.cert}\ntls_key=${pki.server.key}`);
    const script =
      "import ssl, sys, xmlrpc.client\n" +
      "def proxy(ca): return xmlrpc.client.ServerProxy(sys.argv[1] + '/RPC2', context=ssl.create_default_context(cafile=ca))\n" +
      "print(proxy(sys.argv[2]).supervisor.getProcessInfo('echo')['statename'])\n" +
      "try:\n    proxy(sys.argv[3]).supervisor.getState()\nexcept ssl.SSLCertVerificationError as e:\n    print('refused:', e.verify_message)\n";
    const py = await runCommand(["python3", "-c", script, url, pki.caA.cert, pki.caB.cert]);
    expect(py.code, py.output).toBe(0);
    expect(py.stdout).toBe("RUNNING\nrefused: unable to get local issuer certificate\n");

    if (HAVE_SUPERVISORCTL) {
      // supervisor/xmlrpc.py's SupervisorTransport knows http:// and unix:// only (checked: 4.2.5).
      const sctl = await runCommand([SUPERVISORCTL, "-s", url, "status"], { env: { ...process.env, SSL_CERT_FILE: pki.caA.cert } });
      expect(sctl.output).toContain(`Unknown protocol for serverurl ${url}`);
    }
  });

  it("mTLS: no client certificate and one from another CA are refused with words", async () => {
    const url = await startTls(`tls_cert=${pki.server.cert}\ntls_key=${pki.server.key}\ntls_client_ca=${pki.caA.cert}`);

    const none = await tsctl(["-s", url, "--ca", pki.caA.cert, "status"]);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain(
      `error: ${url}: the server requires a client certificate (mTLS) and refused the connection without one ` +
        "(tlsv13 alert certificate required alert number 116); give one with --cert FILE --key FILE",
    );

    const other = await tsctl(["-s", url, "--ca", pki.caA.cert, "--cert", pki.clientB.cert, "--key", pki.clientB.key, "status"]);
    expect(other.code).toBe(1);
    expect(other.stdout).toContain(`error: ${url}: the server closed the connection right after the TLS handshake: it refused our client certificate`);

    const good = await tsctl(["-s", url, "--ca", pki.caA.cert, "--cert", pki.client.cert, "--key", pki.client.key, "status"]);
    expect(good.code, good.output).toBe(0);
    expect(good.stdout).toMatch(/^sleeper\s+RUNNING/m);

    const halfCert = await tsctl(["-s", url, "--ca", pki.caA.cert, "--cert", pki.client.cert, "status"]);
    expect(halfCert.stdout).toContain("a client certificate needs both --cert and --key");

    await (daemon as RunningDaemon).waitForLog(/TLS handshake with 127\.0\.0\.1:\d+ failed: peer did not return a certificate/);
    await (daemon as RunningDaemon).waitForLog(/TLS client certificate from .* refused: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  });

  it("an expired server certificate is named as such", async () => {
    // The daemon refuses to serve one, so a bare TLS server shows it to the clients.
    const server = https.createServer({ cert: fs.readFileSync(pki.expired.cert), key: fs.readFileSync(pki.expired.key) }, (_req, res) => res.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const r = await tsctl(["-s", url, "--ca", pki.caA.cert, "status"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`error: ${url}: certificate verify failed (certificate has expired): the server's certificate has expired`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it.skipIf(!HAVE_SUPERVISORD)("tsctl's XML-RPC path over https: a real supervisord behind a TLS terminator, with mTLS", async () => {
    const port = await freePort();
    const sd: Server = await startServer("supervisord", `[inet_http_server]\nport=127.0.0.1:${port}\n\n${PROGRAMS}`);
    const front = await tlsTerminator(pki.server, port, pki.caA.cert);
    try {
      const withCert = ["-s", front.url, "--ca", pki.caA.cert, "--cert", pki.client.cert, "--key", pki.client.key];
      // gRPC finds HTTP/1.1 behind the TLS, tsctl goes on over XML-RPC with the same CA and client certificate.
      await waitFor("supervisord to run its programs", async () => /^sleeper\s+RUNNING/m.test((await tsctl([...withCert, "status"])).stdout), 20_000, 200);
      const tail = await tsctl([...withCert, "tail", "echo"]);
      expect(tail.code, tail.output).toBe(0);
      expect(tail.stdout).toMatch(/^ready\n/);
      const stop = await tsctl([...withCert, "stop", "sleeper"]);
      expect(stop.stdout).toBe("sleeper: stopped\n");
      const none = await tsctl(["-s", front.url, "--ca", pki.caA.cert, "status"]);
      expect(none.code).toBe(1);
      expect(none.stdout).toContain("the server requires a client certificate (mTLS)");
    } finally {
      await front.close();
      await sd.stop();
    }
  });

  it("SIGUSR2 swaps the certificate for new connections; an open tail -f and Watch stream stay; a bad one is kept out", async () => {
    const stamp = Date.now();
    const live = { cert: pki.dir.file(`live-${stamp}.pem`), key: pki.dir.file(`live-${stamp}.key`) };
    const install = (files: CertFiles): void => {
      fs.copyFileSync(files.cert, live.cert);
      fs.copyFileSync(files.key, live.key);
    };
    install(pki.server);
    const url = await startTls(`tls_cert=${live.cert}\ntls_key=${live.key}`);
    const d = daemon as RunningDaemon;
    expect(await servedSerial(url)).toBe("51");

    // Opened before the reload, over TLS: tsctl tail -f (real binary) and a Watch stream.
    const tail = spawn(process.execPath, [TSCTL, "-s", url, "--ca", pki.caA.cert, "tail", "-f", "echo"], { stdio: ["ignore", "pipe", "pipe"] });
    let tailed = "";
    tail.stdout.setEncoding("utf8").on("data", (s: string) => (tailed += s));
    const tailEnded = new Promise((resolve) => tail.once("exit", resolve));
    const watcher = d.client(url, { tls: { ca: fs.readFileSync(pki.caA.cert) } });
    const abort = new AbortController();
    const watch = watcher.watch({}, { signal: abort.signal })[Symbol.asyncIterator]();
    try {
      expect((await watch.next()).value?.event?.$case).toBe("snapshot");
      await waitFor("tail -f to show the echo program's first line", () => tailed.includes("ready"));

      install(pki.server2);
      await sigusr2AndWaitFor(d, /inet_http_server: TLS certificate reloaded from .* \(serial 52, valid until /);
      expect(await servedSerial(url)).toBe("52");
      const fresh = await tsctl(["-s", url, "--ca", pki.caA.cert, "status", "echo"]);
      expect(fresh.code, fresh.output).toBe(0);

      // The streams opened under the old certificate are still there.
      const local = d.client();
      await local.sendProcessStdin({ name: "echo", data: Buffer.from("after-reload\n") });
      await waitFor("tail -f to show output written after the reload", () => tailed.includes("got after-reload"));
      await local.stopProcess({ name: "sleeper", wait: true });
      for (;;) {
        const next = await watch.next();
        expect(next.done).toBe(false);
        const e = next.value?.event;
        if (e?.$case === "processStateChanged" && e.processStateChanged.process?.name === "sleeper" && e.processStateChanged.process.statename === "STOPPED") break;
      }

      // A bad certificate on disk: logged, and the last good one stays in service.
      install(pki.expired);
      await sigusr2AndWaitFor(d, /inet_http_server: TLS reload failed, still serving the previous certificate: \[inet_http_server\] tls_cert: the certificate in .* expired on 2020-01-02/);
      expect(await servedSerial(url)).toBe("52");
      fs.writeFileSync(live.key, "not a key\n");
      install({ cert: pki.server.cert, key: live.key });
      await sigusr2AndWaitFor(d, /TLS reload failed, still serving the previous certificate: \[inet_http_server\] tls_key: tls_key file .* holds no usable PEM private key/);
      expect(await servedSerial(url)).toBe("52");

      // A certificate for another name: tsctl says hostname mismatch.
      install(pki.otherHost);
      await sigusr2AndWaitFor(d, /TLS certificate reloaded from .* \(serial 53,/);
      const mismatch = await tsctl(["-s", url, "--ca", pki.caA.cert, "status"]);
      expect(mismatch.code).toBe(1);
      expect(mismatch.stdout).toContain(`error: ${url}: certificate verify failed: hostname mismatch, the server's certificate is not for this host`);
      expect(tail.exitCode).toBe(null);
    } finally {
      abort.abort();
      tail.kill("SIGINT");
      await tailEnded;
    }
  });
});
