/**
 * User and group lookups for `user=`, `chown=`, `socket_owner=` (spec §1.4), read from /etc/passwd and
 * /etc/group so the package needs no native module. Paths are injectable so tests are deterministic.
 */
import { readFileSync } from "node:fs";
import { ValueError } from "./errors.js";
import { pyInt } from "@tsupervisord/pycompat";

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface UserDb {
  users: PasswdEntry[];
  groups: GroupEntry[];
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, "utf8").split("\n");
  } catch {
    return [];
  }
}

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const f = line.split(":");
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (f.length < 4 || !Number.isInteger(uid) || !Number.isInteger(gid) || f[2] === "") continue;
    out.push({ name: f[0] ?? "", uid, gid, home: f[5] ?? "" });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const f = line.split(":");
    const gid = Number(f[2]);
    if (f.length < 3 || !Number.isInteger(gid) || f[2] === "") continue;
    out.push({ name: f[0] ?? "", gid, members: (f[3] ?? "").split(",").filter((m) => m !== "") });
  }
  return out;
}

export function loadUserDb(passwdFile = "/etc/passwd", groupFile = "/etc/group"): UserDb {
  return {
    users: parsePasswd(readLines(passwdFile).join("\n")),
    groups: parseGroup(readLines(groupFile).join("\n")),
  };
}

/** supervisord's `name_to_uid`: a number that exists in passwd, or a user name. */
export function nameToUid(db: UserDb, name: string): number {
  const num = pyInt(name);
  if (num === null) {
    const rec = db.users.find((u) => u.name === name);
    if (!rec) throw new ValueError(`Invalid user name ${name}`);
    return rec.uid;
  }
  if (!db.users.some((u) => u.uid === num)) throw new ValueError(`Invalid user id ${name}`);
  return num;
}

/** supervisord's `name_to_gid`. */
export function nameToGid(db: UserDb, name: string): number {
  const num = pyInt(name);
  if (num === null) {
    const rec = db.groups.find((g) => g.name === name);
    if (!rec) throw new ValueError(`Invalid group name ${name}`);
    return rec.gid;
  }
  if (!db.groups.some((g) => g.gid === num)) throw new ValueError(`Invalid group id ${name}`);
  return num;
}

/** supervisord's `gid_for_uid`: the primary group of a uid. */
export function gidForUid(db: UserDb, uid: number): number {
  const rec = db.users.find((u) => u.uid === uid);
  if (!rec) throw new ValueError(`getpwuid(): uid not found: ${uid}`);
  return rec.gid;
}

/** The user name of a uid (the first passwd entry with it), for display. */
export function nameForUid(db: UserDb, uid: number): string {
  return db.users.find((u) => u.uid === uid)?.name ?? String(uid);
}

/** A `user=` value resolved as supervisord does: uid via `name_to_uid`, gid = that user's primary group. */
export function resolveUser(db: UserDb, value: string): { name: string; uid: number; gid: number } {
  const uid = nameToUid(db, value);
  return { name: nameForUid(db, uid), uid, gid: gidForUid(db, uid) };
}

/** `colon_separated_user_group`: `user` → (uid, -1), `user:group` → (uid, gid). */
export function colonSeparatedUserGroup(db: UserDb, arg: string): { uid: number; gid: number } {
  try {
    const idx = arg.indexOf(":");
    if (idx === -1) return { uid: nameToUid(db, arg), gid: -1 };
    return { uid: nameToUid(db, arg.slice(0, idx)), gid: nameToGid(db, arg.slice(idx + 1)) };
  } catch {
    throw new ValueError(`Invalid user:group definition ${arg}`);
  }
}
