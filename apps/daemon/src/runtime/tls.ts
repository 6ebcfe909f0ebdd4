import type { TLSSocket, TlsOptions } from "node:tls";
import { loadTlsMaterial, TlsMaterialError, type InetHttpServerConfig, type InetTlsFiles, type TlsMaterial } from "@tsupervisord/config";
import { ListenerError } from "../listeners/errors.js";

/** The environment variables that turned TLS on before the config could (issue 19 keeps them working). */
export const TLS_CERT_ENV = "TSUPERVISORD_TLS_CERT";
export const TLS_KEY_ENV = "TSUPERVISORD_TLS_KEY";

/** Where a listener's TLS files came from: its `[inet_http_server]` keys, or the environment. */
export interface ListenerTlsFiles {
  files: InetTlsFiles;
  source: "config" | "environment";
}

/**
 * TLS for one TCP listener. `[inet_http_server] tls_cert`/`tls_key`/`tls_client_ca` win (issue 19, checked when
 * the config is read); without them TSUPERVISORD_TLS_CERT and TSUPERVISORD_TLS_KEY (PEM files) still turn TLS on
 * for every TCP listener, as before. Neither: plain TCP, as supervisord.
 */
export function tlsFilesFor(server: InetHttpServerConfig, env: NodeJS.ProcessEnv = process.env): ListenerTlsFiles | undefined {
  if (server.tls !== undefined) return { files: server.tls, source: "config" };
  const cert = env[TLS_CERT_ENV];
  const key = env[TLS_KEY_ENV];
  if (cert === undefined || key === undefined || cert === "" || key === "") return undefined;
  return { files: { cert, key, clientCa: null }, source: "environment" };
}

/** Reads and checks the files now; a problem is a ListenerError naming the section (or variable) and option. */
export function loadListenerTls(section: string, tls: ListenerTlsFiles): TlsMaterial {
  try {
    return loadTlsMaterial(tls.files);
  } catch (err) {
    if (!(err instanceof TlsMaterialError)) throw err;
    const where = tls.source === "config" ? `[${section}] ${err.option}` : err.option === "tls_key" ? TLS_KEY_ENV : TLS_CERT_ENV;
    throw new ListenerError(`${where}: ${err.message}`);
  }
}

/** The tls.Server options: with a client CA, every client must present a certificate it signed (mTLS). */
export function tlsServerOptions(material: TlsMaterial): TlsOptions {
  if (material.clientCa === null) return { cert: material.cert, key: material.key };
  return { cert: material.cert, key: material.key, ca: material.clientCa, requestCert: true, rejectUnauthorized: true };
}

/** Only the secure-context part (what `setSecureContext` takes on a reload). */
export function secureContextOptions(material: TlsMaterial): TlsOptions {
  return material.clientCa === null
    ? { cert: material.cert, key: material.key }
    : { cert: material.cert, key: material.key, ca: material.clientCa };
}

/**
 * The log line for a failed handshake: OpenSSL's short reason (not its file:line trail). A client that does not
 * trust our certificate just hangs up, and by then its address is gone from the socket.
 */
export function describeHandshakeFailure(err: Error & { code?: string; reason?: string }, socket: TLSSocket): string {
  const peer = socket.remoteAddress === undefined ? "a client" : `${socket.remoteAddress}:${socket.remotePort ?? "?"}`;
  // mTLS: node checks the client's certificate after the handshake and closes without an alert; the socket
  // keeps why (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED…).
  const refused = (socket as TLSSocket & { authorizationError?: string | Error | null }).authorizationError;
  if (refused !== undefined && refused !== null) {
    return `TLS client certificate from ${peer} refused: ${refused instanceof Error ? refused.message : refused}`;
  }
  if (err.code === "ECONNRESET") {
    return `TLS handshake with ${peer} failed: the client closed the connection (a client that does not trust this certificate does)`;
  }
  return `TLS handshake with ${peer} failed: ${err.reason ?? err.message.split("\n")[0] ?? err.message}${err.code === undefined ? "" : ` (${err.code})`}`;
}
