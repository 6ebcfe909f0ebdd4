/**
 * issue 19: TLS material for `[inet_http_server] tls_cert / tls_key / tls_client_ca` (extension keys).
 *
 * `loadTlsMaterial` reads and checks the PEM files the way a security reviewer wants them refused: a missing or
 * unreadable file, something that is not PEM, a key that does not belong to the certificate, a certificate that
 * has expired or is not valid yet. The config reader calls it (so `tsupervisord -t` and the start refuse a bad
 * file with its file, line and option) and the daemon calls it again on a TLS reload (files replaced on disk).
 */
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import fs from "node:fs";

/** PEM files are small: a wrong path (a log, a device) is refused before it is read whole. */
const MAX_PEM_BYTES = 1024 * 1024;

/** The paths of one listener's TLS files (absolute). */
export interface InetTlsFiles {
  cert: string;
  key: string;
  /** mTLS: clients must present a certificate signed by one of these CAs. */
  clientCa: string | null;
}

/** What the TLS server needs: the PEM bytes, plus facts about the certificate for logs and errors. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  clientCa: Buffer | null;
  /** Hex serial of the (leaf) server certificate, for the reload log line. */
  serial: string;
  validTo: Date;
}

/** One problem with one of the files: which option it came from, and why. */
export class TlsMaterialError extends Error {
  override readonly name = "TlsMaterialError";
  constructor(
    readonly option: "tls_cert" | "tls_key" | "tls_client_ca",
    message: string,
  ) {
    super(message);
  }
}

function readPem(option: TlsMaterialError["option"], file: string): Buffer {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TlsMaterialError(option, code === "ENOENT" ? `${option} file ${file} does not exist` : `cannot read ${option} file ${file}: ${code ?? String(err)}`);
  }
  if (!stat.isFile()) throw new TlsMaterialError(option, `${option} ${file} is not a regular file`);
  if (stat.size > MAX_PEM_BYTES) throw new TlsMaterialError(option, `${option} file ${file} is larger than ${MAX_PEM_BYTES} bytes: not a PEM file`);
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new TlsMaterialError(option, `cannot read ${option} file ${file}: ${code === "EACCES" ? "permission denied" : (code ?? String(err))}`);
  }
}

function parseCertificate(option: TlsMaterialError["option"], file: string, pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new TlsMaterialError(option, `${option} file ${file} holds no PEM certificate`);
  }
}

/** Reads and checks the files; throws TlsMaterialError naming the option at fault. */
export function loadTlsMaterial(files: InetTlsFiles, now: Date = new Date()): TlsMaterial {
  const cert = readPem("tls_cert", files.cert);
  const key = readPem("tls_key", files.key);
  const clientCa = files.clientCa === null ? null : readPem("tls_client_ca", files.clientCa);
  const x509 = parseCertificate("tls_cert", files.cert, cert);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    // Never echo the key's content: only say what it is not.
    throw new TlsMaterialError("tls_key", `tls_key file ${files.key} holds no usable PEM private key (encrypted keys are not supported)`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TlsMaterialError("tls_key", `tls_key file ${files.key} does not match the certificate in ${files.cert} (subject ${x509.subject.replace(/\n/g, ", ")})`);
  }
  const validTo = new Date(x509.validTo);
  const validFrom = new Date(x509.validFrom);
  if (validTo.getTime() < now.getTime()) {
    throw new TlsMaterialError("tls_cert", `the certificate in ${files.cert} expired on ${validTo.toISOString()} (serial ${x509.serialNumber})`);
  }
  if (validFrom.getTime() > now.getTime()) {
    throw new TlsMaterialError("tls_cert", `the certificate in ${files.cert} is not valid before ${validFrom.toISOString()} (serial ${x509.serialNumber})`);
  }
  if (clientCa !== null && files.clientCa !== null) parseCertificate("tls_client_ca", files.clientCa, clientCa);
  return { cert, key, clientCa, serial: x509.serialNumber, validTo };
}
