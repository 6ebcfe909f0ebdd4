import net from "node:net";
import { ADDRESS_IN_USE_MESSAGE, ListenerError } from "./errors.js";
import { closeServer, describeSocketError, trackConnections, type OpenListener } from "./unix-socket.js";

export interface InetListenOptions {
  host: string;
  port: number;
  onConnection: (socket: net.Socket) => void;
}

/**
 * D-HTTP-04: `host:port` (empty or `*` host = every IPv4 interface, as supervisord binds). libuv sets
 * SO_REUSEADDR. TLS, when configured, is terminated by the connection handler so gRPC and HTTP/1.1 share it.
 */
export async function listenInet(opts: InetListenOptions): Promise<OpenListener> {
  const host = opts.host === "" || opts.host === "*" ? "0.0.0.0" : opts.host;
  const server = net.createServer(opts.onConnection);
  const sockets = trackConnections(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host, port: opts.port, backlog: 1024 }, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") throw new ListenerError(ADDRESS_IN_USE_MESSAGE);
    throw new ListenerError(describeSocketError(err));
  }
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? `${address.address}:${address.port}` : host;
  return {
    description: `tcp://${bound}`,
    close: () => closeServer(server),
    destroyConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
