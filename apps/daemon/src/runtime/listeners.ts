import type { Socket } from "node:net";
import { loadUserDb, serverAuthVerdict, type Config } from "@tsupervisord/config";
import type { ActivityLog } from "@tsupervisord/logs";
import type { SupervisorGrpcServer, SupervisorHandlers } from "@tsupervisord/protocol";
import { createTlsConnectionRouter, handleConnection, type ConnectionHandlers } from "@tsupervisord/protocol/light";
import { ListenerError } from "../listeners/errors.js";
import { listenInet } from "../listeners/inet-socket.js";
import { listenUnix, type OpenListener } from "../listeners/unix-socket.js";
import type { HealthProbes, Http1ConnectionHandler, SupervisorRpcBackend } from "@tsupervisord/xmlrpc";
import { faceModules, handOverWhenLoaded, lazyFace, type LazyFace } from "./lazy-faces.js";
import { ownVersion } from "../version.js";
import { describeHandshakeFailure, loadListenerTls, tlsFilesFor, tlsServerOptions } from "./tls.js";
import { createTlsReloader, type TlsReloader } from "./tls-reload.js";
import { accessFor, type AccessServices } from "../access/listener-access.js";
import { admitUnixPeer, peerCheckRefusal } from "../access/unix-peer.js";

export interface OpenServers {
  close(): Promise<void>;
  /**
   * issue 19: reads every TLS listener's certificate files again and serves new connections with them; open
   * connections and the listeners stay. A file that fails its checks is logged and the old certificate kept.
   */
  reloadTls(): void;
}

/**
 * D-HTTP-07 (stricter than supervisord for non-loopback TCP only): see @tsupervisord/config's server-auth.ts;
 * `tsupervisord -t` reports the same verdict.
 */
export { ALLOW_UNAUTHENTICATED_TCP_ENV } from "@tsupervisord/config";

/**
 * §7.2 step 7: one listener per `[unix_http_server]` / `[inet_http_server]`, each with its own gRPC server
 * (its own credentials, checked on every call). HTTP/1.x connections on the same socket go to supervisord's
 * XML-RPC face (@tsupervisord/xmlrpc) over `xmlrpc`, with the same credentials. Both are built on their listener's
 * first connection of that kind (issue 20, lazy-faces.ts).
 * Throws ListenerError with supervisord's message; whatever was opened before is closed again.
 */
export async function openServers(
  config: Config,
  handlers: SupervisorHandlers,
  log: ActivityLog,
  warnOnTerminal: (line: string) => void,
  xmlrpc: SupervisorRpcBackend,
  routes: {
    /** `/healthz` and `/readyz` (container mode), answered without credentials on every listener. */
    health?: HealthProbes;
    /** `GET /metrics` on every listener, behind its auth (issue 17). */
    metrics?: () => string;
    /** Issue 19: users and roles, the failed-login limit, the audit (absent: one admin user per section, as before). */
    access?: AccessServices;
    /** Load the gRPC face before returning, not on the first HTTP/2 connection (see preloadsGrpcFace). */
    preloadGrpcFace?: boolean;
  } = {},
): Promise<OpenServers> {
  const opened: Array<{ listener: OpenListener; grpc: LazyFace<SupervisorGrpcServer>; http1: LazyFace<Http1ConnectionHandler> }> = [];
  const reloaders: TlsReloader[] = [];
  const closeAll = async (): Promise<void> => {
    for (const { listener, grpc, http1 } of opened.reverse()) {
      // Stop accepting first (and remove the socket file), so no new connection reaches a gRPC server that is
      // shutting down (it would cut it); then close gRPC (GOAWAY, calls in flight finish), which ends the
      // connections the listener's close is waiting for.
      const listenerClosed = listener.close();
      // Kept-alive XML-RPC connections and running /logtail responses end here (they would hold the close).
      http1.current?.close();
      // A face still loading is built and closed (its held connection is cut by destroyConnections below).
      const grpcServer = await grpc.pending?.catch(() => undefined);
      await grpcServer?.close(1000);
      // Clients whose calls completed close their connections once they have the last frames (the trailers of
      // a `shutdown` reply are written after the server counts the call as done: cut at once, the client never got
      // them and retried into the removed socket, issue 21 defect 3). Give them up to a second to do so.
      await settlesWithin(listenerClosed, 1000);
      // Whatever the gRPC server did not end (a connection still held while the face loads, or not yet past
      // the preface peek or its TLS handshake) is cut here, so
      // a client reconnects to the next generation instead of talking to this one's handlers.
      listener.destroyConnections();
      await listenerClosed;
    }
    opened.length = 0;
  };
  // The web UI's footer names us and our own release (the API keeps reporting supervisord's version).
  const identity = { productName: "tsupervisord", productVersion: ownVersion() };
  type Section = Parameters<typeof accessFor>[0] & { grpcIdleTimeoutSeconds: number };
  // issue 20: each listener's faces are built on their first connection (lazy-faces.ts).
  const faces = faceModules(log);
  const grpcFor = (server: Section): LazyFace<SupervisorGrpcServer> =>
    lazyFace(faces.grpc, ({ createGrpcServer }) =>
      createGrpcServer(handlers, {
        auth: server.auth,
        access: routes.access === undefined ? undefined : accessFor(server, routes.access).grpc(),
        // issue 19: also ends connections Node's HTTP/2 leaves open after a protocol-error GOAWAY (ext/grpc-idle.ts).
        ...(server.grpcIdleTimeoutSeconds > 0 ? { idleTimeoutMs: server.grpcIdleTimeoutSeconds * 1000 } : {}),
        onUnexpectedError: (err, method) => log.critical(`unexpected error in ${method}: ${boundedStack(err)}`),
      }),
    );
  const http1For = (server: Section): LazyFace<Http1ConnectionHandler> =>
    lazyFace(faces.http1, ({ createHttp1Handler }) =>
      createHttp1Handler({
        backend: xmlrpc,
        auth: server.auth,
        ...(routes.access === undefined ? {} : { access: accessFor(server, routes.access).http() }),
        logger: log,
        identity,
        dispatcher: { supervisorNamespace: config.standardRpcInterface },
        ...(routes.health === undefined ? {} : { health: routes.health }),
        ...(routes.metrics === undefined ? {} : { metrics: routes.metrics }),
      }),
    );
  const onLoadError = (err: unknown): void => log.critical(`cannot load a server face: ${boundedStack(err)}`);
  // Both faces of one listener behind the protocol's preface sniffing; the first connection of a kind waits for its face.
  const routeTo = (grpc: LazyFace<SupervisorGrpcServer>, http1: LazyFace<Http1ConnectionHandler>): ConnectionHandlers => ({
    grpc: { injectConnection: (socket) => void handOverWhenLoaded(socket, grpc, (g, s) => g.injector.injectConnection(s), onLoadError) },
    http1: (socket) => {
      const handler = http1.current;
      if (handler !== undefined) return handler(socket);
      return handOverWhenLoaded(socket, http1, (h, s) => h(s), onLoadError);
    },
  });
  try {
    const { refusals } = serverAuthVerdict(config, process.env);
    for (const server of config.unixHttpServers) {
      const refusal = peerCheckRefusal(server.section, server.access);
      if (refusal !== undefined) refusals.push(refusal);
    }
    if (refusals.length > 0) throw new ListenerError(refusals.join("\n"));
    for (const server of config.inetHttpServers) {
      const grpc = grpcFor(server);
      const http1 = http1For(server);
      const tlsFiles = tlsFilesFor(server);
      const route = routeTo(grpc, http1);
      let onConnection: (socket: Socket) => void = (socket) => handleConnection(socket, route);
      if (tlsFiles !== undefined) {
        // issue 19: one TLS terminator per listener, kept for its life so a reload can swap its certificate.
        const material = loadListenerTls(server.section, tlsFiles);
        const router = createTlsConnectionRouter(tlsServerOptions(material), {
          ...route,
          onTlsClientError: (err, socket) => log.info(`${server.section}: ${describeHandshakeFailure(err, socket)}`),
        });
        reloaders.push(createTlsReloader(server.section, tlsFiles, router, log));
        onConnection = router.route;
      }
      const listener = await listenInet({ host: server.host, port: server.port, onConnection });
      opened.push({ listener, grpc, http1 });
      announce(log, config, server.section, server.auth !== null || (server.access?.users.length ?? 0) > 0);
    }
    for (const server of config.unixHttpServers) {
      const grpc = grpcFor(server);
      const http1 = http1For(server);
      const checked = server.access?.allowUids != null || server.access?.allowGroups != null;
      const userDb = checked ? loadUserDb() : { users: [], groups: [] };
      const route = routeTo(grpc, http1);
      const ownUid = process.geteuid?.() ?? 0;
      const listener = await listenUnix({
        file: server.file,
        mode: server.chmod,
        chown: server.chown,
        warn: warnOnTerminal,
        onConnection: (socket) => {
          // Issue 19: SO_PEERCRED before a byte is read; a peer outside allow_uids/allow_groups is cut at once.
          if (!admitUnixPeer(socket, server.access, () => userDb, ownUid)) {
            routes.access?.refusedPeer(server.section, socket.remoteAddress ?? "unix");
            socket.destroy();
            return;
          }
          handleConnection(socket, route);
        },
      });
      opened.push({ listener, grpc, http1 });
      if (checked) log.info(`[${server.section}] allow_uids/allow_groups checked with SO_PEERCRED (native addon)`);
      announce(log, config, server.section, server.auth !== null || (server.access?.users.length ?? 0) > 0);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  // A face that fails to load here is reported by the first connection that needs it (onLoadError).
  if (routes.preloadGrpcFace === true && opened.length > 0) await faces.grpc("before autostart, which runs in turns").catch(() => undefined);
  return { close: closeAll, reloadTls: () => reloaders.forEach((r) => r.reload()) };
}

/** A stack trace for the log, cut if an error message quotes a whole request (issue 21 #14). */
function boundedStack(err: unknown): string {
  const text = err instanceof Error ? (err.stack ?? String(err)) : String(err);
  const limit = 8 * 1024;
  return text.length <= limit ? text : `${text.slice(0, limit)}... (${text.length} characters)`;
}

function announce(log: ActivityLog, config: Config, section: string, authenticated: boolean): void {
  // One line per [rpcinterface:x] section, none without (issue 21 defect 11: no namespace is served then).
  for (const iface of config.rpcInterfaces) log.info(`RPC interface '${iface.name}' initialized`);
  if (!authenticated) log.critical(`Server '${section}' running without any HTTP authentication checking`);
}

/**
 * SPN-13: the URL children get in SUPERVISOR_SERVER_URL — supervisord takes the first server, TCP ones first.
 * issue 19: a TLS listener is not what children's clients (supervisor.childutils, supervisorctl) can speak, so
 * then the unix socket comes first, and `https://` only when there is none.
 */
export function serverUrlFor(config: Config): string | null {
  const inet = config.inetHttpServers[0];
  const unix = config.unixHttpServers[0];
  const tls = inet !== undefined && tlsFilesFor(inet) !== undefined;
  if (tls && unix !== undefined) return `unix://${unix.file}`;
  if (inet !== undefined) return `${tls ? "https" : "http"}://${inet.host === "" || inet.host === "*" ? "localhost" : inet.host}:${inet.port}`;
  if (unix !== undefined) return `unix://${unix.file}`;
  return null;
}

/** Resolves when `promise` settles or after `ms`, whichever is first (the timer does not hold the process). */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void promise.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * issue 20, launch → API answers: whether the gRPC face is loaded before autostart rather than on the first
 * HTTP/2 connection. Loading it is an ES-module import of ~1.2 MB: several reads on libuv's thread pool, each
 * waiting its turn of the event loop, and when autostart runs in turns (more processes than it starts in one
 * step) every such turn also spawns a batch of them. Measured with 100 programs on the 2-core machine, the
 * first `tsctl status` of a client that connects at launch was answered after ~6 autostart batches had gone
 * by for the import alone, and 2.5× sooner with the face loaded first; autostart's own end did not move. A
 * daemon that starts no more than one batch keeps the face lazy: there the import runs on an idle event loop.
 */
export function preloadsGrpcFace(config: Config, perTurn: number): boolean {
  let autostarts = 0;
  for (const group of config.groups) for (const proc of group.processes) if (proc.autostart) autostarts++;
  return autostarts > perTurn;
}
