import http from "node:http";
import https from "node:https";
import type { Config } from "@tsupervisord/config";
import { tlsFilesFor } from "../runtime/tls.js";

/** How long `--health` waits for the daemon before calling it unhealthy (a Docker HEALTHCHECK has its own too). */
export const HEALTH_TIMEOUT_MS = 5_000;

export type HealthPath = "/healthz" | "/readyz";

/**
 * `tsupervisord --health` / `--ready` (Docker HEALTHCHECK, exec probes): ask the running daemon's `/healthz` or
 * `/readyz` over the config's first unix socket (else its first TCP listener, on the loopback address when it
 * listens on every interface). Exit status 0 when it answers 200, 1 otherwise (not running, not healthy, no
 * answer in time). One line on stderr says why when it is not 0. No credentials are sent: none are needed.
 */
export async function probeDaemon(config: Config, path: HealthPath, report: (line: string) => void): Promise<number> {
  const target = targetOf(config);
  if (target === null) {
    report("no [unix_http_server] or [inet_http_server] in the config: nothing to ask");
    return 1;
  }
  try {
    const status = await get(target, path);
    if (status === 200) return 0;
    report(`${target.description}${path}: ${status === 503 ? "not ok" : `HTTP ${status}`}`);
    return 1;
  } catch (err) {
    report(`${target.description}${path}: ${(err as Error).message}`);
    return 1;
  }
}

interface Target {
  description: string;
  options: http.RequestOptions;
  tls: boolean;
}

function targetOf(config: Config): Target | null {
  const unix = config.unixHttpServers[0];
  if (unix !== undefined) return { description: `unix://${unix.file}`, options: { socketPath: unix.file }, tls: false };
  const inet = config.inetHttpServers[0];
  if (inet === undefined) return null;
  const host = inet.host === "" || inet.host === "*" || inet.host === "0.0.0.0" ? "127.0.0.1" : inet.host;
  // The daemon terminates TLS on its TCP listeners with tls_cert or TSUPERVISORD_TLS_CERT (runtime/tls.ts). The
  // probe sends nothing secret and reads only a status code, so it does not verify the certificate.
  const tls = tlsFilesFor(inet) !== undefined;
  return {
    description: `${tls ? "https" : "http"}://${host}:${inet.port}`,
    options: { host, port: inet.port, ...(tls ? { rejectUnauthorized: false } : {}) },
    tls,
  };
}

function get(target: Target, path: HealthPath): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = (target.tls ? https.request : http.request)(
      { ...target.options, path, method: "GET", agent: false, timeout: HEALTH_TIMEOUT_MS },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${HEALTH_TIMEOUT_MS / 1000}s`)));
    request.on("error", reject);
    request.end();
  });
}
