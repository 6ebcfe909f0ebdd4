import { Server } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { SupervisorRpcBackend } from "../handlers/backend.js";
import { RpcDispatcher } from "../handlers/dispatcher.js";
import type { RpcDispatcherOptions } from "../handlers/dispatcher.js";
import type { Caller } from "@tsupervisord/errors";
import type { XmlRpcValue } from "../codec/values.js";
import { checkBasicAuth } from "./auth.js";
import type { BasicAuthCredentials } from "./auth.js";
import { handleLogtail, openProcessTail, parseLogtailPath } from "./logtail-route.js";
import { answerClientError } from "./client-error.js";
import { isClientGone } from "./client-gone.js";
import { boundedLogText } from "./logger.js";
import type { RpcLogger } from "./logger.js";
import { sendError } from "./responses.js";
import { handleWebUi, isWebUiPath } from "./webui.js";
import type { WebUiIdentity } from "./webui.js";
import { EVENTS_PATH, handleEvents } from "./webui-events.js";
import { handleRpc } from "./rpc-route.js";
import { bodyDropped } from "./drain.js";
import { handleMetrics } from "./metrics-route.js";
import { handleHealth, isHealthPath, type HealthProbes } from "./health-route.js";

/**
 * Issue 19: who sent a request. `face` is `xmlrpc` for /RPC2 and `webui` for every other path. A refusal is
 * answered 401 (`unauthorized`), 429 (`limited`: too many failures from this peer) or 400 (`malformed`).
 */
export type HttpAdmitOutcome = { ok: true; caller: Caller } | { ok: false; refusal: "unauthorized" | "limited" | "malformed" };

export interface HttpAccess {
  authenticate(
    header: string | undefined,
    socket: Duplex,
    face: "xmlrpc" | "webui",
  ): HttpAdmitOutcome | Promise<HttpAdmitOutcome>;
  /** Throws PERMISSION_DENIED, or audits the allowed call (see RpcDispatcherOptions.authorize). */
  authorize(method: string, caller: Caller, params: readonly XmlRpcValue[]): void;
}

export interface Http1HandlerOptions {
  backend: SupervisorRpcBackend;
  /** Credentials of this server section, or null for none (every request is accepted, D-HTTP-05). */
  auth: BasicAuthCredentials | null;
  logger?: RpcLogger;
  dispatcher?: RpcDispatcherOptions;
  /** Our name and version for the web UI's footer (the XML-RPC API keeps reporting supervisord's version). */
  identity?: WebUiIdentity;
  /** `GET /metrics` (Prometheus text) when set; 404 otherwise, as supervisord answers. */
  metrics?: () => string | Promise<string>;
  /** `/healthz` and `/readyz`, answered before (and without) auth; absent = 404 like any unknown path. */
  health?: HealthProbes;
  /** Issue 19: users, roles, audit and the failed-login limit; when set, `auth` is not consulted. */
  access?: HttpAccess;
}

/**
 * Hands an accepted connection (a net.Socket, or the decrypted TLS stream) to the HTTP/1.x server; fits
 * `handleConnection(socket, { grpc, http1 })` of @tsupervisord/protocol. `close()` ends every connection it was given.
 */
export interface Http1ConnectionHandler {
  (socket: Duplex): void;
  readonly server: Server;
  readonly dispatcher: RpcDispatcher;
  close(): void;
}

/**
 * supervisord's HTTP side on sockets the daemon already accepted (design "The wire"): HTTP/1.0 and 1.1
 * keep-alive (RPC-01/02), Basic auth on every path (RPC-04), POST `/RPC2…`, `/logtail/…`, `/mainlogtail`,
 * the web UI (`/`, `/index.html`, `/tail.html`, `/ok.html`, its stylesheet, images and script, and the live
 * feed `/events`), `/metrics` when the daemon serves it (issue 17), else 404 (D-HTTP-06). `/healthz` and `/readyz`
 * (issue 16, when the daemon serves them) are answered before auth.
 */
export function createHttp1Handler(options: Http1HandlerOptions): Http1ConnectionHandler {
  const logger = options.logger ?? {};
  const access = options.access;
  const dispatcherOptions: RpcDispatcherOptions = {
    ...options.dispatcher,
    ...(access === undefined ? {} : { authorize: (m: string, c: Caller, p: readonly XmlRpcValue[]) => access.authorize(m, c, p) }),
  };
  const dispatcher = new RpcDispatcher(options.backend, dispatcherOptions);
  // The web UI works without [rpcinterface:supervisor], as supervisord's builds its own interface.
  const uiDispatcher =
    options.dispatcher?.supervisorNamespace === false
      ? new RpcDispatcher(options.backend, { ...dispatcherOptions, supervisorNamespace: true })
      : dispatcher;
  const sockets = new Set<Duplex>();
  const server = new Server({ keepAlive: true });
  // Python clients hold one connection for a whole interactive session and do not retry a request on a
  // connection we closed while idle, so never time idle connections out (medusa does not either).
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const health = options.health;
    if (health !== undefined) {
      const probePath = (req.url ?? "/").split(/[?#]/, 1)[0] ?? "";
      if (isHealthPath(probePath)) return handleHealth(req, res, probePath, health);
    }
    const uri = req.url ?? "/";
    let caller: Caller | undefined;
    if (access !== undefined) {
      const outcome = await access.authenticate(req.headers.authorization, req.socket, uri.startsWith("/RPC2") ? "xmlrpc" : "webui");
      if (!outcome.ok) {
        await bodyDropped(req);
        if (outcome.refusal === "malformed") return sendError(res, 400);
        if (outcome.refusal === "limited") return sendError(res, 429, { Connection: "close", "Retry-After": "60" });
        return sendError(res, 401, { Connection: "close", "WWW-Authenticate": 'Basic realm="default"' });
      }
      caller = outcome.caller;
    } else if (options.auth !== null) {
      const verdict = checkBasicAuth(req.headers.authorization, options.auth);
      if (verdict === "malformed") return sendError(res, 400);
      if (verdict === "unauthorized") {
        // Swallow the body first (as medusa does): closing while the client still writes it would hand the
        // client a broken pipe instead of the 401 it must see to say "Server requires authentication".
        await bodyDropped(req);
        return sendError(res, 401, { Connection: "close", "WWW-Authenticate": 'Basic realm="default"' });
      }
    }
    if (uri.startsWith("/RPC2")) return handleRpc(req, res, dispatcher, logger, undefined, caller);
    const pathname = uri.split(/[?#;]/, 1)[0] ?? "";
    if (pathname === "/logtail" || pathname.startsWith("/logtail/")) {
      if (req.method !== "GET") return sendError(res, 400);
      const target = parseLogtailPath(pathname);
      if (target === null) return sendError(res, 404);
      return handleLogtail(req, res, openProcessTail(options.backend, target.name, target.channel), true, logger);
    }
    if (uri.startsWith("/mainlogtail")) {
      return handleLogtail(req, res, (signal) => options.backend.followMainLog(signal), false, logger);
    }
    if (pathname === EVENTS_PATH) return handleEvents(req, res, options.backend, logger);
    if (pathname === "/metrics" && options.metrics !== undefined) return handleMetrics(req, res, options.metrics);
    if (isWebUiPath(pathname) && (req.method === "GET" || req.method === "POST" || req.method === "HEAD")) {
      // The UI reads nothing from a body: drop it first, so the answer does not race a client still sending.
      await bodyDropped(req);
      const rpc = caller === undefined ? uiDispatcher : { call: (m: string, p: readonly XmlRpcValue[]) => uiDispatcher.call(m, p, caller) };
      return handleWebUi(req, res, rpc, options.identity);
    }
    return sendError(res, 404);
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    route(req, res).catch((err: unknown) => {
      // A client that hung up mid-request (`Error: aborted`) is routine, not a crash (13).
      if (isClientGone(err, req)) {
        logger.debug?.(`HTTP client went away during ${req.method ?? "?"} ${boundedLogText(req.url ?? "")}`);
        res.destroy();
        return;
      }
      logger.critical?.(err instanceof Error ? (err.stack ?? String(err)) : String(err));
      sendError(res, 500);
    });
  });
  // A request the parser rejects gets a typed error page too (issue 19's listener fuzz found it bodiless).
  server.on("clientError", answerClientError);

  const handler = ((socket: Duplex) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    server.emit("connection", socket);
  }) as Http1ConnectionHandler;
  Object.defineProperties(handler, {
    server: { value: server },
    dispatcher: { value: dispatcher },
    close: {
      value: () => {
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      },
    },
  });
  return handler;
}
