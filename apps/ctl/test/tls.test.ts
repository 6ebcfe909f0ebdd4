/**
 * issue 19: tsctl's TLS options (command line > [supervisorctl]) and the words it finds for TLS failures, from
 * the texts node and grpc-js really produce (recorded from test/daemon/tls-config.test.ts runs).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSearchPaths as searchPaths } from "@tsupervisord/config/ctl";
import { parseCommandLine, type ParseOutcome } from "../src/options.js";
import { defaultCaWithExtra, restoreDeferredExtraCa } from "../src/extra-ca.js";
import { describeTlsFailure, loadCtlTls } from "../src/tls.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsctl-tls-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function parse(argv: string[]): ParseOutcome {
  const argv0 = join(dir, "bin", "tsctl");
  return parseCommandLine(argv, { argv0, cwd: dir, vars: {}, searchPaths: searchPaths(argv0).filter((p) => !p.startsWith("/etc/")) });
}

describe("tsctl TLS options", () => {
  it("--ca/--cert/--key/--insecure win over [supervisorctl] tls_ca/tls_cert/tls_key", () => {
    const conf = join(dir, "ctl.conf");
    writeFileSync(conf, "[supervisorctl]\nserverurl=https://127.0.0.1:9001\ntls_ca=%(here)s/ca.pem\ntls_cert=%(here)s/c.pem\ntls_key=%(here)s/c.key\n");
    const fromFile = parse(["-c", conf, "status"]);
    expect(fromFile.kind === "run" && fromFile.options.tls).toEqual({ ca: join(dir, "ca.pem"), cert: join(dir, "c.pem"), key: join(dir, "c.key"), insecure: false });
    const given = parse(["-c", conf, "--ca", "/x/ca.pem", "--insecure", "status"]);
    expect(given.kind === "run" && given.options.tls).toEqual({ ca: "/x/ca.pem", cert: join(dir, "c.pem"), key: join(dir, "c.key"), insecure: true });
  });

  it("refuses TLS flags with a serverurl that is not https:// (they would go out in clear text)", () => {
    expect(parse(["-s", "http://127.0.0.1:9001", "--ca", "ca.pem", "--insecure", "status"])).toEqual({
      kind: "usage",
      message: "--ca, --insecure need an https:// serverurl, not 'http://127.0.0.1:9001'",
    });
    expect(parse(["-s", "https://127.0.0.1:9001", "--ca", "ca.pem", "status"]).kind).toBe("run");
  });

  it("without TLS flags nothing changes", () => {
    const r = parse(["-s", "unix:///tmp/x.sock", "status"]);
    expect(r.kind === "run" && r.options.tls).toEqual({ ca: null, cert: null, key: null, insecure: false });
  });

  it("reading the files names the one that fails, and wants both --cert and --key", () => {
    expect(() => loadCtlTls({ ca: join(dir, "nope.pem"), cert: null, key: null, insecure: false })).toThrow(
      `cannot read the CA (--ca / tls_ca) file ${join(dir, "nope.pem")}: no such file`,
    );
    expect(() => loadCtlTls({ ca: null, cert: "c.pem", key: null, insecure: false })).toThrow("a client certificate needs both --cert and --key");
  });
});

describe("describeTlsFailure", () => {
  const grpc = (reason: string): string =>
    `https://127.0.0.1:1: No connection established. Last error: Error: ${reason} (2026-12-05T07:11:31.982Z). Resolution note: `;
  it.each([
    [grpc("unable to verify the first certificate"), "certificate verify failed (unable to verify the first certificate): the server's certificate is not signed by a CA tsctl trusts; give the CA that signed it with --ca FILE or [supervisorctl] tls_ca"],
    [grpc("self-signed certificate in certificate chain"), "certificate verify failed (self-signed certificate in certificate chain): the server's certificate is not signed by a CA tsctl trusts; give the CA that signed it with --ca FILE or [supervisorctl] tls_ca"],
    [grpc("certificate has expired"), "certificate verify failed (certificate has expired): the server's certificate has expired"],
    [
      grpc("Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: "),
      "certificate verify failed: hostname mismatch, the server's certificate is not for this host (Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list:)",
    ],
    [
      grpc("80CC2A21E87F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1605:SSL alert number 116"),
      "the server requires a client certificate (mTLS) and refused the connection without one (tlsv13 alert certificate required alert number 116); give one with --cert FILE --key FILE or [supervisorctl] tls_cert/tls_key",
    ],
    [grpc("80CC2A21E87F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:"), "the server does not speak TLS here (wrong version number); use an http:// serverurl"],
  ])("%s", (text, words) => {
    expect(describeTlsFailure(text)).toBe(words);
  });

  it("knows node's error codes without the text", () => {
    expect(describeTlsFailure("certificate has expired", "CERT_HAS_EXPIRED")).toBe(
      "certificate verify failed (certificate has expired): the server's certificate has expired",
    );
  });

  it("is null for what is not about TLS", () => {
    expect(describeTlsFailure(grpc("connect ECONNREFUSED 127.0.0.1:1"))).toBeNull();
    expect(describeTlsFailure("socket hang up", "ECONNRESET")).toBeNull();
  });
});

describe("NODE_EXTRA_CA_CERTS kept from Node's start-up by bin/tsctl (issue 20)", () => {
  it("is put back into the environment; an empty or overridden one is not", () => {
    const deferred = { TSCTL_DEFERRED_EXTRA_CA_CERTS: "/etc/extra.pem", PATH: "/bin" };
    expect(restoreDeferredExtraCa(deferred)).toBe("/etc/extra.pem");
    expect(deferred).toEqual({ NODE_EXTRA_CA_CERTS: "/etc/extra.pem", PATH: "/bin" });

    const empty: NodeJS.ProcessEnv = { TSCTL_DEFERRED_EXTRA_CA_CERTS: "" };
    expect(restoreDeferredExtraCa(empty)).toBe(null);
    expect(empty).toEqual({});

    const both: NodeJS.ProcessEnv = { TSCTL_DEFERRED_EXTRA_CA_CERTS: "/a.pem", NODE_EXTRA_CA_CERTS: "/b.pem" };
    expect(restoreDeferredExtraCa(both)).toBe(null);
    expect(both).toEqual({ NODE_EXTRA_CA_CERTS: "/b.pem" });

    const none: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: "/b.pem" };
    expect(restoreDeferredExtraCa(none)).toBe(null);
    expect(none).toEqual({ NODE_EXTRA_CA_CERTS: "/b.pem" });
  });

  it("without a deferral, the default trust is Node's own (no CA passed)", () => {
    expect(defaultCaWithExtra()).toBe(undefined);
    expect(loadCtlTls({ ca: null, cert: null, key: null, insecure: false }).ca).toBe(undefined);
  });
});
