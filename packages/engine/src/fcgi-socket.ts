/**
 * `[fcgi-program:x]` sockets (spec §1.5.8, SPN-10): supervisord's SocketManager. One listening socket per fcgi
 * group, created (bound + listening) in the daemon before the first child of the group is spawned, handed to every
 * child as fd 0, reference-counted per child and closed when the last child has exited.
 *
 * How a Node daemon can hold a listening socket without accepting on it — the design choice:
 *
 * - `net.createServer().listen()` in the daemon is not usable: libuv starts polling a socket the moment it listens
 *   and accepts every connection (Node's TCPWrap/PipeWrap accept unconditionally), so the daemon would steal
 *   connections meant for the children. There is no public or private call that stops a listening handle's
 *   accept loop without closing the fd, and Node cannot dup() an fd.
 * - So a short-lived helper Node process (`process.execPath -e`, no extra runtime dependency) unlinks a stale
 *   socket file, binds and listens, applies socket_owner/socket_mode, and hands the listening socket to the daemon
 *   over its IPC channel (SCM_RIGHTS) as a raw handle ("net.Native"). A raw handle received over IPC is only
 *   opened (uv_accept on the channel → uv__stream_open), never listened on, so the daemon holds the fd without
 *   polling it. The helper listens and sends in the same synchronous step and exits from the send callback (a
 *   nextTick for the synchronous IPC write), so it never returns to its event loop with the socket registered
 *   either: no process but the fcgi children ever accepts.
 * - Children get the fd with `stdio: [fd, …]`; libuv dup2()s it to 0 and clears O_NONBLOCK there, so a FastCGI
 *   program calling a blocking accept() works (as with supervisord's blocking Python socket).
 * - The received fd is close-on-exec, so other children never inherit it.
 * - The fail-early check at group creation (FastCGIProcessGroup.__init__) must be synchronous (group add is), so
 *   it binds, listens and closes in-process within one synchronous step via `net._createServerHandle` (the
 *   handle factory Node's cluster module uses): nothing can be accepted before the close.
 *
 * Differences from supervisord, deliberate:
 * - Creating the socket takes a helper process (tens to a few hundred ms), so the first spawn of a group is
 *   deferred until the socket is ready (the process is STARTING without a pid meanwhile).
 * - A reference is released after the child's exit has been processed, so an immediate autorestart (T3) keeps
 *   the socket open; supervisord closes it and re-creates it within the same loop iteration (connections in
 *   between were refused there).
 * - The unix socket file is created with umask 0777 and then chowned/chmodded, so it is never briefly reachable
 *   with the daemon's umask. The early check removes its own socket file again (libuv unlinks on close);
 *   supervisord leaves a dead socket file behind (it is replaced on the next creation anyway).
 * - A creation failure at spawn time is a spawn error (spawnerr `Could not create FastCGI socket <url>: <err>`,
 *   BACKOFF/FATAL as usual); supervisord raises out of its main loop there and dies.
 */
import { spawn as nodeSpawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, unlinkSync } from "node:fs";
import net from "node:net";
import { getSystemErrorMap } from "node:util";
import type { GroupConfig } from "@tsupervisord/config";
import type { EngineLogger } from "./logger.js";
import { FcgiSocketError, errnoOf, failure, parseFcgiSocketUrl, pythonOsError, unixBindErrno } from "./fcgi-errors.js";
import type { FcgiAddress } from "./fcgi-errors.js";

export { FcgiSocketError, parseFcgiSocketUrl, pythonOsError };
export type { FcgiAddress };

export type FcgiSocketConfig = NonNullable<GroupConfig["fcgi"]>;

/** Python's socket.SOMAXCONN on Linux (the kernel caps it at net.core.somaxconn). */
const SOMAXCONN = 4096;
/** How long a socket-creating helper may take before the creation counts as failed. */
const HELPER_TIMEOUT_MS = 30_000;

// ---- the synchronous fail-early check ---------------------------------------------------------------------

interface ServerHandle {
  listen(backlog: number): number;
  close(): void;
}
type CreateServerHandle = (address: string, port: number, addressType: number) => ServerHandle | number;

/**
 * Resolve a tcp host to one IPv4 address synchronously (supervisord binds AF_INET, getaddrinfo). IP literals and
 * `localhost` need no lookup; other names ask a child Node's dns.lookup (blocking, rare: only for host names).
 */
function resolveIpv4Sync(host: string): string {
  if (net.isIPv4(host)) return host;
  if (host === "localhost") return "127.0.0.1";
  const script =
    "require('dns').lookup(process.argv[1],{family:4},(e,a)=>{process.stdout.write(JSON.stringify(e?{code:e.code}:{address:a}))})";
  const out = execFileSync(process.execPath, ["-e", script, host], { encoding: "utf8", env: helperEnv(), timeout: HELPER_TIMEOUT_MS });
  const parsed = JSON.parse(out) as { code?: string; address?: string };
  if (parsed.address !== undefined) return parsed.address;
  const code = parsed.code ?? "ENOTFOUND";
  throw Object.assign(new Error(code), { code });
}

function withUmask<T>(mask: number, run: () => T): T {
  const previous = process.umask(mask);
  try {
    return run();
  } finally {
    process.umask(previous);
  }
}

/**
 * FastCGIProcessGroup.__init__: create the socket once and close it at once, to fail early on a config problem.
 * Logs `Creating socket <url>` / `Closing socket <url>` as supervisord does; throws FcgiSocketError.
 */
export function checkFcgiSocket(config: FcgiSocketConfig, logger: EngineLogger): void {
  const url = config.socket;
  // PRIVATE NODE INTERNAL: net._createServerHandle (what the cluster module uses) is the only way to bind and
  // listen synchronously without libuv starting to accept. Should a Node release drop or change it, the check is
  // skipped (logged at debug) and the spawn-time creation still reports the failure; the loud signal is
  // packages/engine/test/node-internals.test.ts, which fails on such a Node.
  const create = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
  if (typeof create !== "function") {
    logger.debug(`cannot check FastCGI socket ${url} early: net._createServerHandle is missing`);
    return;
  }
  const address = parseFcgiSocketUrl(url);
  logger.info(`Creating socket ${url}`);
  const backlog = config.backlog ?? SOMAXCONN;
  let handle: ServerHandle | number;
  if (address.kind === "unix") {
    try {
      if (existsSync(address.path)) unlinkSync(address.path);
    } catch (err) {
      const e = errnoOf(err);
      throw failure(url, pythonOsError(e.code, e.errno, e.path));
    }
    handle = withUmask(0o777, () => create(address.path, -1, -1));
  } else {
    let ip: string;
    try {
      ip = resolveIpv4Sync(address.host);
    } catch (err) {
      const e = errnoOf(err);
      throw failure(url, pythonOsError(e.code, e.errno));
    }
    handle = create(ip, address.port, 4);
  }
  if (typeof handle === "number") {
    throw failure(url, errnoMessage(address.kind === "unix" ? unixBindErrno(address.path, handle) : handle));
  }
  // Bound: nothing below may yield to the event loop before close() (no accept can happen in between).
  try {
    if (address.kind === "unix") applyOwnerAndMode(address.path, config);
    const err = handle.listen(backlog);
    if (err !== 0) throw failure(url, errnoMessage(err));
  } catch (err) {
    handle.close();
    if (err instanceof FcgiSocketError) throw err;
    throw failure(url, String((err as Error).message));
  }
  handle.close();
  logger.info(`Closing socket ${url}`);
}

function errnoMessage(errno: number): string {
  const name = getSystemErrorMap().get(errno)?.[0] ?? "EIO";
  return pythonOsError(name, errno);
}

/** UnixStreamSocketConfig._chown/_chmod with supervisord's messages. */
function applyOwnerAndMode(path: string, config: FcgiSocketConfig): void {
  if (config.owner !== null) {
    try {
      chownSync(path, config.owner.uid, config.owner.gid);
    } catch (err) {
      const e = errnoOf(err);
      throw new Error(`Could not change ownership of socket file: ${pythonOsError(e.code, e.errno, e.path)}`);
    }
  }
  try {
    chmodSync(path, config.mode);
  } catch (err) {
    const e = errnoOf(err);
    throw new Error(`Could not change permissions of socket file: ${pythonOsError(e.code, e.errno, e.path)}`);
  }
}

// ---- the helper that creates the socket for the children ----------------------------------------------------

/**
 * Runs as `node -e HELPER <json>`. Reports `{ ok: true }` with the listening handle, or `{ ok: false, … }`.
 * Listen, chown/chmod and send happen in one synchronous step after 'listening' (emitted on nextTick), and the
 * exit happens in the send callback (nextTick for a synchronous IPC write): the helper's event loop never polls
 * the listening socket.
 */
const HELPER = String.raw`"use strict";
(() => {
const net = require("node:net"), fs = require("node:fs"), dns = require("node:dns");
const spec = JSON.parse(process.argv[1]);
const report = (msg, handle) => { process.send(msg, handle, () => process.exit(msg.ok ? 0 : 1)); };
const fail = (stage, e) => report({ ok: false, stage, code: e.code || "EIO", errno: e.errno, path: e.path || null, message: String(e.message) });
const server = net.createServer();
server.on("error", (e) => fail("bind", e));
server.on("listening", () => {
  if (spec.unix) {
    let stage = "chown";
    try {
      if (spec.owner) fs.chownSync(spec.path, spec.owner.uid, spec.owner.gid);
      stage = "chmod";
      fs.chmodSync(spec.path, spec.mode);
    } catch (e) { server.close(); return fail(stage, e); }
  }
  report({ ok: true }, server._handle);
});
if (spec.unix) {
  try { if (fs.existsSync(spec.path)) fs.unlinkSync(spec.path); } catch (e) { return fail("unlink", e); }
  process.umask(0o777);
  server.listen({ path: spec.path, backlog: spec.backlog });
} else if (net.isIPv4(spec.host)) {
  server.listen({ host: spec.host, port: spec.port, backlog: spec.backlog });
} else {
  dns.lookup(spec.host, { family: 4 }, (e, ip) => {
    if (e) return fail("resolve", e);
    server.listen({ host: ip, port: spec.port, backlog: spec.backlog });
  });
}
})();
`;

interface HelperReport {
  ok: boolean;
  stage?: "bind" | "unlink" | "resolve" | "chown" | "chmod";
  code?: string;
  errno?: number;
  path?: string | null;
  message?: string;
}

/** The raw libuv handle (TCPWrap / PipeWrap) received over IPC: the daemon's reference to the socket. */
interface HeldHandle {
  readonly fd: number;
  close(callback?: () => void): void;
}

function helperEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && key !== "NODE_OPTIONS") env[key] = value;
  }
  return env;
}

function helperFailureText(r: HelperReport, address: FcgiAddress): string {
  if (r.stage === "bind" && address.kind === "unix" && typeof r.errno === "number") {
    return errnoMessage(unixBindErrno(address.path, r.errno));
  }
  const os = pythonOsError(r.code ?? "EIO", r.errno, r.stage === "bind" || r.stage === "resolve" ? null : r.path);
  if (r.stage === "chown") return `Could not change ownership of socket file: ${os}`;
  if (r.stage === "chmod") return `Could not change permissions of socket file: ${os}`;
  return os;
}

/** Create the listening socket in a helper process and receive it. Rejects with FcgiSocketError. */
export function createListeningSocket(config: FcgiSocketConfig): Promise<HeldHandle> {
  const url = config.socket;
  const address = parseFcgiSocketUrl(url);
  const spec =
    address.kind === "unix"
      ? { unix: true, path: address.path, owner: config.owner, mode: config.mode, backlog: config.backlog ?? SOMAXCONN }
      : { unix: false, host: address.host, port: address.port, backlog: config.backlog ?? SOMAXCONN };
  return new Promise<HeldHandle>((resolve, reject) => {
    let settled = false;
    const settle = (err: FcgiSocketError | null, handle?: HeldHandle): void => {
      if (settled) {
        handle?.close();
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (err !== null) reject(err);
      else resolve(handle as HeldHandle);
    };
    let child;
    try {
      child = nodeSpawn(process.execPath, ["-e", HELPER, JSON.stringify(spec)], {
        stdio: ["ignore", "ignore", "pipe", "ipc"],
        env: helperEnv(),
      });
    } catch (err) {
      const e = errnoOf(err);
      settle(failure(url, `cannot start the socket helper: ${pythonOsError(e.code, e.errno)}`));
      return;
    }
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      settle(failure(url, "timed out creating the socket"));
    }, HELPER_TIMEOUT_MS);
    let stderr = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    // The daemon acknowledges a received handle (NODE_HANDLE_ACK); the helper may already be gone.
    child.on("error", (err) => settle(failure(url, `socket helper: ${err.message}`)));
    child.on("message", (message: HelperReport, handle: unknown) => {
      if (message.ok && isHeldHandle(handle)) settle(null, handle);
      else if (message.ok) settle(failure(url, "the socket helper sent no socket"));
      else settle(failure(url, helperFailureText(message, address)));
    });
    // 'close' follows the exit, the stdio EOFs and the IPC channel's end, so every message was delivered by then.
    child.on("close", (code, signal) => {
      settle(failure(url, `the socket helper exited (${signal ?? `code ${String(code)}`}) ${stderr.trim()}`.trim()));
    });
  });
}

function isHeldHandle(value: unknown): value is HeldHandle {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { fd?: unknown }).fd === "number" &&
    typeof (value as { close?: unknown }).close === "function"
  );
}

// ---- the per-group manager --------------------------------------------------------------------------------------

/** One child's reference on the group socket (FastCGISubprocess.fcgi_sock); release() is idempotent. */
export interface FcgiLease {
  /** The listening fd, or a promise of it while the socket is being created. */
  readonly fd: number | Promise<number>;
  release(): void;
}

/** SocketManager: a reference counter whose 0→1 creates the socket and whose 1→0 closes it. */
export class FcgiSocket {
  private refs = 0;
  private handle: HeldHandle | null = null;
  private creating: Promise<HeldHandle> | null = null;
  private disposed = false;

  constructor(
    readonly config: FcgiSocketConfig,
    private readonly logger: EngineLogger,
    private readonly create: (config: FcgiSocketConfig) => Promise<HeldHandle> = createListeningSocket,
  ) {}

  get url(): string {
    return this.config.socket;
  }

  /** Children currently holding a reference (spawning or running). */
  get refCount(): number {
    return this.refs;
  }

  /** True while the daemon holds the listening socket. */
  get isOpen(): boolean {
    return this.handle !== null;
  }

  /** get_socket(): take a reference; the first one creates the socket (in a helper, so possibly later). */
  acquire(): FcgiLease {
    this.refs += 1;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.release();
    };
    if (this.handle !== null) return { fd: this.handle.fd, release };
    if (this.disposed) {
      return { fd: Promise.reject(failure(this.url, "the process group was removed")), release };
    }
    if (this.creating === null) {
      this.logger.info(`Creating socket ${this.url}`);
      const creating = this.create(this.config).then(
        (handle) => {
          if (this.creating === creating) this.creating = null;
          if (this.disposed || this.refs === 0) {
            handle.close();
            throw failure(this.url, "no process needs the socket any more");
          }
          this.handle = handle;
          return handle;
        },
        (err: unknown) => {
          if (this.creating === creating) this.creating = null;
          throw err;
        },
      );
      this.creating = creating;
    }
    return { fd: this.creating.then((h) => h.fd), release };
  }

  /** Close whatever is held (group removed, daemon shut down); children keep their own copies. */
  dispose(): void {
    this.disposed = true;
    this.closeHandle();
  }

  private release(): void {
    this.refs = Math.max(0, this.refs - 1);
    if (this.refs === 0) this.closeHandle();
  }

  private closeHandle(): void {
    if (this.handle === null) return;
    const handle = this.handle;
    this.handle = null;
    this.logger.info(`Closing socket ${this.url}`);
    handle.close();
  }
}
