import type { IncomingMessage, ServerResponse } from "node:http";
import { isSupervisorError } from "@tsupervisord/errors";
import type { FollowedLog, LogChannel, SupervisorRpcBackend } from "../handlers/backend.js";
import type { RpcLogger } from "./logger.js";
import { SERVER_HEADER, sendError } from "./responses.js";

/** `/logtail/<namespec>[/<channel>]` → namespec and channel; null when it names no process log (→ 404). */
export function parseLogtailPath(pathname: string): { name: string; channel: LogChannel } | null {
  let path = pathname;
  if (path.includes("%")) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return null;
    }
  }
  path = path.replace(/^\/+/, "");
  const slash = path.indexOf("/");
  if (slash < 0) return null;
  const rest = path.slice(slash + 1);
  const channelSlash = rest.indexOf("/");
  const name = channelSlash < 0 ? rest : rest.slice(0, channelSlash);
  const channel = channelSlash < 0 ? "stdout" : rest.slice(channelSlash + 1);
  if (name === "" || (channel !== "stdout" && channel !== "stderr")) return null;
  return { name, channel };
}

/**
 * Streams a followed log as a chunked `text/plain;charset=utf-8` response (TLF-01…03): 400 for non-GET, 404
 * when the backend says the process or file is missing, otherwise bytes until the client goes away.
 */
export async function handleLogtail(
  req: IncomingMessage,
  res: ServerResponse,
  open: (signal: AbortSignal) => Promise<FollowedLog>,
  processLog: boolean,
  logger: RpcLogger,
): Promise<void> {
  if (req.method !== "GET") return sendError(res, 400);
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  res.on("close", stop);
  let followed: FollowedLog;
  try {
    followed = await open(abort.signal);
  } catch (err) {
    res.off("close", stop);
    if (isSupervisorError(err)) return sendError(res, 404);
    logger.critical?.(err instanceof Error ? (err.stack ?? String(err)) : String(err));
    return sendError(res, 500);
  }
  const headers: Record<string, string> = {
    Server: SERVER_HEADER,
    "Content-Type": "text/plain;charset=utf-8",
    "Last-Modified": followed.lastModified.toUTCString(),
  };
  if (processLog) headers["X-Accel-Buffering"] = "no";
  res.writeHead(200, headers);
  res.flushHeaders();
  try {
    for await (const chunk of followed.chunks) {
      if (abort.signal.aborted || res.destroyed) break;
      if (chunk.length === 0) continue;
      // Backpressure: a slow reader pauses the follower instead of growing our buffer.
      if (!res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off("drain", done);
            res.off("close", done);
            resolve();
          };
          res.on("drain", done);
          res.on("close", done);
        });
      }
    }
  } catch (err) {
    logger.error?.(`log tail failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    abort.abort();
    res.off("close", stop);
    if (!res.destroyed) res.end();
  }
}

export function openProcessTail(backend: SupervisorRpcBackend, name: string, channel: LogChannel) {
  return (signal: AbortSignal): Promise<FollowedLog> => backend.followProcessLog(name, channel, signal);
}
