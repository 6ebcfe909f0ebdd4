/**
 * `[fcgi-program:x]` (spec §1.5.8, SPN-10) with real children and real sockets: the children are small Node
 * scripts that report what their fd 0 is before touching it, then accept on it and answer every connection with
 * their pid. A connection the daemon accepted would never be answered, so "only child pids answer" also proves
 * the daemon does not accept.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GroupConfig } from "@tsupervisord/config";
import { isSupervisorError } from "@tsupervisord/errors";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { ProcessStateEvent } from "../src/events.js";
import { checkFcgiSocket, pythonOsError } from "../src/fcgi-socket.js";
import { CollectingLogger, Harness, config, group, isState, proc } from "./helpers.js";

const h = new Harness();
const holders: net.Server[] = [];
afterEach(async () => {
  await h.cleanup();
  await Promise.all(holders.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const tmp = mkdtempSync(join(tmpdir(), "engine-fcgi-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CHILD = join(tmp, "fcgi-child.cjs");
writeFileSync(
  CHILD,
  String.raw`"use strict";
const fs = require("fs"), net = require("net");
// Before touching fd 0: which socket is it, and is it already listening (the parent listened)?
const inode = (/socket:\[(\d+)\]/.exec(fs.readlinkSync("/proc/self/fd/0")) || [])[1] || null;
let listening = false;
for (const line of fs.readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
  const f = line.trim().split(/\s+/);
  if (f[9] === inode && f[3] === "0A") listening = true;
}
for (const line of fs.readFileSync("/proc/net/unix", "utf8").split("\n").slice(1)) {
  const f = line.trim().split(/\s+/);
  if (f[6] === inode && f[3] === "00010000") listening = true;
}
process.stdout.write(JSON.stringify({ pid: process.pid, inode, listening }) + "\n");
net.createServer((s) => s.end(String(process.pid))).listen({ fd: 0 });
`,
);

interface ChildReport {
  pid: number;
  inode: string | null;
  listening: boolean;
}

function fcgiGroup(
  name: string,
  socket: string,
  numprocs: number,
  options: { mode?: number; owner?: { uid: number; gid: number } | null; autostart?: boolean } = {},
): GroupConfig {
  const processes = Array.from({ length: numprocs }, (_, i) =>
    proc(numprocs === 1 ? name : `${name}_0${i}`, `${process.execPath} ${CHILD}`, {
      kind: "fcgi-program",
      programName: name,
      startsecs: 0,
      processNum: i,
      numprocs,
      autostart: options.autostart ?? true,
      section: `fcgi-program:${name}`,
    }),
  );
  return {
    ...group(name, processes),
    kind: "fcgi-program",
    fcgi: { socket, backlog: null, owner: options.owner ?? null, mode: options.mode ?? 0o700 },
  };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

type Target = { port: number; host: string } | { path: string };

/** One connection: the answering child's pid. Rejects on error or after 5 s without an answer. */
function ask(target: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(target);
    let data = "";
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error("no answer within 5 s (accepted by someone who does not answer?)"));
    }, 5000);
    sock.setEncoding("utf8");
    sock.on("data", (d: string) => (data += d));
    sock.on("end", () => {
      clearTimeout(timer);
      resolve(Number(data));
    });
    sock.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function askMany(target: Target, count: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < count; i++) pids.add(await ask(target));
  return pids;
}

/** The JSON line each child printed at startup, in spawn order. */
function reports(port: ReturnType<Harness["make"]>["port"], groupName: string, name: string): ChildReport[] {
  return port
    .sink(groupName, name)
    .stdoutText.split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as ChildReport);
}

async function waitReports(
  port: ReturnType<Harness["make"]>["port"],
  groupName: string,
  name: string,
  count: number,
): Promise<ChildReport[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const got = reports(port, groupName, name);
    if (got.length >= count) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} report(s) of ${name}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("fcgi-program sockets (§1.5.8, SPN-10)", () => {
  it("§1.5.8/SPN-10: the tcp socket listens before the first spawn and is fd 0 of both numprocs=2 children; only they answer", async () => {
    const port = await freePort();
    const url = `tcp://127.0.0.1:${port}`;
    const { sup, rec, logger, port: out } = h.make([fcgiGroup("web", url, 2)]);
    sup.start();
    await rec.waitFor(isState("web_00", "RUNNING"));
    await rec.waitFor(isState("web_01", "RUNNING"));
    const [a] = await waitReports(out, "web", "web_00", 1);
    const [b] = await waitReports(out, "web", "web_01", 1);
    expect(a?.listening).toBe(true);
    expect(b?.listening).toBe(true);
    expect(a?.inode).not.toBeNull();
    expect(a?.inode).toBe(b?.inode);

    const pids = await askMany({ port, host: "127.0.0.1" }, 20);
    for (const pid of pids) expect([a?.pid, b?.pid]).toContain(pid);

    // Early check at group creation (create + close), then the real socket before the first spawn.
    const lines = logger.lines;
    expect(lines.slice(0, 3)).toEqual([`INFO Creating socket ${url}`, `INFO Closing socket ${url}`, `INFO Creating socket ${url}`]);
    expect(lines.findIndex((l) => l.startsWith("INFO spawned: 'web_0"))).toBeGreaterThan(2);
  });

  it("§1.5.8: the socket survives one child's restart and is closed (port free) once the whole group stopped", async () => {
    const port = await freePort();
    const url = `tcp://127.0.0.1:${port}`;
    const target = { port, host: "127.0.0.1" };
    const { sup, rec, logger, port: out } = h.make([fcgiGroup("app", url, 2)]);
    sup.start();
    await rec.waitFor(isState("app_00", "RUNNING"));
    await rec.waitFor(isState("app_01", "RUNNING"));
    const [first] = await waitReports(out, "app", "app_00", 1);
    const [other] = await waitReports(out, "app", "app_01", 1);

    await sup.stopProcess("app:app_00");
    expect(await askMany(target, 10)).toEqual(new Set([other?.pid]));

    await sup.startProcess("app:app_00");
    const [, again] = await waitReports(out, "app", "app_00", 2);
    expect(again?.inode).toBe(first?.inode);
    expect(again?.listening).toBe(true);
    for (const pid of await askMany(target, 10)) expect([again?.pid, other?.pid]).toContain(pid);
    expect(logger.lines.filter((l) => l.startsWith("INFO Creating socket"))).toHaveLength(2);
    expect(logger.lines.filter((l) => l.startsWith("INFO Closing socket"))).toHaveLength(1);

    await sup.stopProcessGroup("app");
    expect(logger.lines.filter((l) => l.startsWith("INFO Closing socket"))).toHaveLength(2);
    await expect(ask(target)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    // The port is free again: anyone can bind it.
    const probe = net.createServer();
    holders.push(probe);
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen(port, "127.0.0.1", resolve);
    });
  });

  it("§1.5.8: a restarted single child gets a fresh socket after the last one closed; autorestart keeps it open", async () => {
    const path = join(tmp, "solo.sock");
    const url = `unix://${path}`;
    const { sup, rec, logger, port: out } = h.make([fcgiGroup("solo", url, 1)]);
    sup.start();
    await rec.waitFor(isState("solo", "RUNNING"));
    const [r1] = await waitReports(out, "solo", "solo", 1);
    expect(await ask({ path })).toBe(r1?.pid);

    // An unexpected death restarts at once (T3): the lease is released after the respawn took its own.
    const before = logger.lines.filter((l) => l.startsWith("INFO Creating socket")).length;
    process.kill(r1?.pid as number, "SIGKILL");
    const [, r2] = await waitReports(out, "solo", "solo", 2);
    expect(r2?.inode).toBe(r1?.inode);
    expect(logger.lines.filter((l) => l.startsWith("INFO Creating socket")).length).toBe(before);
    expect(await ask({ path })).toBe(r2?.pid);

    await sup.stopProcess("solo");
    await expect(ask({ path })).rejects.toMatchObject({ code: expect.stringMatching(/^(ECONNREFUSED|ENOENT)$/) as unknown });
    await sup.startProcess("solo");
    const [, , r3] = await waitReports(out, "solo", "solo", 3);
    expect(r3?.inode).not.toBe(r1?.inode);
    expect(r3?.listening).toBe(true);
    expect(await ask({ path })).toBe(r3?.pid);
  });

  it("§1.5.8: a stale file at the unix path is replaced; socket_mode and socket_owner apply to the socket file", async () => {
    const path = join(tmp, "stale.sock");
    writeFileSync(path, "not a socket");
    const isRoot = process.getuid?.() === 0;
    const owner = isRoot ? { uid: 65534, gid: 65534 } : null;
    const { sup, rec, port: out } = h.make([fcgiGroup("php", `unix://${path}`, 2, { mode: 0o660, owner })]);
    sup.start();
    await rec.waitFor(isState("php_00", "RUNNING"));
    await rec.waitFor(isState("php_01", "RUNNING"));
    const st = statSync(path);
    expect(st.isSocket()).toBe(true);
    expect(st.mode & 0o777).toBe(0o660);
    if (owner !== null) expect([st.uid, st.gid]).toEqual([65534, 65534]);
    const [a] = await waitReports(out, "php", "php_00", 1);
    const [b] = await waitReports(out, "php", "php_01", 1);
    expect(a?.listening).toBe(true);
    expect(a?.inode).toBe(b?.inode);
    for (const pid of await askMany({ path }, 10)) expect([a?.pid, b?.pid]).toContain(pid);

    await sup.stopProcessGroup("php");
    await expect(ask({ path })).rejects.toMatchObject({ code: expect.stringMatching(/^(ECONNREFUSED|ENOENT)$/) as unknown });
  });

  it("§1.5.8: a port in use fails the group at creation with supervisord's message (start and addProcessGroup)", async () => {
    const busy = net.createServer();
    holders.push(busy);
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as net.AddressInfo).port;
    const url = `tcp://127.0.0.1:${port}`;
    const expected = `Could not create FastCGI socket ${url}: [Errno 98] Address already in use`;

    const { sup, logger } = h.make([fcgiGroup("busy", url, 1)]);
    let thrown: unknown;
    try {
      sup.start();
    } catch (err) {
      thrown = err;
    }
    expect(isSupervisorError(thrown) && thrown.code).toBe("FAILED");
    expect((thrown as Error).message).toBe(`FAILED: ${expected}`);
    expect(logger.lines).toContain(`ERRO ${expected}`);
    expect(sup.getAllProcessInfo()).toEqual([]);

    // addProcessGroup of the same group on a running supervisor: refused the same way, nothing added.
    const other = h.make([]);
    other.sup.start();
    other.sup.reloadConfig(config([fcgiGroup("busy", url, 1)]));
    expect(() => other.sup.addProcessGroup("busy")).toThrow(expected);
    expect(other.sup.getAllProcessInfo()).toEqual([]);
    expect(other.rec.events.some((e) => e.name === "PROCESS_GROUP_ADDED")).toBe(false);
  });

  it("§1.5.8: a socket that cannot be created at spawn time is a spawn error (BACKOFF, spawnerr names the socket)", async () => {
    const port = await freePort();
    const url = `tcp://127.0.0.1:${port}`;
    const { sup, rec } = h.make([fcgiGroup("late", url, 1, { autostart: false })]);
    sup.start();
    const busy = net.createServer();
    holders.push(busy);
    await new Promise<void>((r) => busy.listen(port, "127.0.0.1", r));
    await expect(sup.startProcess("late")).rejects.toMatchObject({ code: "SPAWN_ERROR" });
    const backoff = (await rec.waitFor(isState("late", "BACKOFF"))) as ProcessStateEvent;
    expect(backoff.payload).toContain("from_state:STARTING");
    expect(sup.getProcessInfo("late").spawnError).toBe(`Could not create FastCGI socket ${url}: [Errno 98] Address already in use`);
    await sup.stopProcess("late");
  });

  it("§1.5.8: a unix socket whose directory vanished before the spawn: spawnerr with Python's errno text", async () => {
    const dir = join(tmp, "gone");
    mkdirSync(dir);
    const path = join(dir, "x.sock");
    const url = `unix://${path}`;
    const { sup, rec } = h.make([fcgiGroup("vanish", url, 1, { autostart: false })]);
    sup.start();
    rmSync(dir, { recursive: true });
    await expect(sup.startProcess("vanish")).rejects.toMatchObject({ code: "SPAWN_ERROR" });
    await rec.waitFor(isState("vanish", "BACKOFF"));
    expect(sup.getProcessInfo("vanish").spawnError).toBe(`Could not create FastCGI socket ${url}: [Errno 2] No such file or directory`);
    await sup.stopProcess("vanish");
  });

  it("§1.5.8/SPN-10: an fcgi process has no stdin channel (sendProcessStdin → NO_FILE)", async () => {
    const path = join(tmp, "stdin.sock");
    const { sup, rec } = h.make([fcgiGroup("nostdin", `unix://${path}`, 1)]);
    sup.start();
    await rec.waitFor(isState("nostdin", "RUNNING"));
    expect(() => sup.sendProcessStdin("nostdin", "hello\n")).toThrow("NO_FILE: nostdin");
  });

  it("§1.5.8: an fcgi program listed in [group:x] has no socket: a clear spawn error instead of supervisord's crash", async () => {
    const member = proc("fg", "/bin/sleep 1000", { kind: "fcgi-program", startsecs: 0, startretries: 0 });
    const { sup, rec } = h.make([group("mixed", [member])]);
    sup.start();
    await rec.waitFor(isState("fg", "FATAL"));
    expect(sup.getProcessInfo("mixed:fg").spawnError).toContain("is listed in [group:mixed]");
  });

  it("§1.5.8: the early check reports chmod/unlink problems with supervisord's wording", () => {
    const logger = new CollectingLogger();
    const missingDir = join(tmp, "no-such-dir", "x.sock");
    expect(() =>
      checkFcgiSocket({ socket: `unix://${missingDir}`, backlog: null, owner: null, mode: 0o700 }, logger),
    ).toThrow(`Could not create FastCGI socket unix://${missingDir}: [Errno 2] No such file or directory`);
    expect(existsSync(missingDir)).toBe(false);
    expect(pythonOsError("EPERM", -1, "/x")).toBe("[Errno 1] Operation not permitted: '/x'");
    expect(pythonOsError("EADDRNOTAVAIL", -99)).toBe("[Errno 99] Cannot assign requested address");
  });
});
