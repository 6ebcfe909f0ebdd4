import { serverAuthVerdict, type Config } from "@tsupervisord/config";
import type { ActivityLog } from "@tsupervisord/logs";
import { createGrpcServer, handleConnection, type SupervisorGrpcServer, type SupervisorHandlers } from "@tsupervisord/protocol";
import { ListenerError } from "../listeners/errors.js";
import { listenInet } from "../listeners/inet-socket.js";
import { listenUnix, type OpenListener } from "../listeners/unix-socket.js";
import { createHttp1Handler, type HealthProbes, type Http1ConnectionHandler, type SupervisorRpcBackend } from "@tsupervisord/xmlrpc";
import { ownVersion } from "../version.js";
import { loadTlsFromEnvironment } from "./tls.js";

export interface OpenServers {
  close(): Promise<void>;
}

/**
 * D-HTTP-07 (stricter than supervisord for non-loopback TCP only): see @tsupervisord/config's server-auth.ts;
 * `tsupervisord -t` reports the same verdict.
 */
export { ALLOW_UNAUTHENTICATED_TCP_ENV } from "@tsupervisord/config";

/**
 * §7.2 step 7: one listener per `[unix_http_server]` / `[inet_http_server]`, each with its own grpc-js server
 * (its own credentials, checked on every call). HTTP/1.x connections on the same socket go to supervisord's
 * XML-RPC face (@tsupervisord/xmlrpc) over `xmlrpc`, with the same credentials.
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
  } = {},
): Promise<OpenServers> {
  const opened: Array<{ listener: OpenListener; grpc: SupervisorGrpcServer; http1: Http1ConnectionHandler }> = [];
  const closeAll = async (): Promise<void> => {
    for (const { listener, grpc, http1 } of opened.reverse()) {
      // Stop accepting first (and remove the socket file), so no new connection reaches a grpc server that is
      // shutting down (it would hang there); then close grpc, which ends the connections the listener's close
      // is waiting for.
      const listenerClosed = listener.close();
      // Kept-alive XML-RPC connections and running /logtail responses end here (they would hold the close).
      http1.close();
      await grpc.close(1000);
      // Clients whose calls completed close their connections once they have the last frames (the trailers of
      // a `shutdown` reply are written after grpc-js counts the call as done: cut at once, the client never got
      // them and retried into the removed socket, issue 21 defect 3). Give them up to a second to do so.
      await settlesWithin(listenerClosed, 1000);
      // Whatever grpc-js did not end (an injected connection may survive its forced shutdown) is cut here, so
      // a client reconnects to the next generation instead of talking to this one's handlers.
      listener.destroyConnections();
      await listenerClosed;
    }
    opened.length = 0;
  };
  // The web UI's footer names us and our own release (the API keeps reporting supervisord's version).
  const identity = { productName: "tsupervisord", productVersion: ownVersion() };
  const grpcFor = (auth: { username: string; password: string } | null, idleSeconds: number): SupervisorGrpcServer =>
    createGrpcServer(handlers, {
      auth,
      // issue 19: also ends connections Node's HTTP/2 leaves open after a protocol-error GOAWAY (ext/grpc-idle.ts).
      ...(idleSeconds > 0 ? { channelOptions: { "grpc.max_connection_idle_ms": idleSeconds * 1000 } } : {}),
      onUnexpectedError: (err, method) => log.critical(`unexpected error in ${method}: ${boundedStack(err)}`),
    });
  const http1For = (auth: { username: string; password: string } | null): Http1ConnectionHandler =>
    createHttp1Handler({
      backend: xmlrpc,
      auth,
      logger: log,
      identity,
      dispatcher: { supervisorNamespace: config.standardRpcInterface },
      ...(routes.health === undefined ? {} : { health: routes.health }),
      ...(routes.metrics === undefined ? {} : { metrics: routes.metrics }),
    });
  try {
    const { refusals } = serverAuthVerdict(config, process.env);
    if (refusals.length > 0) throw new ListenerError(refusals.join("\n"));
    for (const server of config.inetHttpServers) {
      const grpc = grpcFor(server.auth, server.grpcIdleTimeoutSeconds);
      const http1 = http1For(server.auth);
      const tls = loadTlsFromEnvironment();
      const listener = await listenInet({
        host: server.host,
        port: server.port,
        onConnection: (socket) => handleConnection(socket, { grpc: grpc.injector, tls, http1 }),
      });
      opened.push({ listener, grpc, http1 });
      announce(log, config, server.section, server.auth !== null);
    }
    for (const server of config.unixHttpServers) {
      const grpc = grpcFor(server.auth, server.grpcIdleTimeoutSeconds);
      const http1 = http1For(server.auth);
      const listener = await listenUnix({
        file: server.file,
        mode: server.chmod,
        chown: server.chown,
        warn: warnOnTerminal,
        onConnection: (socket) => handleConnection(socket, { grpc: grpc.injector, http1 }),
      });
      opened.push({ listener, grpc, http1 });
      announce(log, config, server.section, server.auth !== null);
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  return { close: closeAll };
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

/** SPN-13: the URL children get in SUPERVISOR_SERVER_URL — supervisord takes the first server, TCP ones first. */
export function serverUrlFor(config: Config): string | null {
  const inet = config.inetHttpServers[0];
  if (inet !== undefined) return `http://${inet.host === "" || inet.host === "*" ? "localhost" : inet.host}:${inet.port}`;
  const unix = config.unixHttpServers[0];
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
