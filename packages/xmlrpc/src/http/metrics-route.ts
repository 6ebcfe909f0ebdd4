import type { IncomingMessage, ServerResponse } from "node:http";
import { sendError } from "./responses.js";

/** The Prometheus text exposition format's content type (version 0.0.4). */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * `GET /metrics` (issue 17): the daemon's Prometheus text, on the same sockets and behind the same Basic auth as
 * every other path. This package only serves the text; what is in it is the daemon's (`render`).
 */
export async function handleMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  render: () => string | Promise<string>,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") return sendError(res, 405, { Allow: "GET, HEAD" });
  const body = Buffer.from(await render(), "utf8");
  res.writeHead(200, { "Content-Type": METRICS_CONTENT_TYPE, "Content-Length": String(body.length), "Cache-Control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : body);
}
