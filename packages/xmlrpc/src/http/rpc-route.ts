import type { IncomingMessage, ServerResponse } from "node:http";
import { MethodCallParseError, parseMethodCall } from "../codec/parse.js";
import { dumpFault, dumpResponse } from "../codec/serialize.js";
import type { RpcDispatcher } from "../handlers/dispatcher.js";
import { pyRepr } from "@tsupervisord/pycompat";
import type { RpcLogger } from "./logger.js";
import { SERVER_HEADER, sendError } from "./responses.js";

/** A request body larger than this is refused (supervisord has no limit; we keep memory bounded). */
export const MAX_RPC_BODY_BYTES = 16 * 1024 * 1024;

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** POST `/RPC2…` (RPC-01, RPC-03, RPC-06, RPC-07): one methodCall in, one methodResponse out. */
export async function handleRpc(
  req: IncomingMessage,
  res: ServerResponse,
  dispatcher: RpcDispatcher,
  logger: RpcLogger,
): Promise<void> {
  if (req.method !== "POST") return sendError(res, 400);
  if (req.headers["content-length"] === undefined) return sendError(res, 411);
  const body = await readBody(req, MAX_RPC_BODY_BYTES);
  if (body === null) return sendError(res, 400);

  let call;
  try {
    call = parseMethodCall(body);
  } catch (err) {
    if (!(err instanceof MethodCallParseError)) throw err;
    logger.error?.(`XML-RPC request data ${pyRepr(body.toString("utf8"))} is invalid: ${err.reason}`);
    return sendError(res, 400);
  }

  let xml: string;
  try {
    logger.trace?.(`XML-RPC method called: ${call.methodName}()`);
    const outcome = await dispatcher.dispatch(call.methodName, call.params);
    if (outcome.ok) {
      xml = dumpResponse(outcome.value);
      logger.trace?.(`XML-RPC method ${call.methodName}() returned successfully`);
    } else {
      xml = dumpFault(outcome.faultCode, outcome.faultString);
      logger.trace?.(`XML-RPC method ${call.methodName}() returned fault: [${outcome.faultCode}] ${outcome.faultString}`);
    }
  } catch (err) {
    // RPC-07: an unexpected exception inside a method is an HTTP 500, logged CRIT with its traceback.
    const trace = err instanceof Error ? (err.stack ?? String(err)) : String(err);
    logger.critical?.(`Handling XML-RPC request with data ${pyRepr(body.toString("utf8"))} raised an unexpected exception: ${trace}`);
    return sendError(res, 500);
  }
  if (res.destroyed) return;
  const bytes = Buffer.from(xml, "utf8");
  res.writeHead(200, { Server: SERVER_HEADER, "Content-Type": "text/xml", "Content-Length": String(bytes.length) });
  res.end(bytes);
}
