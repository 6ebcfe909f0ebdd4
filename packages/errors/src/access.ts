/**
 * The access vocabulary shared by every face (issue 19): three roles, ordered, and who is calling. Here rather
 * than in protocol or xmlrpc because both faces (and config, which reads `users = alice:pw:operator`) need the
 * same words, and everything may import this package.
 */

/** Weakest first: each role may do everything the ones before it may. */
export const ROLES = ["viewer", "operator", "admin"] as const;

/**
 * - viewer: read state and logs, tail, watch;
 * - operator: also start, stop, restart, signal processes;
 * - admin: also reread/update/add/remove, shutdown/restart the daemon, write stdin, clear logs.
 */
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Does a caller holding `held` pass a method that needs `needed`? */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** Who made a call, as the daemon authenticated it. Never carries a password. */
export interface Caller {
  /** The authenticated user name, or `uid:N` / `anonymous` when the listener has no credentials. */
  readonly user: string;
  readonly role: Role;
  /** `127.0.0.1:40522`, or `unix` for a local socket. */
  readonly peer: string;
  /** The peer's uid from SO_PEERCRED on a unix socket, when known. */
  readonly uid?: number;
  /** Which face the call came in on. */
  readonly face: "grpc" | "xmlrpc" | "webui";
}

/** `user=alice role=operator peer=127.0.0.1:40522 uid=1000 face=grpc`, for the audit and failure lines. */
export function describeCaller(caller: Caller): string {
  const uid = caller.uid === undefined ? "" : ` uid=${caller.uid}`;
  return `user=${JSON.stringify(caller.user)} role=${caller.role} peer=${caller.peer}${uid} face=${caller.face}`;
}
