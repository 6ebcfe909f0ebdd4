/**
 * Who is at the other end of an accepted unix socket (issue 19's `allow_uids` / `allow_groups`), through the
 * addon's `peerCred(fd)` (native/peercred.c, SO_PEERCRED). Without the addon there is no JavaScript fallback
 * that could tell: callers must fail closed (the daemon refuses to start when allow_* is configured).
 */
import type { Socket } from "node:net";
import { nativeReaper, unavailableReason, type PeerCredentials } from "./native.js";

export type { PeerCredentials } from "./native.js";

/** The addon's peerCred, or why it is unavailable (for the daemon's start-up line / refusal). */
export function peerCredMechanism(): { kind: "native"; peerCred: (fd: number) => PeerCredentials } | { kind: "unavailable"; reason: string } {
  const addon = nativeReaper();
  if (addon !== undefined && typeof addon.peerCred === "function") return { kind: "native", peerCred: (fd) => addon.peerCred(fd) };
  return { kind: "unavailable", reason: unavailableReason() ?? "the native addon predates peerCred (rebuild @tsupervisord/reaper)" };
}

/**
 * The file descriptor libuv holds for a connected socket. Node exposes it only on the internal handle; a
 * socket without one (already closed, or a wrapped stream) gives undefined.
 */
export function socketFd(socket: Socket): number | undefined {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } })._handle;
  const fd = handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : undefined;
}

/** SO_PEERCRED of an accepted unix socket, or undefined when it cannot be read (no addon, no fd, an error). */
export function peerCredentialsOf(socket: Socket): PeerCredentials | undefined {
  const mechanism = peerCredMechanism();
  if (mechanism.kind !== "native") return undefined;
  const fd = socketFd(socket);
  if (fd === undefined) return undefined;
  let cred: PeerCredentials;
  try {
    cred = mechanism.peerCred(fd);
  } catch {
    return undefined;
  }
  // A socket with no peer process (TCP) reads pid 0 and uid/gid (uid_t)-1 on Linux: that is nobody we know.
  return cred.pid === 0 || cred.uid === 0xffffffff ? undefined : cred;
}
