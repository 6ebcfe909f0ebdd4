/**
 * Issue 19: the peer of a unix-socket connection, checked and named at accept time.
 *
 * `allow_uids` / `allow_groups`: the peer's uid and gid come from SO_PEERCRED (@tsupervisord/reaper's native
 * addon). Root (uid 0) and the daemon's own uid are always allowed: they own the socket file and could change
 * its mode or the config anyway. A group matches the peer's primary gid (SO_PEERCRED) or a group in /etc/group
 * that lists the peer's user name. Without the addon nothing can be checked: the daemon refuses to start when
 * allow_* is configured (fail closed, see `peerCheckRefusal`).
 *
 * The connection is then labelled `unix uid=N pid=P` as its remoteAddress, which is what the gRPC server's peer
 * (grpc-js's getPeer() format, protocol's http2-server.ts) and the HTTP face read, so every call's caller (and
 * the audit) carries the uid.
 */
import type { Socket } from "node:net";
import type { ServerAccess, UserDb } from "@tsupervisord/config";
import { peerCredMechanism, peerCredentialsOf, type PeerCredentials } from "@tsupervisord/reaper";

/** Why the daemon cannot start with this section's allow_* (no addon), or undefined when it can. */
export function peerCheckRefusal(section: string, access: ServerAccess | undefined): string | undefined {
  if (access === undefined || (access.allowUids === null && access.allowGroups === null && access.uidRoles === null)) return undefined;
  const mechanism = peerCredMechanism();
  if (mechanism.kind === "native") return undefined;
  const keys = access.uidRoles !== null && access.allowUids === null && access.allowGroups === null ? "uid_roles" : "allow_uids/allow_groups";
  return `[${section}] sets ${keys}, but peer credentials cannot be read (${mechanism.reason}); refusing to start rather than serve the socket unchecked`;
}

function isPeerAllowed(cred: PeerCredentials, access: ServerAccess, userDb: UserDb, ownUid: number): boolean {
  if (cred.uid === 0 || cred.uid === ownUid) return true;
  if (access.allowUids?.includes(cred.uid) === true) return true;
  const groups = access.allowGroups;
  if (groups === null) return false;
  if (groups.includes(cred.gid)) return true;
  const name = userDb.users.find((u) => u.uid === cred.uid)?.name;
  return name !== undefined && userDb.groups.some((g) => groups.includes(g.gid) && g.members.includes(name));
}

/**
 * Checks one accepted connection: false (the caller closes it) when allow_* is set and the peer is not in it
 * or cannot be identified. Labels the socket with the peer's uid and pid whenever they can be read.
 */
export function admitUnixPeer(socket: Socket, access: ServerAccess | undefined, userDb: () => UserDb, ownUid: number): boolean {
  const cred = peerCredentialsOf(socket);
  if (cred !== undefined) Object.defineProperty(socket, "remoteAddress", { value: `unix uid=${cred.uid} pid=${cred.pid}`, configurable: true });
  if (access === undefined || (access.allowUids === null && access.allowGroups === null)) return true;
  return cred !== undefined && isPeerAllowed(cred, access, userDb(), ownUid);
}

/** The uid in a `unix uid=N pid=P` peer label, else undefined. */
export function uidOfPeer(peer: string): number | undefined {
  const match = /^unix uid=(\d+)/.exec(peer);
  return match === null ? undefined : Number(match[1]);
}
