/** `user=`, `chown=`, `socket_owner=` resolution from passwd/group files (TYP-01 user, user:group). */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { colonSeparatedUserGroup, gidForUid, loadUserDb, nameToGid, nameToUid, parseGroup, parsePasswd } from "../src/index.js";
import { FIXTURES } from "./helpers.js";

const db = loadUserDb(path.join(FIXTURES, "users", "passwd"), path.join(FIXTURES, "users", "group"));

describe("passwd and group parsing", () => {
  it("skips blank, comment and malformed lines", () => {
    expect(parsePasswd("# c\n\nroot:x:0:0:root:/root:/bin/sh\nbroken\nbad:x:abc:1::/:\n")).toEqual([{ name: "root", uid: 0, gid: 0, home: "/root" }]);
    expect(parseGroup("adm:x:4:syslog,alice\nbad:x::\n")).toEqual([{ name: "adm", gid: 4, members: ["syslog", "alice"] }]);
  });
  it("missing files give an empty database", () => {
    expect(loadUserDb("/nonexistent/passwd", "/nonexistent/group")).toEqual({ users: [], groups: [] });
  });
});

describe("TYP-01 user", () => {
  it.each([
    ["root", 0],
    ["www-data", 33],
    ["33", 33],
    ["65534", 65534],
  ])("%j -> uid %d", (v, uid) => expect(nameToUid(db, v)).toBe(uid));
  it("unknown name / unknown id", () => {
    expect(() => nameToUid(db, "nosuchuser")).toThrow("Invalid user name nosuchuser");
    expect(() => nameToUid(db, "4242")).toThrow("Invalid user id 4242");
  });
  it("primary group of a uid", () => expect(gidForUid(db, 101)).toBe(104));
  it("groups by name or id", () => {
    expect(nameToGid(db, "nogroup")).toBe(65534);
    expect(nameToGid(db, "104")).toBe(104);
    expect(() => nameToGid(db, "nosuchgroup")).toThrow("Invalid group name nosuchgroup");
    expect(() => nameToGid(db, "999")).toThrow("Invalid group id 999");
  });
});

describe("TYP-01 user:group", () => {
  it.each([
    ["www-data", { uid: 33, gid: -1 }],
    ["www-data:nogroup", { uid: 33, gid: 65534 }],
    ["0:0", { uid: 0, gid: 0 }],
  ])("%j", (v, r) => expect(colonSeparatedUserGroup(db, v)).toEqual(r));
  it.each(["nosuchuser", "root:nosuchgroup", "root:"])("%j is an error", (v) => {
    expect(() => colonSeparatedUserGroup(db, v)).toThrow(`Invalid user:group definition ${v}`);
  });
});
