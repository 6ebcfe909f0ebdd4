/**
 * issue 19: how tsctl talks TLS. An `https://` serverurl turns it on; the server's certificate is verified
 * against `--ca FILE` / `[supervisorctl] tls_ca` (default: the system roots) and the URL's host, unless
 * `--insecure` says otherwise out loud. `--cert/--key` (or `tls_cert`/`tls_key`) present a client certificate
 * to a server with `tls_client_ca` (mTLS). Shared by the gRPC and XML-RPC backends; imports nothing heavy.
 */
import fs from "node:fs";

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

/** Reads the files; throws an Error naming the file that could not be read. */
export function loadCtlTls(tls: CtlTls): CtlTlsMaterial {
  if ((tls.cert === null) !== (tls.key === null)) {
    throw new Error(`a client certificate needs both --cert and --key (or tls_cert and tls_key in [supervisorctl])`);
  }
  return {
    ca: tls.ca === null ? undefined : readPem("CA (--ca / tls_ca)", tls.ca),
    cert: tls.cert === null ? undefined : readPem("client certificate (--cert / tls_cert)", tls.cert),
    key: tls.key === null ? undefined : readPem("client key (--key / tls_key)", tls.key),
    insecure: tls.insecure,
  };
}

const HOW_TO_TRUST = "give the CA that signed it with --ca FILE or [supervisorctl] tls_ca";
const HOW_TO_PRESENT = "give one with --cert FILE --key FILE or [supervisorctl] tls_cert/tls_key";

/**
 * One clear sentence for a TLS failure seen by either client (node's error code or OpenSSL's text, as grpc-js
 * passes it on in its status details), or null when `text` is not about TLS.
 */
export function describeTlsFailure(text: string): string | null {
  const t = text.toLowerCase();
  const has = (...needles: string[]): boolean => needles.some((n) => t.includes(n.toLowerCase()));
  if (has("CERT_HAS_EXPIRED", "certificate has expired")) {
    return `certificate verify failed: the server's certificate has expired (${text.trim()})`;
  }
  if (has("CERT_NOT_YET_VALID", "certificate is not yet valid")) {
    return `certificate verify failed: the server's certificate is not valid yet (${text.trim()})`;
  }
  if (has("ERR_TLS_CERT_ALTNAME_INVALID", "does not match certificate's altnames", "hostname/ip does not match")) {
    return `certificate verify failed: hostname mismatch: the server's certificate is not for this host (${text.trim()})`;
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
    return `certificate verify failed: the server's certificate is not signed by a trusted CA (${text.trim()}); ${HOW_TO_TRUST}`;
  }
  if (has("alert certificate required", "peer did not return a certificate", "alert handshake failure")) {
    return `the server requires a client certificate (mTLS) and refused the connection without one; ${HOW_TO_PRESENT}`;
  }
  if (has("alert unknown ca", "alert bad certificate", "alert certificate unknown")) {
    return `the server refused our client certificate: it is not signed by the CA the server trusts (its tls_client_ca)`;
  }
  if (has("alert certificate expired")) return `the server refused our client certificate: it has expired`;
  if (has("wrong version number", "packet length too long", "unknown protocol")) {
    return `the server does not speak TLS here (${text.trim()}); use an http:// serverurl`;
  }
  return null;
}
