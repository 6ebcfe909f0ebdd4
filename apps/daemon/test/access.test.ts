/**
 * Issue 19's pure parts: the one role table is total over both faces' methods (derived from the generated gRPC
 * service and from the XML-RPC dispatcher, so a new method fails here until it is classed), the failed-login
 * limiter as a state machine on a fake clock, and the password forms (bcrypt against a published test vector
 * and a hash from glibc's crypt(3), the same algorithm `htpasswd -B` uses).
 */
import type { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { ROLES } from "@tsupervisord/errors";
import { METHOD_NAMES } from "@tsupervisord/protocol";
import { RpcDispatcher, type SupervisorRpcBackend } from "@tsupervisord/xmlrpc";
import { GRPC_METHOD_ROLES, XMLRPC_METHOD_ROLES, xmlrpcMethodRole } from "../src/access/role-table.js";
import { LoginLimiter } from "../src/access/login-limiter.js";
import { PasswordVerifier } from "../src/access/passwords.js";
import { auditLine, grpcTarget, xmlrpcTarget, type AuditEntry } from "../src/access/audit.js";
import { ListenerAccess, type AccessServices } from "../src/access/listener-access.js";

describe("the role table (issue 19)", () => {
  it("classes every gRPC method of the generated service, and nothing else", () => {
    expect(Object.keys(GRPC_METHOD_ROLES).sort()).toEqual([...METHOD_NAMES].sort());
    for (const role of Object.values(GRPC_METHOD_ROLES)) expect(ROLES).toContain(role);
  });

  it("classes every XML-RPC method the dispatcher publishes (aliases and system.* too), and nothing else", () => {
    // The dispatcher only lists names here: no method runs, so an empty backend will do.
    const published = new RpcDispatcher({} as SupervisorRpcBackend).listMethods();
    expect(Object.keys(XMLRPC_METHOD_ROLES).sort()).toEqual([...published].sort());
  });

  it("classes the same operation alike on both faces", () => {
    const pairs: Array<[string, string]> = [
      ["stopProcess", "supervisor.stopProcess"],
      ["shutdown", "supervisor.shutdown"],
      ["sendProcessStdin", "supervisor.sendProcessStdin"],
      ["getAllProcessInfo", "supervisor.getAllProcessInfo"],
      ["clearProcessLogs", "supervisor.clearProcessLogs"],
      ["signalProcessGroup", "supervisor.signalProcessGroup"],
      ["reloadConfig", "supervisor.reloadConfig"],
    ];
    for (const [grpc, xml] of pairs) expect([grpc, GRPC_METHOD_ROLES[grpc as keyof typeof GRPC_METHOD_ROLES]]).toEqual([grpc, XMLRPC_METHOD_ROLES[xml]]);
    expect(GRPC_METHOD_ROLES.stopProcess).toBe("operator");
    expect(GRPC_METHOD_ROLES.shutdown).toBe("admin");
    expect(GRPC_METHOD_ROLES.sendProcessStdin).toBe("admin");
    expect(GRPC_METHOD_ROLES.tailProcessLogFollow).toBe("viewer");
  });

  it("a plugin namespace's method, unknown to the table, needs admin", () => {
    expect(xmlrpcMethodRole("twiddler.getGroupNames")).toBe("admin");
  });
});

describe("LoginLimiter (fake clock)", () => {
  it("allows a burst, then refuses until a token is back; a new failure is logged once per window", () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter({ burst: 3, refillMs: 10_000, logWindowMs: 60_000, now: () => now });
    expect(limiter.isLimited("10.0.0.1")).toBe(false);
    expect(limiter.recordFailure("10.0.0.1")).toEqual({ log: true, unlogged: 0 });
    expect(limiter.recordFailure("10.0.0.1")).toEqual({ log: false, unlogged: 1 });
    expect(limiter.isLimited("10.0.0.1")).toBe(false);
    expect(limiter.recordFailure("10.0.0.1")).toEqual({ log: false, unlogged: 2 });
    expect(limiter.isLimited("10.0.0.1")).toBe(true);
    // Another peer is not affected.
    expect(limiter.isLimited("10.0.0.2")).toBe(false);
    now += 9_999;
    expect(limiter.isLimited("10.0.0.1")).toBe(true);
    now += 1;
    expect(limiter.isLimited("10.0.0.1")).toBe(false);
    expect(limiter.recordFailure("10.0.0.1")).toEqual({ log: false, unlogged: 3 });
    expect(limiter.isLimited("10.0.0.1")).toBe(true);
    // The next window's first failure is logged, with the count of those that were not.
    now += 60_000;
    expect(limiter.recordFailure("10.0.0.1")).toEqual({ log: true, unlogged: 3 });
  });

  it("stays bounded when many peers fail", () => {
    const limiter = new LoginLimiter({ burst: 1, maxPeers: 100, now: () => 0 });
    for (let i = 0; i < 1000; i++) limiter.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    const size = (limiter as unknown as { buckets: Map<string, unknown> }).buckets.size;
    expect(size).toBeLessThanOrEqual(100);
  });
});

describe("PasswordVerifier", () => {
  const verifier = new PasswordVerifier();

  it("bcrypt: the published test vector ($2a$) and a glibc crypt(3) hash ($2y$, as htpasswd -B writes)", async () => {
    expect(await verifier.verify("u", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*U")).toBe(true);
    expect(await verifier.verify("u", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW", "U*V")).toBe(false);
    const y = "$2y$05$abcdefghijklmnopqrstuujtUSqrqp5yQiEBnqsoY98YAxV3RSE3m";
    expect(await verifier.verify("adm", y, "adm-pass-9")).toBe(true);
    // Remembered after the first success: the same pair again, and still no other password.
    expect(await verifier.verify("adm", y, "adm-pass-9")).toBe(true);
    expect(await verifier.verify("adm", y, "adm-pass-8")).toBe(false);
  });

  it("supervisord's forms: plain and {SHA} lower-case hex; Apache's {SHA} base64", async () => {
    expect(await verifier.verify("a", "s3cret", "s3cret")).toBe(true);
    expect(await verifier.verify("a", "s3cret", "s3cre")).toBe(false);
    // sha1("pw")
    expect(await verifier.verify("a", "{SHA}1a91d62f7ca67399625a4368a6ab5d4a3baa6073", "pw")).toBe(true);
    expect(await verifier.verify("a", "{SHA}1A91D62F7CA67399625A4368A6AB5D4A3BAA6073", "pw")).toBe(false);
    expect(await verifier.verify("a", "{SHA}GpHWL3ymc5liWkNopqtdSjuqYHM=", "pw")).toBe(true);
  });
});

describe("audit lines", () => {
  it("name the user, role, peer, method and program, and take nothing else from the request", () => {
    const caller = { user: "op1", role: "operator" as const, peer: "127.0.0.1:4000", face: "grpc" as const };
    const target = grpcTarget("sendProcessStdin", { name: "web", data: Buffer.from("top-secret") });
    expect(target).toBe("web");
    const line = auditLine({ caller, method: "sendProcessStdin", target, outcome: "allowed" });
    expect(line).toBe('audit: user="op1" role=operator peer=127.0.0.1:4000 face=grpc method=sendProcessStdin target="web" allowed');
    expect(xmlrpcTarget("supervisor.sendProcessStdin", ["web", "top-secret"])).toBe("web");
    expect(xmlrpcTarget("supervisor.stopAllProcesses", [])).toBe("all");
    expect(xmlrpcTarget("supervisor.sendRemoteCommEvent", ["type", "data"])).toBe("");
  });

  it("cut a huge name instead of copying it whole into the log (issue 21 #14)", () => {
    const huge = "n".repeat(1_000_000);
    expect(grpcTarget("startProcess", { name: huge })).toBe(`${"n".repeat(256)}... (1000000 bytes)`);
    expect(xmlrpcTarget("supervisor.startProcess", [huge])).toBe(`${"n".repeat(256)}... (1000000 bytes)`);
    expect(grpcTarget("startProcess", { name: "n".repeat(256) })).toBe("n".repeat(256));
  });
});

describe("ListenerAccess: authentication, then the role table, with failures counted and calls audited", () => {
  function setup(users: Array<{ username: string; password: string; role: "viewer" | "operator" | "admin" }> | null) {
    let now = 0;
    const warnings: string[] = [];
    const audits: AuditEntry[] = [];
    const services: AccessServices = {
      limiter: new LoginLimiter({ burst: 2, refillMs: 1000, now: () => now }),
      verifier: new PasswordVerifier(),
      failures: { grpc: 0, xmlrpc: 0, webui: 0 },
      warn: (line) => warnings.push(line),
      audit: (entry) => audits.push(entry),
      refusedPeer: () => undefined,
    };
    const access = new ListenerAccess(users, services);
    return { grpc: access.grpc(), http: access.http(), services, warnings, audits, advance: (ms: number) => (now += ms) };
  }
  const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;

  it("without users everyone is admin, named by uid on a labelled unix peer", async () => {
    const { grpc } = setup(null);
    expect(await grpc.authenticate(undefined, "unix uid=1000 pid=42")).toEqual({
      ok: true,
      caller: { user: "uid:1000", role: "admin", peer: "unix uid=1000 pid=42", uid: 1000, face: "grpc" },
    });
  });

  it("a wrong password is refused and counted; past the burst the peer is limited even with the right one", async () => {
    const { grpc, http, services, warnings, advance } = setup([{ username: "op1", password: "pw", role: "operator" }]);
    expect(await grpc.authenticate(undefined, "10.0.0.1:1")).toEqual({ ok: false, refusal: "unauthenticated" });
    expect(services.failures.grpc).toBe(0); // no credentials yet is how Basic auth starts, not a failure
    expect(await grpc.authenticate(basic("op1", "x"), "10.0.0.1:1")).toEqual({ ok: false, refusal: "unauthenticated" });
    expect(await grpc.authenticate(basic("nobody", "pw"), "10.0.0.1:2")).toEqual({ ok: false, refusal: "unauthenticated" });
    expect(await grpc.authenticate(basic("op1", "pw"), "10.0.0.1:3")).toEqual({ ok: false, refusal: "limited" });
    const socket = { remoteAddress: "10.0.0.1", remotePort: 4 } as unknown as Duplex;
    expect(await http.authenticate(basic("op1", "pw"), socket, "xmlrpc")).toEqual({ ok: false, refusal: "limited" });
    expect(services.failures).toEqual({ grpc: 3, xmlrpc: 1, webui: 0 });
    expect(warnings).toEqual(['authentication failed: user "op1" from peer=10.0.0.1:1 face=grpc']);
    advance(1000);
    expect(await grpc.authenticate(basic("op1", "pw"), "10.0.0.1:5")).toMatchObject({ ok: true, caller: { user: "op1", role: "operator" } });
    // Another address was never limited.
    expect(await grpc.authenticate(basic("op1", "pw"), "10.0.0.2:1")).toMatchObject({ ok: true });
  });

  it("authorize: a call above the role throws PERMISSION_DENIED and is audited as denied; control calls as allowed; reads not at all", () => {
    const { grpc, http, audits } = setup([{ username: "v", password: "pw", role: "viewer" }]);
    const viewer = { user: "v", role: "viewer" as const, peer: "10.0.0.1:1", face: "grpc" as const };
    expect(() => grpc.authorize("stopProcess", viewer, { name: "web" })).toThrow(
      expect.objectContaining({ code: "PERMISSION_DENIED", detail: "stopProcess needs the operator role; v is viewer" }),
    );
    grpc.authorize("getAllProcessInfo", viewer, {});
    const operator = { ...viewer, user: "o", role: "operator" as const, face: "xmlrpc" as const };
    http.authorize("supervisor.startProcess", operator, ["web"]);
    expect(() => http.authorize("supervisor.sendProcessStdin", operator, ["web", "secret"])).toThrow(expect.objectContaining({ code: "PERMISSION_DENIED" }));
    expect(audits.map((a) => [a.caller.user, a.method, a.target, a.outcome])).toEqual([
      ["v", "stopProcess", "web", "denied"],
      ["o", "supervisor.startProcess", "web", "allowed"],
      ["o", "supervisor.sendProcessStdin", "web", "denied"],
    ]);
  });
});
