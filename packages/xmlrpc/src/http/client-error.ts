import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { errorBody, SERVER_HEADER } from "./responses.js";

/** The parser's error codes that have their own status; everything else a malformed request is 400. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 413,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * `clientError`: a request the HTTP parser rejected (bad request line, oversized headers, a lying Content-Length,
 * broken chunked encoding…) gets a typed answer like every other error here: its status with medusa's error page
 * as the body, then the connection closes. Nothing is written when a response to an earlier request on the
 * connection has started (bytes of ours would corrupt it), or when the peer is gone; the socket is destroyed
 * either way, as Node's own default handler does.
 */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (socket.writable && err.code !== "ECONNRESET" && (inFlight == null || inFlight.headersSent !== true)) {
    const status = STATUS_BY_CODE[err.code ?? ""] ?? 400;
    const body = Buffer.from(errorBody(status), "utf8");
    socket.end(
      Buffer.concat([
        Buffer.from(
          `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Bad Request"}\r\nServer: ${SERVER_HEADER}\r\nContent-Type: text/html\r\n` +
            `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
          "latin1",
        ),
        body,
      ]),
    );
    return;
  }
  socket.destroy();
}
