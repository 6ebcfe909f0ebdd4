/**
 * Issue 19: roles enforced on every method of every face, by the one table (@tsupervisord/daemon's
 * role-table), against a real daemon: `users =` (supervisord's plain and {SHA} forms) plus a `users_file` with a
 * bcrypt hash as `htpasswd -B` writes it. Method by method over gRPC and XML-RPC, every method above a role is
 * refused with PERMISSION_DENIED before it runs; the real tsctl and the web UI show the refusal; what was
 * allowed or refused is audited (activity log line, Watch event) and no password, Authorization value or stdin
 * payload reaches any log.
 */
import fs from "node:fs";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRPC_METHOD_ROLES, XMLRPC_METHOD_ROLES } from "@tsupervisord/daemon/access/role-table";
import { METHOD_NAMES, type SupervisorClient } from "@tsupervisord/protocol";
import { startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";
import { fault } from "./lib/faults.js";
import { request, xmlrpc, type HttpTarget } from "./lib/http-auth.js";
import { freePort } from "./lib/ports.js";
import { runCommand } from "../ctl/lib/run.js";
import { TSCTL } from "../ctl/lib/paths.js";

const ORDER = ["viewer", "operator", "admin"] as const;
type Role = (typeof ORDER)[number];
const allows = (held: Role, needed: Role): boolean => ORDER.indexOf(held) >= ORDER.indexOf(needed);

const PASSWORDS = { viewer1: "view-pass-1", op1: "op-pass-2", adm1: "adm-pass-9" } as const;
/** `adm-pass-9` hashed by glibc's crypt(3) with a `$2y$` salt, the form `htpasswd -B` writes. */
const ADM_BCRYPT = "$2y$05$abcdefghijklmnopqrstuujtUSqrqp5yQiEBnqsoY98YAxV3RSE3m";
const STDIN_PAYLOAD = "stdin-payload-7f3a";
const USER_OF: Record<Role, keyof typeof PASSWORDS> = { viewer: "viewer1", operator: "op1", admin: "adm1" };

let dir: TestDir;
let daemon: RunningDaemon;
let port: number;
let url: string;

function client(role: Role): SupervisorClient {
  const user = USER_OF[role];
  return daemon.client(url, { username: user, password: PASSWORDS[user] });
}
function http(role: Role): HttpTarget {
  const user = USER_OF[role];
  return { port, username: user, password: PASSWORDS[user] };
}
function tsctl(role: Role, ...args: string[]): ReturnType<typeof runCommand> {
  const user = USER_OF[role];
  return runCommand([process.execPath, TSCTL, "-s", url, "-u", user, "-p", PASSWORDS[user], ...args]);
}
/** Calls any RPC by its generated name with an empty request; streams are read to their first message. */
async function callAny(c: SupervisorClient, method: string): Promise<void> {
  const fn = (c as unknown as Record<string, (req: object) => unknown>)[method];
  if (fn === undefined) throw new Error(`no client method ${method}`);
  const result = fn.call(c, {});
  if (typeof (result as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    for await (const _ of result as AsyncIterable<unknown>) return;
    return;
  }
  await result;
}

beforeAll(async () => {
  dir = new TestDir("tsupd-roles-");
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const sha = createHash("sha1").update(PASSWORDS.viewer1).digest("hex");
  fs.writeFileSync(dir.file("htpasswd"), `# htpasswd -B style\nadm1:${ADM_BCRYPT}:admin\n`);
  dir.writeConfig(
    `[inet_http_server]\nport=127.0.0.1:${port}\n` +
      `users = viewer1:{SHA}${sha}:viewer, op1:${PASSWORDS.op1}:operator\nusers_file = ${dir.file("htpasswd")}\n\n` +
      "[program:sleeper]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n" +
      "[program:cat]\ncommand=/bin/cat\nstartsecs=0\n",
  );
  daemon = await startDaemon(dir);
  await waitForState(daemon.client(), "sleeper", "RUNNING");
  await waitForState(daemon.client(), "cat", "RUNNING");
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  dir?.cleanup();
});

async function expectAllRunning(): Promise<void> {
  const infos = (await daemon.client().getAllProcessInfo({})).processes;
  expect(infos.map((p) => [p.name, p.statename])).toEqual([
    ["cat", "RUNNING"],
    ["sleeper", "RUNNING"],
  ]);
}

describe("issue 19: roles on every face", () => {
  it("gRPC, method by method: every method above the role is PERMISSION_DENIED and does nothing", async () => {
    for (const role of ["viewer", "operator"] as const) {
      const c = client(role);
      const denied = METHOD_NAMES.filter((m) => !allows(role, GRPC_METHOD_ROLES[m]));
      expect(denied.length).toBeGreaterThan(0);
      for (const method of denied) {
        const f = await fault(callAny(c, method));
        expect([method, f.code]).toEqual([method, "PERMISSION_DENIED"]);
        expect(f.detail).toContain(`${method} needs the ${GRPC_METHOD_ROLES[method]} role`);
      }
    }
    await expectAllRunning();
    expect(await client("viewer").whoAmI({})).toMatchObject({ user: "viewer1", role: "viewer", peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expect(await client("admin").whoAmI({})).toMatchObject({ user: "adm1", role: "admin" });
    // The unix socket has no users: whoever reaches it is admin, as in supervisord.
    expect(await daemon.client().whoAmI({})).toMatchObject({ role: "admin" });
  }, 60_000);

  it("XML-RPC, method by method (system.listMethods of the live daemon), multicall's inner calls too", async () => {
    const list = await xmlrpc(http("viewer"), "system.listMethods");
    const published = [...list.body.matchAll(/<string>([^<]+)<\/string>/g)].map((m) => m[1] as string);
    expect(published.sort()).toEqual(Object.keys(XMLRPC_METHOD_ROLES).sort());
    for (const role of ["viewer", "operator"] as const) {
      for (const method of published.filter((m) => !allows(role, XMLRPC_METHOD_ROLES[m] as Role))) {
        const answer = await xmlrpc(http(role), method);
        expect([method, answer.fault]).toEqual([method, 100]);
      }
    }
    const multi = await xmlrpc(http("operator"), "system.multicall", [[
      { methodName: "supervisor.getState", params: [] },
      { methodName: "supervisor.shutdown", params: [] },
    ]]);
    expect(multi.fault).toBeNull();
    expect(multi.body).toContain("<name>statename</name>");
    expect(multi.body).toContain("PERMISSION_DENIED: supervisor.shutdown needs the admin role; op1 is operator");
    await expectAllRunning();
  }, 60_000);

  it("the real tsctl: a viewer cannot stop or shut down; an operator stops and starts but cannot shut down", async () => {
    const viewerStop = await tsctl("viewer", "stop", "sleeper");
    expect(viewerStop.stdout).toBe("sleeper: ERROR (permission denied)\n");
    expect(viewerStop.code).toBe(1);
    const viewerShutdown = await tsctl("viewer", "shutdown");
    expect(viewerShutdown.output).toContain("PERMISSION_DENIED: shutdown needs the admin role; viewer1 is viewer");
    expect((await tsctl("viewer", "status")).stdout).toMatch(/^cat\s+RUNNING/m);

    expect((await tsctl("operator", "stop", "sleeper")).stdout).toBe("sleeper: stopped\n");
    expect((await tsctl("operator", "start", "sleeper")).stdout).toBe("sleeper: started\n");
    expect((await tsctl("operator", "whoami")).stdout).toMatch(/^op1 \(operator\) from 127\.0\.0\.1:\d+\n$/);
    const opShutdown = await tsctl("operator", "shutdown");
    expect(opShutdown.output).toContain("PERMISSION_DENIED: shutdown needs the admin role; op1 is operator");
    await expectAllRunning();
  }, 60_000);

  it("the web UI: a viewer's stop is refused (the process keeps running), an operator's works", async () => {
    const page = await request(http("viewer"), "GET", "/");
    expect(page.status).toBe(200);
    const refused = await request(http("viewer"), "GET", "/index.html?processname=sleeper&action=stop");
    expect(refused.status).toBe(301);
    expect(decodeURIComponent(refused.headers.location ?? "")).toContain("PERMISSION_DENIED: supervisor.stopProcess needs the operator role");
    const restartRefused = await request(http("viewer"), "GET", "/index.html?processname=sleeper&action=restart");
    expect(decodeURIComponent(restartRefused.headers.location ?? "")).toContain("ERROR: PERMISSION_DENIED");
    await expectAllRunning();
    const stopped = await request(http("operator"), "GET", "/index.html?processname=sleeper&action=stop");
    expect(decodeURIComponent(stopped.headers.location ?? "")).toContain("Process sleeper stopped");
    expect((await daemon.client().getProcessInfo({ name: "sleeper" })).info?.statename).toBe("STOPPED");
    expect((await tsctl("operator", "start", "sleeper")).stdout).toBe("sleeper: started\n");
  }, 60_000);

  it("stdin: viewer and operator are refused on every face; the admin (bcrypt, users_file) writes it", async () => {
    for (const role of ["viewer", "operator"] as const) {
      expect((await fault(client(role).sendProcessStdin({ name: "cat", data: Buffer.from(STDIN_PAYLOAD) }))).code).toBe("PERMISSION_DENIED");
      expect((await xmlrpc(http(role), "supervisor.sendProcessStdin", ["cat", STDIN_PAYLOAD])).fault).toBe(100);
    }
    await client("admin").sendProcessStdin({ name: "cat", data: Buffer.from(`${STDIN_PAYLOAD}\n`) });
    const logfile = (await daemon.client().getProcessInfo({ name: "cat" })).info?.stdoutLogfile ?? "";
    await waitFor("cat to echo the admin's stdin", () => fs.readFileSync(logfile, "utf8").includes(STDIN_PAYLOAD));
  }, 60_000);

  it("audit: the activity log and the Watch stream say who did what to which program", async () => {
    const abort = new AbortController();
    const events = client("viewer").watch({}, { signal: abort.signal })[Symbol.asyncIterator]();
    // The first message is the snapshot: once it is here, the stream is subscribed.
    expect((await events.next()).value?.event?.$case).toBe("snapshot");
    await client("operator").signalProcess({ name: "sleeper", signal: "CONT" });
    let audit;
    for (;;) {
      const next = await events.next();
      if (next.done === true) throw new Error("the watch ended before the audit event");
      const event = next.value.event;
      if (event?.$case === "audit") {
        audit = event.audit;
        break;
      }
    }
    abort.abort();
    expect(audit).toMatchObject({ user: "op1", role: "operator", face: "grpc", method: "signalProcess", target: "sleeper", outcome: "allowed" });
    expect(audit?.peer).toMatch(/^127\.0\.0\.1:\d+$/);

    const log = daemon.activityLog();
    expect(log).toMatch(/INFO audit: user="op1" role=operator peer=127\.0\.0\.1:\d+ face=grpc method=stopProcess target="sleeper" allowed/);
    expect(log).toMatch(/WARN audit: user="viewer1" role=viewer peer=127\.0\.0\.1:\d+ face=grpc method=stopProcess target="sleeper" denied/);
    expect(log).toMatch(/WARN audit: user="viewer1" role=viewer peer=127\.0\.0\.1:\d+ face=webui method=supervisor\.stopProcess target="sleeper" denied/);
    expect(log).toMatch(/INFO audit: user="adm1" role=admin peer=127\.0\.0\.1:\d+ face=grpc method=sendProcessStdin target="cat" allowed/);
    expect(log).toMatch(/WARN audit: user="op1" role=operator peer=127\.0\.0\.1:\d+ face=xmlrpc method=supervisor\.sendProcessStdin target="cat" denied/);
  }, 60_000);

  it("no password, Authorization value or stdin payload is in the activity log or the daemon's output", async () => {
    // One failed login too, so the failure line is among what is checked.
    await fault(daemon.client(url, { username: "op1", password: "op-pass-WRONG" }).getState({})).catch(() => undefined);
    await daemon.waitForLog(/authentication failed: user "op1" from peer=127\.0\.0\.1:\d+ face=grpc/);
    const texts = [daemon.activityLog(), daemon.stdout, daemon.stderr];
    const secrets = [
      ...Object.values(PASSWORDS),
      "op-pass-WRONG",
      ADM_BCRYPT,
      STDIN_PAYLOAD,
      ...Object.entries(PASSWORDS).map(([u, p]) => Buffer.from(`${u}:${p}`).toString("base64")),
    ];
    for (const text of texts) for (const secret of secrets) expect(text.includes(secret), secret).toBe(false);
  }, 60_000);

  it("the admin shuts the daemon down (last: the daemon is gone afterwards)", async () => {
    const result = await tsctl("admin", "shutdown");
    expect(result.stdout).toBe("Shut down\n");
    expect((await daemon.exited).status).toBe(0);
  }, 60_000);
});
