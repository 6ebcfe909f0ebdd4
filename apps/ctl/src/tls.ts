/**
 * issue 19: how tsctl talks TLS. An `https://` serverurl turns it on; the server's certificate is verified
 * against `--ca FILE` / `[supervisorctl] tls_ca` (default: the system roots) and the URL's host, unless
 * `--insecure` says otherwise out loud. `--cert/--key` (or `tls_cert`/`tls_key`) present a client certificate
 * to a server with `tls_client_ca` (mTLS). Shared by the gRPC and XML-RPC backends; imports nothing heavy.
 */
import fs from "node:fs";
import { defaultCaWithExtra } from "./extra-ca.js";

/** The TLS settings of one target, as paths (read when connecting, so the error names the file). */
export interface CtlTls {
  ca: string | null;
  cert: string | null;
  key: string | null;
  /** `--insecure`: neither the chain nor the host name is checked (tsctl warns on stderr). */
  insecure: boolean;
}

export const NO_TLS: Readonly<CtlTls> = { ca: null, cert: null, key: null, insecure: false };

/** The PEM bytes, read now. */
export interface CtlTlsMaterial {
  ca: Buffer | undefined;
  cert: Buffer | undefined;
  key: Buffer | undefined;
  insecure: boolean;
}

export function isHttpsUrl(serverurl: string): boolean {
  return /^https:\/\//i.test(serverurl);
}

/** The warning `--insecure` prints on stderr, once per run. */
export const INSECURE_WARNING =
  "tsctl: warning: --insecure: the server's certificate is not verified; anyone on the path can read and change this session";

function readPem(what: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (code ?? String(err));
    throw new Error(`cannot read the ${what} file ${file}: ${why}`);
  }
}

/**
 * The client library that makes the connection, for the trust it falls back on without a CA: grpc-js trusts
 * GRPC_DEFAULT_SSL_ROOTS_FILE_PATH alone when that is set, node:https and node:tls Node's default store.
 */
export type TlsClientLibrary = "grpc-js" | "node";

/** Reads the files; throws an Error naming the file that could not be read. */
export function loadCtlTls(tls: CtlTls, library: TlsClientLibrary = "node"): CtlTlsMaterial {
  if ((tls.cert === null) !== (tls.key === null)) {
    throw new Error(`a client certificate needs both --cert and --key (or tls_cert and tls_key in [supervisorctl])`);
  }
  return {
    ca: tls.ca !== null ? readPem("CA (--ca / tls_ca)", tls.ca) : defaultTrust(library),
    cert: tls.cert === null ? undefined : readPem("client certificate (--cert / tls_cert)", tls.cert),
    key: tls.key === null ? undefined : readPem("client key (--key / tls_key)", tls.key),
    insecure: tls.insecure,
  };
}

/**
 * No CA given: grpc-js's own roots file when it has one (left to grpc-js, as before), else Node's default store
 * with NODE_EXTRA_CA_CERTS if bin/tsctl kept it from Node (extra-ca.ts).
 */
function defaultTrust(library: TlsClientLibrary): Buffer | undefined {
  if (library === "grpc-js" && process.env["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"]) return undefined;
  return defaultCaWithExtra();
}

const HOW_TO_TRUST = "give the CA that signed it with --ca FILE or [supervisorctl] tls_ca";
const HOW_TO_PRESENT = "give one with --cert FILE --key FILE or [supervisorctl] tls_cert/tls_key";

/** Node's or OpenSSL's own words, without grpc-js's wrapping ("No connection established. Last error: …"). */
function reasonOf(text: string): string {
  let t = text;
  const last = t.lastIndexOf("Last error: ");
  if (last >= 0) t = t.slice(last + "Last error: ".length);
  t = t.replace(/\s*\(\d{4}-\d\d-\d\dT[^)]*\)/g, "").replace(/\.?\s*Resolution note:.*$/s, "");
  t = t.replace(/^(Error: )+/, "").replace(/^[^ ]*:error:[0-9A-F]+:SSL routines:[^:]*:/, "");
  return t.replace(/:\.\.\/deps\/openssl\S*/, "").trim();
}

/**
 * One clear sentence for a TLS failure seen by either client (node's error code or OpenSSL's text, as grpc-js
 * passes it on in its status details), or null when `text` is not about TLS.
 */
export function describeTlsFailure(text: string, code = ""): string | null {
  const t = `${code} ${text}`.toLowerCase();
  const has = (...needles: string[]): boolean => needles.some((n) => t.includes(n.toLowerCase()));
  const reason = reasonOf(text);
  if (has("CERT_HAS_EXPIRED", "certificate has expired")) {
    return `certificate verify failed (${reason}): the server's certificate has expired`;
  }
  if (has("CERT_NOT_YET_VALID", "certificate is not yet valid")) {
    return `certificate verify failed (${reason}): the server's certificate is not valid yet`;
  }
  if (has("ERR_TLS_CERT_ALTNAME_INVALID", "does not match certificate's altnames", "hostname/ip does not match")) {
    return `certificate verify failed: hostname mismatch, the server's certificate is not for this host (${reason})`;
  }
  if (
    has(
      "self-signed certificate",
      "self signed certificate",
      "unable to verify the first certificate",
      "unable to get local issuer certificate",
      "unable to get issuer certificate",
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
      "certificate signature failure",
    )
  ) {
    return `certificate verify failed (${reason}): the server's certificate is not signed by a CA tsctl trusts; ${HOW_TO_TRUST}`;
  }
  if (has("alert certificate required", "peer did not return a certificate", "alert handshake failure")) {
    return `the server requires a client certificate (mTLS) and refused the connection without one (${reason}); ${HOW_TO_PRESENT}`;
  }
  if (has("alert unknown ca", "alert bad certificate", "alert certificate unknown")) {
    return `the server refused our client certificate (${reason}): it is not signed by the CA the server trusts (its tls_client_ca)`;
  }
  if (has("alert certificate expired")) return `the server refused our client certificate (${reason}): it has expired`;
  if (has("wrong version number", "packet length too long", "unknown protocol")) {
    return `the server does not speak TLS here (${reason}); use an http:// serverurl`;
  }
  return null;
}

/**
 * grpc-js sets the TLS ServerName (SNI) to the host even when it is an IP address, which node flags with a
 * deprecation warning (DEP0123) on stderr of every `tsctl -s https://127.0.0.1:…` run. Only that warning is
 * dropped; every other warning is printed as before.
 */
export function dropIpServernameWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === "object" && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
    if (code === "DEP0123") return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

const CLIENT_CERT_REFUSED =
  "the server closed the connection right after the TLS handshake: it refused our client certificate (is it signed by the CA in the server's tls_client_ca, and still valid?)";

/** How long the diagnostic handshake may take (it runs only after a connection already failed). */
const PROBE_TIMEOUT_MS = 3000;

/**
 * grpc-js reports some refused handshakes only as "Failed to connect" (a server rejecting our client certificate
 * after a TLS 1.3 handshake, for one). After such a failure tsctl does one plain TLS handshake with the same
 * settings to name the cause: the verification error, or the alert the server sends. Null when it succeeds
 * (the failure was not TLS's) or says nothing within the probe's time.
 */
export async function probeTlsFailure(
  host: string,
  port: number,
  m: CtlTlsMaterial,
  protocol: "h2" | "http/1.1",
): Promise<string | null> {
  const tls = await import("node:tls");
  const net = await import("node:net");
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const socket = tls.connect({
      host,
      port,
      ALPNProtocols: [protocol],
      ...(net.isIP(host) === 0 ? { servername: host } : {}),
      ...(m.ca === undefined ? {} : { ca: m.ca }),
      ...(m.cert === undefined ? {} : { cert: m.cert }),
      ...(m.key === undefined ? {} : { key: m.key }),
      ...(m.insecure ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {}),
    });
    // TLS 1.3: the server judges our certificate after our Finished, so its alert arrives after secureConnect.
    // Send a first request so the server reads (and answers or refuses) instead of waiting for us.
    let secure = false;
    socket.once("secureConnect", () => {
      secure = true;
      socket.write(protocol === "h2" ? "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" : `HEAD / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    });
    socket.on("data", () => finish(null));
    socket.once("error", (err: NodeJS.ErrnoException) => finish(describeTlsFailure(err.message, err.code)));
    // A node server checks a client certificate after the handshake and just closes when it refuses it.
    socket.once("close", () => finish(secure && m.cert !== undefined ? CLIENT_CERT_REFUSED : null));
    const timer = setTimeout(() => finish(null), PROBE_TIMEOUT_MS);
    timer.unref();
  });
}
