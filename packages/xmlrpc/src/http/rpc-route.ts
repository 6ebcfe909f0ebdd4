import type { IncomingMessage, ServerResponse } from "node:http";
import { SupervisorError, type Caller } from "@tsupervisord/errors";
import { DEFAULT_METHOD_CALL_LIMITS, MethodCallParseError, MethodCallReader } from "../codec/method-call-reader.js";
import type { MethodCall, MethodCallLimits } from "../codec/method-call-reader.js";
import { dumpFault, dumpResponse } from "../codec/serialize.js";
import type { RpcDispatcher } from "../handlers/dispatcher.js";
import { boundedLogText, HeadKeeper } from "./logger.js";
import type { RpcLogger } from "./logger.js";
import { SERVER_HEADER, sendError } from "./responses.js";
import { bodyDropped } from "./drain.js";

/** A request body larger than this is refused (supervisord has no limit; we keep memory bounded). */
export const MAX_RPC_BODY_BYTES = DEFAULT_METHOD_CALL_LIMITS.maxBytes;

type BodyOutcome =
  | { kind: "call"; call: MethodCall }
  /** `drained`: the rest of the body has been read and dropped (or `maxBytes` more of it): answer then. */
  | { kind: "refused"; error: MethodCallParseError; drained: Promise<void> }
  | { kind: "gone" };

/**
 * Reads and parses the body as it arrives (RPC-06): each chunk goes straight into the streaming reader, so a
 * body that crosses a bound is refused at that chunk, nothing but the first bytes (for the log) is kept, and
 * the event loop never works on more than one socket read at a time. After a refusal the rest of the body is
 * read and dropped before the answer (bodyDropped), so the client, which sends the whole body before reading,
 * still gets it.
 */
function readCall(req: IncomingMessage, head: HeadKeeper, limits: MethodCallLimits): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const reader = new MethodCallReader(limits);
    let settled = false;
    const settle = (outcome: BodyOutcome): void => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onGone);
      req.off("close", onClose);
      resolve(outcome);
    };
    const refuse = (error: MethodCallParseError): void => {
      if (!settled) settle({ kind: "refused", error, drained: bodyDropped(req, limits.maxBytes) });
    };
    const attempt = (step: () => void): boolean => {
      try {
        step();
        return true;
      } catch (err) {
        if (!(err instanceof MethodCallParseError)) throw err;
        refuse(err);
        return false;
      }
    };
    const onData = (chunk: Buffer): void => {
      head.add(chunk);
      attempt(() => reader.write(chunk));
    };
    const onEnd = (): void => {
      let call: MethodCall | undefined;
      if (attempt(() => (call = reader.end())) && call !== undefined) settle({ kind: "call", call });
    };
    // A client that goes away mid-body is routine (13): no answer, no error.
    const onGone = (): void => settle({ kind: "gone" });
    const onClose = (): void => {
      if (!req.complete) settle({ kind: "gone" });
    };
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      // Refuse before reading a byte of a body announced too large.
      refuse(new MethodCallParseError("too large"));
      return;
    }
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onGone);
    req.on("close", onClose);
  });
}

/** Our bounds (12) are answered as a fault a client can show, not as supervisord's bare 400. */
function boundFault(error: MethodCallParseError, limits: MethodCallLimits): SupervisorError {
  const detail = error.reason === "too deep"
    ? `request nested deeper than ${limits.maxDepth} elements`
    : `request body larger than ${limits.maxBytes} bytes`;
  return new SupervisorError("INCORRECT_PARAMETERS", detail);
}

function sendXml(res: ServerResponse, xml: string): void {
  if (res.destroyed) return;
  const bytes = Buffer.from(xml, "utf8");
  res.writeHead(200, { Server: SERVER_HEADER, "Content-Type": "text/xml", "Content-Length": String(bytes.length) });
  res.end(bytes);
}

/** POST `/RPC2…` (RPC-01, RPC-03, RPC-06, RPC-07): one methodCall in, one methodResponse out. */
export async function handleRpc(
  req: IncomingMessage,
  res: ServerResponse,
  dispatcher: RpcDispatcher,
  logger: RpcLogger,
  limits: MethodCallLimits = DEFAULT_METHOD_CALL_LIMITS,
  caller?: Caller,
): Promise<void> {
  if (req.method !== "POST") return sendError(res, 400);
  if (req.headers["content-length"] === undefined) return sendError(res, 411);
  const declared = Number(req.headers["content-length"]);
  const head = new HeadKeeper(Number.isSafeInteger(declared) ? declared : 0);
  const body = await readCall(req, head, limits);
  if (body.kind === "gone") {
    logger.debug?.(`XML-RPC client went away before sending the whole request (${head.size} bytes received)`);
    return;
  }
  if (body.kind === "refused") {
    const { reason } = body.error;
    if (reason === "too deep" || reason === "too large") {
      const fault = boundFault(body.error, limits);
      logger.warn?.(`XML-RPC request data ${head.excerpt()} refused: ${fault.faultString}`);
      await body.drained;
      return sendXml(res, dumpFault(fault.fault, fault.faultString));
    }
    logger.error?.(`XML-RPC request data ${head.excerpt()} is invalid: ${reason}`);
    await body.drained;
    return sendError(res, 400);
  }

  const { call } = body;
  const method = boundedLogText(call.methodName);
  let xml: string;
  try {
    logger.trace?.(`XML-RPC method called: ${method}()`);
    const outcome = await dispatcher.dispatch(call.methodName, call.params, caller);
    if (outcome.ok) {
      xml = dumpResponse(outcome.value);
      logger.trace?.(`XML-RPC method ${method}() returned successfully`);
    } else {
      xml = dumpFault(outcome.faultCode, outcome.faultString);
      logger.trace?.(`XML-RPC method ${method}() returned fault: [${outcome.faultCode}] ${boundedLogText(outcome.faultString)}`);
    }
  } catch (err) {
    // RPC-07: an unexpected exception inside a method is an HTTP 500, logged CRIT with its traceback.
    const trace = err instanceof Error ? (err.stack ?? String(err)) : String(err);
    logger.critical?.(`Handling XML-RPC request with data ${head.excerpt()} raised an unexpected exception: ${trace}`);
    return sendError(res, 500);
  }
  sendXml(res, xml);
}
