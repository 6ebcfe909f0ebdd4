/**
 * Access-control extension keys of `[inet_http_server]` / `[unix_http_server]` (issue 19). supervisord 4.2.5
 * ignores them, so one file runs under both (there, without them: keep `username`/`password` too if the same
 * file must stay protected under supervisord).
 *
 * - `users = alice:{SHA}hex:operator, bob:secret:viewer`: name, password (supervisord's forms: plain or
 *   `{SHA}` + lower-case hex SHA-1; or a bcrypt hash), role. The name ends at the first colon and the role
 *   starts after the last, so a password may contain colons but not commas.
 * - `users_file = PATH`: htpasswd-style lines `name:hash` or `name:hash:role` (role default viewer, the least
 *   privilege); hashes are bcrypt (`$2y$`, `$2b$`, `$2a$`, as `htpasswd -B` writes) or `{SHA}` (Apache's base64
 *   or supervisord's hex). Read when the config is read, so `reread`/`update` and SIGHUP pick changes up.
 * - `allow_uids = root, 1000, deploy` / `allow_groups = adm, 27` (unix sockets only): besides the socket's file
 *   mode, a connecting process must run as one of these users or have one of these groups (SO_PEERCRED).
 * - `uid_roles = deploy:operator, 1001:viewer` (unix sockets without users): the role of a peer by its uid
 *   (SO_PEERCRED); a peer not listed keeps supervisord's meaning (admin).
 *
 * `username`/`password` keep meaning what they meant: that user is admin.
 */
import { readFileSync } from "node:fs";
import { isRole, ROLES, type Role } from "@tsupervisord/errors";
import type { SectionReader } from "../context.js";
import { normalizePath } from "../converters.js";
import { ValueError } from "../errors.js";
import type { Expansions } from "../expand.js";
import type { HttpAuth, HttpUser, ServerAccess } from "../types.js";
import { nameToGid, nameToUid, type UserDb } from "../users.js";

const BCRYPT = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

function role(raw: string, where: string): Role {
  const value = raw.trim();
  if (!isRole(value)) throw new ValueError(`${where}: role ${JSON.stringify(value)} is not one of ${ROLES.join(", ")}`);
  return value;
}

/** `alice:{SHA}…:operator, bob:pw:viewer` -> users (never echoes a password in an error). */
export function parseUsersList(raw: string): HttpUser[] {
  const users: HttpUser[] = [];
  for (const [index, item] of raw.split(",").entries()) {
    const entry = item.trim();
    if (entry === "") continue;
    const first = entry.indexOf(":");
    const last = entry.lastIndexOf(":");
    const where = `entry ${index + 1}`;
    if (first <= 0 || last === first) throw new ValueError(`${where}: expected name:password:role`);
    users.push({ username: entry.slice(0, first), password: entry.slice(first + 1, last), role: role(entry.slice(last + 1), where) });
  }
  return users;
}

/** htpasswd-style text -> users; `file` names the file in errors (with the line, never the hash). */
export function parseUsersFile(text: string, file: string): HttpUser[] {
  const users: HttpUser[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    const entry = line.trim();
    if (entry === "" || entry.startsWith("#")) continue;
    const where = `${file}:${index + 1}`;
    const parts = entry.split(":");
    const [username = "", hash = "", roleText] = parts;
    if (parts.length > 3 || username === "" || hash === "") throw new ValueError(`${where}: expected name:hash or name:hash:role`);
    if (!BCRYPT.test(hash) && !hash.startsWith("{SHA}")) {
      throw new ValueError(`${where}: user ${JSON.stringify(username)}: only bcrypt ($2y$/$2b$, htpasswd -B) and {SHA} hashes are accepted`);
    }
    users.push({ username, password: hash, role: roleText === undefined ? "viewer" : role(roleText, where) });
  }
  return users;
}

/** `deploy:operator, 1001:viewer` -> uid and role pairs (user names looked up in passwd). */
export function parseUidRoles(raw: string, userDb: UserDb): Array<{ uid: number; role: Role }> {
  const out: Array<{ uid: number; role: Role }> = [];
  for (const [index, item] of raw.split(",").entries()) {
    const entry = item.trim();
    if (entry === "") continue;
    const colon = entry.lastIndexOf(":");
    if (colon <= 0) throw new ValueError(`entry ${index + 1}: expected user:role`);
    out.push({ uid: nameToUid(userDb, entry.slice(0, colon).trim()), role: role(entry.slice(colon + 1), `entry ${index + 1}`) });
  }
  return out;
}

function idList(raw: string, lookup: (name: string) => number): number[] {
  return raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")
    .map(lookup);
}

/**
 * Reads the access keys of one server section. `auth` is the section's `username`/`password`, kept as the
 * admin user. Problems are recorded on the option (file, line, section) like the built-in keys.
 */
export function readServerAccess(
  r: SectionReader,
  names: Expansions,
  auth: HttpAuth | null,
  kind: "inet" | "unix",
  where: { cwd: string; home: string; userDb: UserDb },
): ServerAccess {
  const users: HttpUser[] = auth === null ? [] : [{ ...auth, role: "admin" }];
  const listed = r.soft("users", () => r.get("users", null, names), null);
  if (listed !== null) users.push(...r.soft("users", () => parseUsersList(listed), []));
  const fileRaw = r.soft("users_file", () => r.get("users_file", null, names), null);
  const usersFile = fileRaw === null ? null : normalizePath(fileRaw.trim(), where.cwd, where.home);
  if (usersFile !== null) {
    users.push(
      ...r.soft(
        "users_file",
        () => {
          let text: string;
          try {
            text = readFileSync(usersFile, "utf8");
          } catch (err) {
            throw new ValueError(`cannot read users_file ${usersFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
          }
          return parseUsersFile(text, usersFile);
        },
        [],
      ),
    );
  }
  const seen = new Set<string>();
  for (const user of users) {
    if (seen.has(user.username)) r.record(listed !== null ? "users" : "users_file", `user ${JSON.stringify(user.username)} is defined twice`);
    seen.add(user.username);
  }
  let allowUids: number[] | null = null;
  let allowGroups: number[] | null = null;
  for (const option of ["allow_uids", "allow_groups"] as const) {
    const raw = r.soft(option, () => r.get(option, null, names), null);
    if (raw === null) continue;
    if (kind === "inet") {
      r.record(option, `${option} applies to [unix_http_server] only (a TCP peer has no uid)`);
      continue;
    }
    const lookup = option === "allow_uids" ? (n: string) => nameToUid(where.userDb, n) : (n: string) => nameToGid(where.userDb, n);
    const ids = r.soft(option, () => idList(raw, lookup), null);
    if (option === "allow_uids") allowUids = ids;
    else allowGroups = ids;
  }
  let uidRoles: Array<{ uid: number; role: Role }> | null = null;
  const rolesRaw = r.soft("uid_roles", () => r.get("uid_roles", null, names), null);
  if (rolesRaw !== null) {
    if (kind === "inet") r.record("uid_roles", "uid_roles applies to [unix_http_server] only (a TCP peer has no uid)");
    else if (users.length > 0) r.record("uid_roles", "uid_roles applies to a socket without username/users (its callers are named by uid)");
    else uidRoles = r.soft("uid_roles", () => parseUidRoles(rolesRaw, where.userDb), null);
  }
  return { users, usersFile, allowUids, allowGroups, uidRoles };
}
