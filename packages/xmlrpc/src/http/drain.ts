import type { IncomingMessage } from "node:http";

/**
 * Resolves once the rest of a request body the server will not use has been read and dropped. An answer waits
 * for it: a client sends the whole body before it reads (supervisorctl, Python's xmlrpc.client, a browser's
 * form post), and an answer followed by the close of the connection while it still writes gives it EPIPE
 * instead of the answer. Bounded by `limit`: after that many more bytes it resolves anyway (the answer goes
 * out and the connection closes); also when the client goes away.
 */
export function bodyDropped(req: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<void> {
  req.on("error", () => undefined);
  req.resume();
  return new Promise((resolve) => {
    // `complete`: the parser has the whole message already; `destroyed`: the client went away.
    if (req.complete || req.destroyed) return resolve();
    let dropped = 0;
    const done = (): void => {
      req.off("data", drop);
      req.off("end", done);
      req.off("close", done);
      resolve();
    };
    const drop = (chunk: Buffer): void => {
      dropped += chunk.length;
      if (dropped > limit) done();
    };
    req.on("data", drop);
    req.on("end", done);
    req.on("close", done);
  });
}
