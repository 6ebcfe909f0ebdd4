/**
 * issue 19: `[inet_http_server] tls_cert / tls_key / tls_client_ca` and `[supervisorctl] tls_ca / tls_cert /
 * tls_key`. Real PEM files from the openssl CLI; every refusal names its file, line and option. (An expired
 * certificate needs `openssl ca` dates: test/daemon/tls-config.test.ts checks that one end to end.)
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXTENSION_KEYS, loadTlsMaterial, readCtlConfig } from "../src/index.js";
import { BASE, issuesOf, read, tempDir, testOptions, writeTree } from "./helpers.js";

const HAVE_OPENSSL = spawnSync("openssl", ["version"]).status === 0;

let pem: Record<"cert" | "key" | "otherCert" | "otherKey", string>;

beforeAll(() => {
  if (!HAVE_OPENSSL) return;
  const dir = tempDir();
  const make = (name: string): void => {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", `/CN=${name}`, "-keyout", path.join(dir, `${name}.key`), "-out", path.join(dir, `${name}.pem`),
    ], { stdio: "ignore" });
  };
  make("one");
  make("two");
  const text = (name: string): string => readFileSync(path.join(dir, name), "utf8");
  pem = { cert: text("one.pem"), key: text("one.key"), otherCert: text("two.pem"), otherKey: text("two.key") };
});

const SERVER = "[inet_http_server]\nport=127.0.0.1:9001\n";

describe.skipIf(!HAVE_OPENSSL)("issue 19: [inet_http_server] TLS keys", () => {
  it("reads the files (relative to cwd, %(here)s expanded) and checks them", () => {
    const config = read(`${BASE}${SERVER}tls_cert=%(here)s/c.pem\ntls_key=%(here)s/k.pem\ntls_client_ca=%(here)s/c.pem\n`, {}, {
      "c.pem": pem.cert,
      "k.pem": pem.key,
    });
    const tls = config.inetHttpServers[0]?.tls;
    expect(tls).toEqual({ cert: path.join(config.here, "c.pem"), key: path.join(config.here, "k.pem"), clientCa: path.join(config.here, "c.pem") });
    const material = loadTlsMaterial(tls ?? { cert: "", key: "", clientCa: null });
    expect(material.clientCa?.toString()).toBe(pem.cert);
    expect(config.extensionKeys?.map((k) => k.key)).toEqual(["tls_cert", "tls_key", "tls_client_ca"]);
  });

  it("without the keys nothing changes (the environment may still turn TLS on)", () => {
    expect(read(`${BASE}${SERVER}`).inetHttpServers[0]).not.toHaveProperty("tls");
  });

  it.each([
    ["a missing file", "tls_cert=%(here)s/nope.pem\ntls_key=%(here)s/k.pem\n", "tls_cert", /^tls_cert file .*nope\.pem does not exist$/],
    ["a key of another certificate", "tls_cert=%(here)s/c.pem\ntls_key=%(here)s/other.key\n", "tls_key", /^tls_key file .*other\.key does not match the certificate in .*c\.pem \(subject CN=one\)$/],
    ["a key file that is not a key", "tls_cert=%(here)s/c.pem\ntls_key=%(here)s/c.pem\n", "tls_key", /^tls_key file .*c\.pem holds no usable PEM private key/],
    ["a certificate file that is not one", "tls_cert=%(here)s/k.pem\ntls_key=%(here)s/k.pem\n", "tls_cert", /^tls_cert file .*k\.pem holds no PEM certificate$/],
    ["a client CA that is not PEM", "tls_cert=%(here)s/c.pem\ntls_key=%(here)s/k.pem\ntls_client_ca=%(here)s/k.pem\n", "tls_client_ca", /^tls_client_ca file .*k\.pem holds no PEM certificate$/],
    ["a directory", "tls_cert=%(here)s\ntls_key=%(here)s/k.pem\n", "tls_cert", /^tls_cert .* is not a regular file$/],
    ["a key without a certificate", "tls_key=%(here)s/k.pem\n", "tls_key", /sets tls_key without tls_cert: TLS needs both/],
    ["a client CA without TLS", "tls_client_ca=%(here)s/c.pem\n", "tls_client_ca", /tls_client_ca needs tls_cert and tls_key/],
  ])("refuses %s with file, line and option", (_what, lines, option, message) => {
    const { issues, dir } = issuesOf(`${BASE}${SERVER}${lines}`, {}, { "c.pem": pem.cert, "k.pem": pem.key, "other.key": pem.otherKey });
    expect(issues).toHaveLength(1);
    const text = readFileSync(path.join(dir, "supervisord.conf"), "utf8").split("\n");
    expect(issues[0]).toMatchObject({
      section: "inet_http_server",
      option,
      file: path.join(dir, "supervisord.conf"),
      line: text.findIndex((l) => l.startsWith(`${option}=`)) + 1,
    });
    expect(issues[0]?.message).toMatch(message);
  });

  it("never puts key material in a message", () => {
    const { issues } = issuesOf(`${BASE}${SERVER}tls_cert=%(here)s/c.pem\ntls_key=%(here)s/other.key\n`, {}, { "c.pem": pem.cert, "other.key": pem.otherKey });
    expect(JSON.stringify(issues)).not.toContain("PRIVATE KEY");
  });
});

describe("issue 19: [supervisorctl] tls_ca / tls_cert / tls_key", () => {
  it("are paths (%(here)s expanded), absent when not set", () => {
    const dir = writeTree({
      "a.conf": "[supervisorctl]\nserverurl=https://127.0.0.1:9001\ntls_ca=%(here)s/ca.pem\ntls_cert=client.pem\ntls_key=~/client.key\n",
      "b.conf": "[supervisorctl]\nserverurl=https://127.0.0.1:9001\n",
    });
    const a = readCtlConfig(path.join(dir, "a.conf"), testOptions({ cwd: "/srv" }));
    expect(a).toMatchObject({ tlsCa: path.join(dir, "ca.pem"), tlsCert: "/srv/client.pem", tlsKey: "/root/client.key" });
    const b = readCtlConfig(path.join(dir, "b.conf"), testOptions());
    expect(b).not.toHaveProperty("tlsCa");
  });
});

it("every TLS key is registered in the extension-key table", () => {
  const rows = EXTENSION_KEYS.map((k) => `${k.section}.${k.key}`);
  for (const key of ["inet_http_server.tls_cert", "inet_http_server.tls_key", "inet_http_server.tls_client_ca", "supervisorctl.tls_ca", "supervisorctl.tls_cert", "supervisorctl.tls_key"]) {
    expect(rows).toContain(key);
  }
});
