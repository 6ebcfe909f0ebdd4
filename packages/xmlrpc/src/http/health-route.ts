import type { IncomingMessage, ServerResponse } from "node:http";
import { SERVER_HEADER } from "./responses.js";

/**
 * Container probes (Docker HEALTHCHECK, Kubernetes liveness/readiness): `/healthz` and `/readyz` answer
 * WITHOUT credentials, because an orchestrator's HTTP probe cannot send them. They say nothing but ok / not ok
 * (200 / 503): no process names, states or versions, so the answer leaks nothing the auth protects.
 */
export interface HealthProbes {
  /** The daemon is up and supervising (not shutting down, no essential program has failed). */
  healthy(): boolean;
  /** Healthy, and every essential program is ready. */
  ready(): boolean;
}

export const HEALTH_PATHS = ["/healthz", "/readyz"] as const;

/** True when the path (query string ignored) is one of the probe routes. */
export function isHealthPath(pathname: string): boolean {
  return (HEALTH_PATHS as readonly string[]).includes(pathname);
}

export function handleHealth(req: IncomingMessage, res: ServerResponse, pathname: string, probes: HealthProbes): void {
  const allowed = req.method === "GET" || req.method === "HEAD";
  const ok = allowed && (pathname === "/healthz" ? probes.healthy() : probes.ready());
  const status = !allowed ? 405 : ok ? 200 : 503;
  const body = Buffer.from(!allowed ? "method not allowed\n" : ok ? "ok\n" : "not ok\n", "utf8");
  res.writeHead(status, {
    Server: SERVER_HEADER,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": String(body.length),
    "Cache-Control": "no-store",
    ...(allowed ? {} : { Allow: "GET, HEAD" }),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
