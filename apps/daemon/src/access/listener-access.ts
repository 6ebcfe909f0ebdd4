/**
 * Issue 19: one listener's access control for both faces. Authentication (Basic credentials against the
 * section's users, the failed-login limit per peer, the failure counter for /metrics, one log line per peer and
 * window), then authorization by the one role table (role-table.ts) with the audit of what was allowed or
 * refused (audit.ts). A listener without users keeps supervisord's meaning: everyone who reaches it is admin.
 */
import type { Duplex } from "node:stream";
import type { HttpUser } from "@tsupervisord/config";
import { SupervisorError, roleAllows, type Caller, type Role } from "@tsupervisord/errors";
import type { AdmitOutcome, CallAccess, MethodName } from "@tsupervisord/protocol";
import { parseBasicAuthorization } from "@tsupervisord/protocol/light";
import type { HttpAccess, HttpAdmitOutcome } from "@tsupervisord/xmlrpc";
import { grpcTarget, xmlrpcTarget, type AuditEntry } from "./audit.js";
import type { LoginLimiter } from "./login-limiter.js";
import type { PasswordVerifier } from "./passwords.js";
import { GRPC_METHOD_ROLES, xmlrpcMethodRole } from "./role-table.js";
import { uidOfPeer } from "./unix-peer.js";

export type Face = Caller["face"];

/** What every listener of the daemon shares (and what outlives a reload: the limiter and the counters). */
export interface AccessServices {
  limiter: LoginLimiter;
  verifier: PasswordVerifier;
  /** Failed logins per face since the daemon started (`tsupervisord_auth_failures_total`). */
  failures: Record<Face, number>;
  /** Where failed-login lines go (WARN). */
  warn: (line: string) => void;
  audit: (entry: AuditEntry) => void;
  /** A unix-socket peer outside allow_uids/allow_groups was cut (logged once per peer and window). */
  refusedPeer: (section: string, peer: string) => void;
}

/** A server section's users: `users`/`users_file` (with `username`/`password` first, as admin), else that one admin. */
function sectionUsers(server: { auth: { username: string; password: string } | null; access?: { users: HttpUser[] } }): HttpUser[] | null {
  if (server.access !== undefined && server.access.users.length > 0) return server.access.users;
  return server.auth === null ? null : [{ ...server.auth, role: "admin" }];
}

export function accessFor(
  server: { auth: { username: string; password: string } | null; access?: { users: HttpUser[]; uidRoles: Array<{ uid: number; role: Role }> | null } },
  services: AccessServices,
): ListenerAccess {
  const uidRoles = new Map((server.access?.uidRoles ?? []).map((entry) => [entry.uid, entry.role]));
  return new ListenerAccess(sectionUsers(server), services, uidRoles);
}

type Refusal = "unauthorized" | "limited" | "malformed";

/** The limiter's key: the address without the port for TCP, the uid label for a unix socket. */
function peerKey(peer: string): string {
  if (peer.startsWith("unix")) return peer.replace(/ pid=\d+$/, "");
  const colon = peer.lastIndexOf(":");
  return colon > 0 && /^\d+$/.test(peer.slice(colon + 1)) ? peer.slice(0, colon) : peer;
}

export class ListenerAccess {
  /** Users by name; null: the listener has no credentials. */
  private readonly users: Map<string, HttpUser> | null;
  /**
   * What an unknown user name is checked against: a bcrypt hash of the section when it has one, so a wrong name
   * costs what a wrong password costs and the answer's timing does not say which names exist.
   */
  private readonly decoy: string;

  constructor(
    users: readonly HttpUser[] | null,
    private readonly services: AccessServices,
    /** `uid_roles` of a unix socket without users: the role of a listed peer uid (others are admin). */
    private readonly uidRoles: ReadonlyMap<number, Role> = new Map(),
  ) {
    this.users = users === null || users.length === 0 ? null : new Map(users.map((u) => [u.username, u]));
    this.decoy = users?.find((u) => u.password.startsWith("$2"))?.password ?? "\u0000";
  }

  /** The gRPC face's hooks (packages/protocol's CallAccess). */
  grpc(): CallAccess {
    return {
      authenticate: (header, peer): Promise<AdmitOutcome> =>
        this.authenticate(header, peer, "grpc").then((r) =>
          typeof r === "string" ? { ok: false, refusal: r === "limited" ? "limited" : "unauthenticated" } : { ok: true, caller: r },
        ),
      authorize: (method: MethodName, caller, request) =>
        this.authorize(caller, method, GRPC_METHOD_ROLES[method], grpcTarget(method, request)),
    };
  }

  /** The HTTP/1.1 face's hooks (packages/xmlrpc's HttpAccess). */
  http(): HttpAccess {
    return {
      authenticate: (header, socket, face): Promise<HttpAdmitOutcome> =>
        this.authenticate(header, httpPeer(socket), face).then((r) => (typeof r === "string" ? { ok: false, refusal: r } : { ok: true, caller: r })),
      authorize: (method, caller, params) => this.authorize(caller, method, xmlrpcMethodRole(method), xmlrpcTarget(method, params)),
    };
  }

  private async authenticate(header: string | undefined, peer: string, face: Face): Promise<Caller | Refusal> {
    const uid = uidOfPeer(peer);
    const base = { peer, face, ...(uid === undefined ? {} : { uid }) };
    if (this.users === null) {
      // With uid_roles, a peer whose uid cannot be read gets the least role rather than the most.
      const role = uid === undefined ? (this.uidRoles.size > 0 ? "viewer" : "admin") : (this.uidRoles.get(uid) ?? "admin");
      return { ...base, user: uid === undefined ? "anonymous" : `uid:${uid}`, role };
    }
    const key = peerKey(peer);
    if (this.services.limiter.isLimited(key)) return this.fail(key, peer, face, undefined, "limited");
    const supplied = header === undefined ? undefined : parseBasicAuthorization(header);
    if (supplied === undefined) return this.fail(key, peer, face, undefined, header === undefined ? "unauthorized" : "malformed");
    const user = this.users.get(supplied.username);
    // An unknown user costs a verification too (against the decoy); it never succeeds, whatever it returns.
    const ok = await this.services.verifier.verify(supplied.username, user?.password ?? this.decoy, supplied.password);
    if (user === undefined || !ok) return this.fail(key, peer, face, supplied.username, "unauthorized");
    return { ...base, user: user.username, role: user.role };
  }

  private fail(key: string, peer: string, face: Face, user: string | undefined, refusal: Refusal): Refusal {
    // A request without credentials is how every Basic-auth client starts (it retries with them after the
    // 401): neither a failure nor a spent try.
    if (refusal === "unauthorized" && user === undefined) return refusal;
    this.services.failures[face] += 1;
    if (refusal === "limited") return refusal;
    const verdict = this.services.limiter.recordFailure(key);
    if (verdict.log) {
      const who = user === undefined ? "malformed credentials" : `user ${JSON.stringify(user.slice(0, 64))}`;
      const more = verdict.unlogged > 0 ? ` (and ${verdict.unlogged} more failures from this peer since the last line)` : "";
      this.services.warn(`authentication failed: ${who} from peer=${peer} face=${face}${more}`);
    }
    return refusal;
  }

  private authorize(caller: Caller, method: string, needed: Role, target: string): void {
    if (!roleAllows(caller.role, needed)) {
      this.services.audit({ caller, method, target, outcome: "denied" });
      throw new SupervisorError("PERMISSION_DENIED", `${method} needs the ${needed} role; ${caller.user} is ${caller.role}`);
    }
    if (needed !== "viewer") this.services.audit({ caller, method, target, outcome: "allowed" });
  }
}

/** An HTTP/1.1 connection's peer as gRPC's getPeer spells it (`addr:port`, or the unix label). */
function httpPeer(socket: Duplex): string {
  const s = socket as Duplex & { remoteAddress?: string; remotePort?: number };
  if (s.remoteAddress === undefined) return "unix";
  return s.remotePort === undefined ? s.remoteAddress : `${s.remoteAddress}:${s.remotePort}`;
}
