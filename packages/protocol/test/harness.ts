/**
 * A real daemon-side stack for tests: the protocol's createGrpcServer behind a `net.Server` the test owns, on a
 * unix socket in a fresh temp dir and/or on 127.0.0.1:0, with every connection routed by handleConnection.
 *
 * The unix socket is created under umask 077 so it is born mode 0700, with no window in which another user
 * could connect: the approach the daemon uses for `[unix_http_server] file=` (set the umask from `chmod=`
 * around `listen()`, restore it right after, then `chown`). `listen()` creates the socket file synchronously
 * inside the call on Linux, so restoring the umask right after the call is safe in a single-threaded process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import {
  createConnectionRouter,
  createGrpcServer,
  handleConnection,
  type CreateGrpcServerOptions,
  type SupervisorGrpcServer,
  type SupervisorHandlers,
} from "../src/index.js";
import type { TlsOptions } from "node:tls";
import { waitFor } from "@tsupervisord/testkit";

export interface Harness {
  grpc: SupervisorGrpcServer;
  dir: string;
  socketPath: string;
  unixUrl: string;
  tcpUrl: string;
  port: number;
  close(): Promise<void>;
}

export interface HarnessOptions extends CreateGrpcServerOptions {
  http1?: ((socket: Duplex) => void) | ((socket: Duplex) => Promise<void>);
  tls?: TlsOptions;
}

function listen(server: NetServer, target: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const done = (): void => {
      server.off("error", reject);
      resolve();
    };
    if (typeof target === "string") server.listen(target, done);
    else server.listen(target.port, target.host, done);
  });
}

/** Listens on `path` with the socket file created mode 0700 (umask 077 around listen). */
export async function listenUnixPrivate(server: NetServer, path: string): Promise<void> {
  const previous = process.umask(0o077);
  try {
    const listening = listen(server, path);
    // The bind (and so the file's mode) happens synchronously inside listen(); the umask can go back now.
    process.umask(previous);
    await listening;
  } finally {
    process.umask(previous);
  }
}

export async function startHarness(handlers: SupervisorHandlers, options: HarnessOptions = {}): Promise<Harness> {
  const grpc = createGrpcServer(handlers, options);
  const dir = mkdtempSync(join(tmpdir(), "tsv-protocol-"));
  const socketPath = join(dir, "supervisor.sock");
  const route = { grpc: grpc.injector, http1: options.http1, tls: options.tls };
  // Remember every accepted connection so close() can cut idle keep-alive ones instead of waiting them out.
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  // Both entry points: a router made once (unix), and handleConnection with fresh handlers per connection, as
  // an inline `onConnection` in the daemon would do (TCP, also the TLS path).
  const routeUnix = createConnectionRouter({ ...route, tls: undefined });
  const unixServer = createServer((socket) => {
    track(socket);
    routeUnix(socket);
  });
  const tcpServer = createServer((socket) => {
    track(socket);
    handleConnection(socket, { grpc: grpc.injector, http1: options.http1, tls: options.tls });
  });
  await listenUnixPrivate(unixServer, socketPath);
  await listen(tcpServer, { host: "127.0.0.1", port: 0 });
  const port = (tcpServer.address() as AddressInfo).port;
  const closeServer = (server: NetServer): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
  return {
    grpc,
    dir,
    socketPath,
    unixUrl: `unix://${socketPath}`,
    tcpUrl: `http://127.0.0.1:${port}`,
    port,
    async close() {
      await grpc.close(200);
      const closed = Promise.all([closeServer(unixServer), closeServer(tcpServer)]);
      for (const socket of sockets) socket.destroy();
      await closed;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every method answers UNIMPLEMENTED-ish by throwing; tests override what they need. */
export function notImplemented(): never {
  throw new Error("not implemented in this test");
}

/** Resolves when `predicate()` is true (a handler's flag: nothing to subscribe to), or rejects at the deadline. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  await waitFor(what, predicate, timeoutMs, 5);
}
