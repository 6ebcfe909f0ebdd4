import fs from "node:fs";
import type { SecureContextOptions } from "node:tls";

/**
 * TLS for the TCP listener. supervisord.conf has no TLS options (and must stay readable by supervisord), so the
 * certificate and key come from the environment: TSUPERVISORD_TLS_CERT and TSUPERVISORD_TLS_KEY (PEM files).
 * Unset: plain TCP, as supervisord.
 */
export function loadTlsFromEnvironment(env: NodeJS.ProcessEnv = process.env): SecureContextOptions | undefined {
  const cert = env.TSUPERVISORD_TLS_CERT;
  const key = env.TSUPERVISORD_TLS_KEY;
  if (cert === undefined || key === undefined || cert === "" || key === "") return undefined;
  return { cert: fs.readFileSync(cert), key: fs.readFileSync(key) };
}
