import fs from "node:fs";

/** A user as `/etc/passwd` has it. */
export interface UserEntry {
  name: string;
  uid: number;
  gid: number;
}

function readPasswd(): UserEntry[] {
  let text: string;
  try {
    text = fs.readFileSync("/etc/passwd", "utf8");
  } catch {
    return [];
  }
  const users: UserEntry[] = [];
  for (const line of text.split("\n")) {
    const [name, , uid, gid] = line.split(":");
    if (name === undefined || uid === undefined || gid === undefined || name === "" || name.startsWith("#")) continue;
    users.push({ name, uid: Number(uid), gid: Number(gid) });
  }
  return users;
}

/** supervisord's `name_to_uid` for `-u`: a name or a numeric uid; throws with its message. */
export function resolveUser(spec: string): UserEntry {
  const users = readPasswd();
  if (/^\d+$/.test(spec)) {
    const uid = Number(spec);
    const entry = users.find((u) => u.uid === uid);
    if (entry === undefined) throw new Error(`Invalid user id ${spec}`);
    return entry;
  }
  const entry = users.find((u) => u.name === spec);
  if (entry === undefined) throw new Error(`Invalid user name ${spec}`);
  return entry;
}

/**
 * D-PRV-01: switch to `user` (supplementary groups of the user, then primary gid, then uid). Returns the INFO
 * message to log on success, null when nothing was needed; throws an Error with supervisord's message otherwise.
 */
export function dropPrivileges(user: UserEntry): string | null {
  const current = process.getuid?.();
  if (current === undefined || current === user.uid) return null;
  if (current !== 0) throw new Error("Can't drop privilege as nonroot user");
  try {
    // Node has initgroups on POSIX; @types/node does not declare it.
    (process as unknown as { initgroups?: (user: string, gid: number) => void }).initgroups?.(user.name, user.gid);
  } catch {
    throw new Error("Could not set groups of effective user");
  }
  try {
    process.setgid?.(user.gid);
  } catch {
    throw new Error("Could not set group id of effective user");
  }
  try {
    process.setuid?.(user.uid);
  } catch {
    throw new Error("Could not set user id of effective user");
  }
  return `Set uid to user ${user.uid} succeeded`;
}

/** MLG-06/D-PRV-02: logged CRIT at every (re)start when running as root without `user=`. */
export const ROOT_WARNING =
  "Supervisor is running as root.  Privileges were not dropped because no user is specified in the config file.  " +
  "If you intend to run as root, you can set user=root in the config file to avoid this message.";
