import type { IncomingMessage } from "node:http";

/** Node's errors for a peer that hung up: the request stream's `aborted`, a reset or a broken pipe (routine). */
export function isClientGone(err: unknown, req?: IncomingMessage): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === "ECONNRESET" || code === "EPIPE" || code === "ERR_STREAM_PREMATURE_CLOSE") return true;
  return req !== undefined && req.destroyed && !req.complete;
}
