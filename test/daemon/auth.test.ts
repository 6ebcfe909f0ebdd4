import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { isConnectionError } from "@tsupervisord/protocol";
import { startDaemon, TestDir, waitFor, type RunningDaemon } from "./lib/daemon.js";
import { freePort } from "./lib/ports.js";

let dir: TestDir | null = null;
let daemon: RunningDaemon | null = null;

afterEach(async () => {
  await daemon?.stop();
  dir?.cleanup();
  dir = null;
  daemon = null;
});

async function startWithTcp(password: string, env?: NodeJS.ProcessEnv, existing?: TestDir): Promise<{ url: string; daemon: RunningDaemon }> {
  dir = existing ?? new TestDir();
  const port = await freePort();
  dir.writeConfig(
    `[inet_http_server]\nport=127.0.0.1:${port}\nusername=alice\npassword=${password}\n\n` +
      "[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n",
  );
  daemon = await startDaemon(dir, [], env === undefined ? {} : { env });
  return { url: `http://127.0.0.1:${port}`, daemon };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isConnectionError(err)) return err.reason;
    throw err;
  }
  throw new Error("expected the call to be refused");
}

describe("D-HTTP-05/RPC-04 credentials on the TCP listener", () => {
  it("every call needs the right username and password", async () => {
    const { url, daemon: d } = await startWithTcp("s3cret:with:colons");
    const good = d.client(url, { username: "alice", password: "s3cret:with:colons" });
    await waitFor("the TCP listener", async () => (await good.getState()).statename === "RUNNING");
    expect((await good.getAllProcessInfo()).processes.map((p) => p.name)).toEqual(["sleeper"]);

    expect(await refusal(d.client(url).getState())).toBe("unauthenticated");
    expect(await refusal(d.client(url, { username: "alice", password: "wrong" }).getState())).toBe("unauthenticated");
    expect(await refusal(d.client(url, { username: "bob", password: "s3cret:with:colons" }).stopAllProcesses({}))).toBe(
      "unauthenticated",
    );
    // Refused calls did nothing.
    expect((await good.getProcessInfo({ name: "sleeper" })).info?.statename).toBe("RUNNING");
    // Streams are checked too.
    const stream = d.client(url).watch({});
    await expect(
      (async () => {
        for await (const _ of stream) return;
      })(),
    ).rejects.toMatchObject({ reason: "unauthenticated" });
    // The password never reaches the activity log.
    expect(d.activityLog()).not.toContain("s3cret:with:colons");
  });

  it("{SHA} passwords are compared with the lower-case hex digest", async () => {
    const digest = createHash("sha1").update("hunter22").digest("hex");
    const { url, daemon: d } = await startWithTcp(`{SHA}${digest}`);
    const good = d.client(url, { username: "alice", password: "hunter22" });
    await waitFor("the TCP listener", async () => (await good.getState()).statename === "RUNNING");
    expect(await refusal(d.client(url, { username: "alice", password: digest }).getState())).toBe("unauthenticated");
  });

  it("the unix socket without credentials still serves", async () => {
    const { daemon: d } = await startWithTcp("pw-unix-test");
    expect((await d.client().getState()).statename).toBe("RUNNING");
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("TLS on the TCP listener", () => {
  it.skipIf(!hasOpenssl())("serves gRPC over TLS with the certificate from TSUPERVISORD_TLS_CERT/KEY", async () => {
    const tlsDir = new TestDir();
    const cert = tlsDir.file("cert.pem");
    const key = tlsDir.file("key.pem");
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert,
    ], { stdio: "ignore" });
    const env = { ...process.env, TSUPERVISORD_TLS_CERT: cert, TSUPERVISORD_TLS_KEY: key };
    const { url, daemon: d } = await startWithTcp("tls-password", env, tlsDir);
    const secure = d.client(url, { username: "alice", password: "tls-password", tls: { ca: fs.readFileSync(cert) } });
    await waitFor("the TLS listener", async () => (await secure.getState()).statename === "RUNNING");
    // Plain text to a TLS port does not get through.
    const plain = d.client(url, { username: "alice", password: "tls-password" });
    await expect(plain.getState({}, { deadline: Date.now() + 3000 })).rejects.toBeDefined();
  });
});
