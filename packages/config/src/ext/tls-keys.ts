/**
 * issue 19: reading `[inet_http_server] tls_cert / tls_key / tls_client_ca` and `[supervisorctl] tls_ca /
 * tls_cert / tls_key` (extension keys; supervisord ignores them). The server's files are loaded and checked
 * here (ext/tls.ts), so a bad one is an error with its file, line and option at start and at `-t`.
 */
import type { SectionReader } from "../context.js";
import { normalizePath } from "../converters.js";
import type { Expansions } from "../expand.js";
import { loadTlsMaterial, TlsMaterialError, type InetTlsFiles } from "./tls.js";

function pathOption(r: SectionReader, option: string, names: Expansions): string | null {
  const raw = r.soft(option, () => r.get(option, null, names), null);
  if (raw === null || raw.trim() === "") return null;
  return normalizePath(raw.trim(), r.ctx.cwd, r.ctx.home);
}

/** The listener's TLS files, checked now; undefined without `tls_cert`/`tls_key` (problems are recorded). */
export function readInetTls(r: SectionReader, names: Expansions, now: Date = new Date()): InetTlsFiles | undefined {
  const cert = pathOption(r, "tls_cert", names);
  const key = pathOption(r, "tls_key", names);
  const clientCa = pathOption(r, "tls_client_ca", names);
  if (cert === null && key === null) {
    if (clientCa !== null) r.record("tls_client_ca", `tls_client_ca needs tls_cert and tls_key in [${r.section}]: mTLS runs over TLS`);
    return undefined;
  }
  if (cert === null || key === null) {
    r.record(cert === null ? "tls_key" : "tls_cert", `[${r.section}] sets ${cert === null ? "tls_key" : "tls_cert"} without ${cert === null ? "tls_cert" : "tls_key"}: TLS needs both`);
    return undefined;
  }
  const files: InetTlsFiles = { cert, key, clientCa };
  try {
    loadTlsMaterial(files, now);
  } catch (err) {
    if (!(err instanceof TlsMaterialError)) throw err;
    r.record(err.option, err.message);
    return undefined;
  }
  return files;
}

/**
 * tsctl's own TLS files: paths only (tsctl reads them when it connects, and says which one is wrong). Only the
 * keys the file sets, so a config without them reads exactly as before.
 */
export function readCtlTls(r: SectionReader, names: Expansions): { tlsCa?: string; tlsCert?: string; tlsKey?: string } {
  const out: { tlsCa?: string; tlsCert?: string; tlsKey?: string } = {};
  const ca = pathOption(r, "tls_ca", names);
  const cert = pathOption(r, "tls_cert", names);
  const key = pathOption(r, "tls_key", names);
  if (ca !== null) out.tlsCa = ca;
  if (cert !== null) out.tlsCert = cert;
  if (key !== null) out.tlsKey = key;
  return out;
}
