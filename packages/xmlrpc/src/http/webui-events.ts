import type { IncomingMessage, ServerResponse } from "node:http";
import type { ProcessFeedEvent, SupervisorRpcBackend } from "../handlers/backend.js";
import { isClientGone } from "./client-gone.js";
import { boundedLogText } from "./logger.js";
import type { RpcLogger } from "./logger.js";
import { SERVER_HEADER, sendError } from "./responses.js";
import { renderProcesses, renderRow, rowId } from "./webui.js";

/** The live view's feed: Server-Sent Events at `/events`, next to supervisord's pages (not one of its URLs). */
export const EVENTS_PATH = "/events";

/** One SSE message; JSON data never holds a raw newline, so one `data:` line carries it. */
function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function toFrame(event: ProcessFeedEvent): string {
  if (event.kind === "snapshot") return frame("table", { html: renderProcesses(event.processes) });
  return frame("row", { id: rowId(event.process), html: renderRow(event.process) });
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * GET `/events`: the status page's rows as the daemon's event bus changes them (issue 21 #7). Each event is
 * rendered here with the page's own row markup, so the browser only swaps elements. A slow reader pauses the
 * feed (backpressure); the daemon's side drops a reader that falls too far behind, and EventSource then
 * reconnects and starts again from a fresh table. No timer anywhere: nothing is sent while nothing changes.
 */
export async function handleEvents(
  req: IncomingMessage,
  res: ServerResponse,
  backend: SupervisorRpcBackend,
  logger: RpcLogger,
): Promise<void> {
  if (req.method !== "GET") return sendError(res, 400);
  if (backend.watchProcesses === undefined) return sendError(res, 404);
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  res.on("close", stop);
  res.writeHead(200, {
    Server: SERVER_HEADER,
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Accel-Buffering": "no",
  });
  // How long EventSource waits before reconnecting after the daemon restarts or drops it.
  res.write("retry: 2000\n\n");
  try {
    for await (const event of backend.watchProcesses(abort.signal)) {
      if (abort.signal.aborted || res.destroyed) break;
      if (!res.write(toFrame(event))) await drainedOrClosed(res);
    }
  } catch (err) {
    if (!abort.signal.aborted && !isClientGone(err)) {
      logger.debug?.(`web UI event feed ended: ${boundedLogText(err instanceof Error ? err.message : String(err))}`);
    }
  } finally {
    abort.abort();
    res.off("close", stop);
    if (!res.destroyed) res.end();
  }
}
