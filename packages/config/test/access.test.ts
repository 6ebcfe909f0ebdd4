/** Issue 19's access keys of [inet_http_server] / [unix_http_server] (src/ext/access.ts). */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BASE, issuesOf, read } from "./helpers.js";

const BCRYPT = "$2y$05$abcdefghijklmnopqrstuujtUSqrqp5yQiEBnqsoY98YAxV3RSE3m";

describe("users, users_file, allow_uids, allow_groups (issue 19)", () => {
  it("without any access key the section keeps its old shape (no `access`)", () => {
    const c = read(`${BASE}[inet_http_server]\nport=127.0.0.1:9001\nusername=a\npassword=b\n`);
    expect(c.inetHttpServers[0]?.access).toBeUndefined();
  });

  it("users: name:password:role, the section's username/password first as admin; passwords may hold colons", () => {
    const c = read(
      `${BASE}[inet_http_server]\nport=127.0.0.1:9001\nusername=root1\npassword=r\n` +
        "users = alice:{SHA}1a91d62f7ca67399625a4368a6ab5d4a3baa6073:operator, bob:pa:ss:viewer\n",
    );
    expect(c.inetHttpServers[0]?.access).toEqual({
      users: [
        { username: "root1", password: "r", role: "admin" },
        { username: "alice", password: "{SHA}1a91d62f7ca67399625a4368a6ab5d4a3baa6073", role: "operator" },
        { username: "bob", password: "pa:ss", role: "viewer" },
      ],
      usersFile: null,
      allowUids: null,
      allowGroups: null,
      uidRoles: null,
    });
  });

  it("users_file: htpasswd lines (bcrypt or {SHA}), role default viewer, comments skipped, path relative to here", () => {
    const c = read(
      `${BASE}[unix_http_server]\nfile=%(here)s/s.sock\nusers_file = %(here)s/htpasswd\nallow_uids = daemon, 33\nallow_groups = nogroup\n`,
      {},
      { htpasswd: `# comment\nadm:${BCRYPT}:admin\nview:{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=\n` },
    );
    const server = c.unixHttpServers[0];
    expect(server?.access?.users).toEqual([
      { username: "adm", password: BCRYPT, role: "admin" },
      { username: "view", password: "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=", role: "viewer" },
    ]);
    expect(server?.access?.usersFile).toBe(path.join(path.dirname(server?.file ?? ""), "htpasswd"));
    expect(server?.access?.allowUids).toEqual([1, 33]);
    expect(server?.access?.allowGroups).toEqual([65534]);
  });

  it("errors name file, line and option, and never echo a password or hash", () => {
    const { issues, dir } = issuesOf(
      `${BASE}[inet_http_server]\nport=127.0.0.1:9001\nusers = alice:hunter2:root\n\n` +
        `[unix_http_server]\nfile=%(here)s/s.sock\nusers_file=%(here)s/htpasswd\nallow_uids = nosuchuser\n`,
      {},
      { htpasswd: "adm:$1$md5crypt$notaccepted\n" },
    );
    const conf = path.join(dir, "supervisord.conf");
    expect(issues).toEqual([
      expect.objectContaining({ file: conf, line: 8, option: "users", message: 'entry 1: role "root" is not one of viewer, operator, admin' }),
      expect.objectContaining({
        file: conf,
        line: 12,
        option: "users_file",
        message: `${path.join(dir, "htpasswd")}:1: user "adm": only bcrypt ($2y$/$2b$, htpasswd -B) and {SHA} hashes are accepted`,
      }),
      expect.objectContaining({ file: conf, line: 13, option: "allow_uids", message: "Invalid user name nosuchuser" }),
    ]);
    for (const issue of issues) {
      expect(issue.message).not.toContain("hunter2");
      expect(issue.message).not.toContain("md5crypt");
    }
  });

  it("uid_roles (unix, no users): user or uid to role", () => {
    const c = read(`${BASE}[unix_http_server]\nfile=%(here)s/s.sock\nuid_roles = nobody:viewer, 33:operator\n`);
    expect(c.unixHttpServers[0]?.access?.uidRoles).toEqual([
      { uid: 65534, role: "viewer" },
      { uid: 33, role: "operator" },
    ]);
    const { issues } = issuesOf(`${BASE}[unix_http_server]\nfile=%(here)s/s.sock\nusername=a\npassword=b\nuid_roles = nobody:viewer\n`);
    expect(issues).toEqual([expect.objectContaining({ option: "uid_roles", message: "uid_roles applies to a socket without username/users (its callers are named by uid)" })]);
  });

  it("a missing users_file is an error on the option", () => {
    const { issues } = issuesOf(`${BASE}[inet_http_server]\nport=127.0.0.1:9001\nusers_file=/nonexistent/htpasswd\n`);
    expect(issues).toEqual([expect.objectContaining({ option: "users_file", message: "cannot read users_file /nonexistent/htpasswd: ENOENT" })]);
  });
});
