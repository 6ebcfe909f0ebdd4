/**
 * The words of `[fcgi-program:x]` socket failures: socket URLs, Python's OSError text for Node's errno values, and
 * the `Could not create FastCGI socket <url>: <err>` error (spec §1.5.8). Split from fcgi-socket.ts, which creates
 * the sockets.
 */
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { getSystemErrorMap } from "node:util";

export type FcgiAddress = { kind: "unix"; path: string } | { kind: "tcp"; host: string; port: number };

/** `unix:///abs/path` or `tcp://host:port` (the config reader validated and normalised it). */
export function parseFcgiSocketUrl(url: string): FcgiAddress {
  if (url.startsWith("unix://")) return { kind: "unix", path: url.slice("unix://".length) };
  const m = /^tcp:\/\/([^\s:]+):(\d+)$/.exec(url);
  if (m === null) throw new Error(`Bad socket format ${url}`);
  return { kind: "tcp", host: m[1] as string, port: Number(m[2]) };
}

/** glibc's wording where libuv's differs (beyond the capital letter). */
const STRERROR_OVERRIDES: Record<string, string> = {
  EADDRNOTAVAIL: "Cannot assign requested address",
  ENAMETOOLONG: "File name too long",
  ELOOP: "Too many levels of symbolic links",
  ENOTFOUND: "Name or service not known",
  EAI_AGAIN: "Temporary failure in name resolution",
};
const GAI_ERRNO: Record<string, number> = { ENOTFOUND: -2, EAI_AGAIN: -3 };

/** A Python OSError's str(): `[Errno 98] Address already in use` (`: '<path>'` when the call had a file name). */
export function pythonOsError(code: string, errno: number | undefined, path?: string | null): string {
  const negative = typeof errno === "number" && errno < 0 ? errno : undefined;
  const number = GAI_ERRNO[code] ?? (negative !== undefined ? -negative : undefined);
  const known = negative !== undefined ? getSystemErrorMap().get(negative)?.[1] : undefined;
  const text = STRERROR_OVERRIDES[code] ?? (known !== undefined ? known[0]?.toUpperCase() + known.slice(1) : code);
  const head = number !== undefined ? `[Errno ${number}] ${text}` : text;
  return path !== undefined && path !== null ? `${head}: '${path}'` : head;
}

/** libuv turns a unix bind's ENOENT into EACCES (Windows compatibility); Python reports the real errno. */
export function unixBindErrno(path: string, errno: number): number {
  const eacces = -13;
  return errno === eacces && !existsSync(dirname(path)) ? -2 : errno;
}

export function errnoOf(err: unknown): { code: string; errno: number | undefined; path: string | undefined } {
  const e = err as NodeJS.ErrnoException;
  return { code: e.code ?? "EIO", errno: e.errno, path: e.path };
}

/** `Could not create FastCGI socket <url>: <err>` (FastCGIProcessGroup.__init__ / the spawn-time failure). */
export class FcgiSocketError extends Error {
  override readonly name = "FcgiSocketError";
}

export function failure(url: string, reason: string): FcgiSocketError {
  return new FcgiSocketError(`Could not create FastCGI socket ${url}: ${reason}`);
}

