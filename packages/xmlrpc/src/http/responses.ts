import { STATUS_CODES } from "node:http";
import type { ServerResponse } from "node:http";

/** Any server string is fine (RPC-05); this one is what supervisord sends, for tools that sniff it. */
export const SERVER_HEADER = "Medusa/1.12";

/** medusa's DEFAULT_ERROR_MESSAGE, CRLF-separated (RPC-05). */
export function errorBody(code: number): string {
  const reason = STATUS_CODES[code] ?? "Unknown";
  return [
    "<head>",
    "<title>Error response</title>",
    "</head>",
    "<body>",
    "<h1>Error response</h1>",
    `<p>Error code ${code}.`,
    `<p>Message: ${reason}.`,
    "</body>",
    "",
  ].join("\r\n");
}

/** An HTML error reply; `headers` add to (or override) the defaults. */
export function sendError(res: ServerResponse, code: number, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(errorBody(code), "utf8");
  res.writeHead(code, {
    Server: SERVER_HEADER,
    "Content-Type": "text/html",
    "Content-Length": String(body.length),
    ...headers,
  });
  res.end(body);
}
