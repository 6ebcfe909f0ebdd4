import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { ADDRESS_IN_USE_MESSAGE, ListenerError } from "./errors.js";

export interface UnixListenOptions {
  file: string;
  /** Exact mode of the socket file (`chmod=`, default 0700). */
  mode: number;
  chown: { uid: number; gid: number } | null;
  /** Where "Unlinking stale socket" goes (the terminal in supervisord). */
  warn: (line: string) => void;
  onConnection: (socket: net.Socket) => void;
}

export interface OpenListener {
  readonly description: string;
  /** Stops accepting at once (and removes the socket file); resolves when every connection has ended. */
  close(): Promise<void>;
  /** Cuts the connections still open (after the protocol layer had its chance to end them gracefully). */
  destroyConnections(): void;
}

/** Every accepted connection until it closes, so a shutdown can cut the ones nobody ended. */
export function trackConnections(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return sockets;
}

/**
 * D-HTTP-01..03: the socket is bound under a temporary name `<file>.<pid>` while the umask is 0177, so it is
 * never reachable with a wider mode; it is chmod-ed to the exact `chmod=` value, then hard-linked to `<file>`.
 * If `<file>` exists, a live server there (it answers a connect) makes startup fail with supervisord's message;
 * a dead one is a stale socket: unlinked (with supervisord's notice on stderr) and the link retried.
 */
export async function listenUnix(opts: UnixListenOptions): Promise<OpenListener> {
  const tempName = `${opts.file}.${process.pid}`;
  for (let attempt = 0; ; attempt += 1) {
    const server = net.createServer(opts.onConnection);
    const sockets = trackConnections(server);
    try {
      await bindRestricted(server, tempName);
      fs.chmodSync(tempName, opts.mode);
      try {
        fs.linkSync(tempName, opts.file);
      } catch (err) {
        await closeServer(server);
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        if (await isSocketAlive(opts.file)) throw new ListenerError(ADDRESS_IN_USE_MESSAGE);
        if (attempt >= 10) throw new ListenerError(ADDRESS_IN_USE_MESSAGE);
        opts.warn(`Unlinking stale socket ${opts.file}`);
        try {
          fs.unlinkSync(opts.file);
        } catch {
          // Someone else removed it: just retry.
        }
        await sleep(300);
        continue;
      }
      if (opts.chown !== null) chownSocket(opts.file, opts.chown);
      return {
        description: `unix://${opts.file}`,
        close: async () => {
          const closed = closeServer(server); // stops accepting at once
          try {
            fs.unlinkSync(opts.file);
          } catch {
            // Already gone.
          }
          await closed;
        },
        destroyConnections: () => {
          for (const socket of sockets) socket.destroy();
        },
      };
    } finally {
      try {
        fs.unlinkSync(tempName);
      } catch {
        // Never created, or already removed.
      }
    }
  }
}

async function bindRestricted(server: net.Server, path: string): Promise<void> {
  try {
    fs.unlinkSync(path); // A leftover from a crashed daemon with our pid.
  } catch {
    // Normal: it does not exist.
  }
  // The bind happens synchronously inside listen(), so only the socket file creation sees this umask.
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ path, backlog: 1024 }, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    throw new ListenerError(describeSocketError(err));
  } finally {
    process.umask(previous);
  }
}

function chownSocket(file: string, owner: { uid: number; gid: number }): void {
  try {
    fs.chownSync(file, owner.uid, owner.gid);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EPERM") {
      let user = String(process.geteuid?.() ?? "");
      try {
        user = os.userInfo().username;
      } catch {
        // No passwd entry: keep the uid.
      }
      throw new ListenerError(
        `Not permitted to chown ${file} to uid/gid (${owner.uid}, ${owner.gid}); adjust "sockchown" value in ` +
          `config file or on command line to values that the current user (${user}) can successfully chown`,
      );
    }
    throw new ListenerError(describeSocketError(err));
  }
}

/** supervisord's `checkused`: connect and send a request; any failure means nobody is serving there. */
export function isSocketAlive(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ path: file });
    const done = (alive: boolean): void => {
      socket.destroy();
      resolve(alive);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once("connect", () => {
      socket.write("GET / HTTP/1.0\r\n\r\n");
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    // A connection nobody ends (a stuck HTTP/1.1 peer) must not hold the daemon's exit.
    setTimeout(resolve, 2000).unref();
  });
}

export function describeSocketError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? "EIO";
  const num = (os.constants.errno as Record<string, number>)[code] ?? 0;
  return `Cannot open an HTTP server: socket.error reported errno.${code} (${num})`;
}
