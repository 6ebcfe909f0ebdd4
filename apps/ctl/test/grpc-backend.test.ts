/**
 * The gRPC adapter over a real wire: the protocol package's server on a unix socket and on TCP, answering from
 * the in-memory supervisor, and tsctl's commands through createGrpcBackend. Checks that faults come back as
 * the same SupervisorErrors (so exit codes survive the wire), that streams stop on Ctrl-C, and that refused
 * connections, missing sockets and bad credentials become the upcheck's messages.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server as NetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  LogChannel,
  createGrpcServer,
  handleConnection,
  type SupervisorGrpcServer,
  type SupervisorHandlers,
} from "@tsupervisord/protocol";
import type { ServerTarget } from "../src/backend.js";
import { COMMANDS } from "../src/commands/index.js";
import { Controller } from "../src/controller.js";
import { createGrpcBackend } from "../src/grpc-backend.js";
import { BufferTerminal } from "../src/terminal.js";
import { FakeBackend } from "./fake-backend.js";

function handlersFor(fb: FakeBackend): SupervisorHandlers {
  const channel = (c: LogChannel): "stdout" | "stderr" => (c === LogChannel.STDERR ? "stderr" : "stdout");
  async function* follow(
    start: (sink: (d: Uint8Array) => void, signal: AbortSignal) => Promise<void>,
    signal: AbortSignal,
  ): AsyncIterable<{ data: Buffer; truncated: boolean }> {
    const chunks: Buffer[] = [];
    const done = start((d) => chunks.push(Buffer.from(d)), signal);
    // The fake writes its log synchronously, then waits for the abort.
    while (chunks.length > 0) yield { data: chunks.shift() as Buffer, truncated: false };
    await done;
  }
  return {
    getApiVersion: async () => ({ version: await fb.getAPIVersion() }),
    getSupervisorVersion: async () => ({ version: await fb.getSupervisorVersion() }),
    getIdentification: async () => ({ identifier: "supervisor" }),
    getState: async () => ({ statecode: 1, statename: "RUNNING" }),
    getPid: async () => ({ pid: await fb.getPID() }),
    readLog: async (r) => ({ data: Buffer.from(await fb.readMainLog(r.offset, r.length)) }),
    clearLog: async () => ({}),
    shutdown: async () => (await fb.shutdown(), {}),
    restart: async () => (await fb.restart(), {}),
    reloadConfig: async () => fb.reloadConfig(),
    addProcessGroup: async (r) => (await fb.addProcessGroup(r.name), {}),
    removeProcessGroup: async (r) => (await fb.removeProcessGroup(r.name), {}),
    startProcess: async (r) => (await fb.startProcess(r.name), {}),
    startProcessGroup: async (r) => ({ results: await fb.startProcessGroup(r.name) }),
    startAllProcesses: async () => ({ results: await fb.startAllProcesses() }),
    stopProcess: async (r) => (await fb.stopProcess(r.name), {}),
    stopProcessGroup: async (r) => ({ results: await fb.stopProcessGroup(r.name) }),
    stopAllProcesses: async () => ({ results: await fb.stopAllProcesses() }),
    signalProcess: async (r) => (await fb.signalProcess(r.name, r.signal), {}),
    signalProcessGroup: async (r) => ({ results: await fb.signalProcessGroup(r.name, r.signal) }),
    signalAllProcesses: async (r) => ({ results: await fb.signalAllProcesses(r.signal) }),
    getProcessInfo: async (r) => ({ info: await fb.getProcessInfo(r.name) }),
    getAllProcessInfo: async () => ({ processes: await fb.getAllProcessInfo() }),
    getAllConfigInfo: async () => ({ configs: await fb.getAllConfigInfo() }),
    readProcessLog: async (r) => ({
      data: Buffer.from(await fb.readProcessLog(r.name, channel(r.channel), r.offset, r.length)),
    }),
    tailProcessLog: async () => ({ data: Buffer.alloc(0), offset: 0, overflow: false }),
    clearProcessLogs: async (r) => (await fb.clearProcessLogs(r.name), {}),
    clearAllProcessLogs: async () => ({ results: await fb.clearAllProcessLogs() }),
    sendProcessStdin: async (r) => (await fb.sendProcessStdin(r.name, Buffer.from(r.data).toString()), {}),
    sendRemoteCommEvent: async () => ({}),
    rotateLogs: async () => ({ results: [] }),
    enableProcess: async () => ({ results: [] }),
    disableProcess: async () => ({ results: [] }),
    planUpdate: async () => ({ groups: [] }), // issue 18
    applyUpdate: async () => ({ outcomes: [] }),
    scaleProgram: async () => ({ group: "", added: [], removed: [] }),
    whoAmI: (_r, ctx) => ({ user: "anonymous", role: "admin", peer: ctx.peer }),
    readProcessLogSince: async function* () {},
    tailProcessLogFollow: (r, ctx) => follow((sink, s) => fb.followProcessLog(r.name, channel(r.channel), sink, s), ctx.signal),
    tailMainLogFollow: (_r, ctx) => follow((sink, s) => fb.followMainLog(sink, s), ctx.signal),
    // issue 18: not exercised by these tests
    restartRolling: () => Promise.reject(new Error("unused")),
    reloadProcess: () => Promise.reject(new Error("unused")),
    cancelOperation: () => Promise.reject(new Error("unused")),
    listOperations: () => Promise.reject(new Error("unused")),
    waitOperation: async function* () {},
    // eslint-disable-next-line require-yield
    watch: async function* (_r, ctx) {
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
    },
  };
}

interface Served {
  grpc: SupervisorGrpcServer;
  unixUrl: string;
  tcpUrl: string;
  close(): Promise<void>;
}

async function serve(fb: FakeBackend, auth?: { username: string; password: string }): Promise<Served> {
  const grpc = createGrpcServer(handlersFor(fb), { auth: auth ?? null });
  const dir = mkdtempSync(join(tmpdir(), "tsctl-wire-"));
  const socketPath = join(dir, "supervisor.sock");
  const servers: NetServer[] = [];
  const listen = (target: string | number): Promise<NetServer> =>
    new Promise((resolve) => {
      const s = createServer((socket) => handleConnection(socket, { grpc: grpc.injector }));
      servers.push(s);
      if (typeof target === "string") s.listen(target, () => resolve(s));
      else s.listen(target, "127.0.0.1", () => resolve(s));
    });
  await listen(socketPath);
  const tcp = await listen(0);
  return {
    grpc,
    unixUrl: `unix://${socketPath}`,
    tcpUrl: `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`,
    close: async () => {
      await grpc.close(100);
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function ctlRun(target: ServerTarget, line: string, term = new BufferTerminal()) {
  const ctl = new Controller({ target, interactive: false, prompt: "supervisor", historyFile: null }, term, COMMANDS, createGrpcBackend);
  await ctl.onecmd(line);
  ctl.close();
  return { out: term.stdout, err: term.stderr, exit: ctl.exitstatus };
}

const fb = new FakeBackend([
  { name: "web", group: "web", state: "RUNNING", stdout: "hello from web\n" },
  { name: "quick", group: "quick", state: "STOPPED", onStart: "SPAWN_ERROR" },
  { name: "w1", group: "pool", state: "RUNNING" },
  { name: "w2", group: "pool", state: "RUNNING" },
]);
let served: Served;
let secured: Served;
beforeAll(async () => {
  served = await serve(fb);
  secured = await serve(new FakeBackend([{ name: "a", group: "a", state: "RUNNING" }]), { username: "admin", password: "s3cret" });
});
afterAll(async () => {
  await served.close();
  await secured.close();
});

describe("tsctl over gRPC", () => {
  const target = (): ServerTarget => ({ serverurl: served.unixUrl, username: null, password: null });

  it("status, pid and version over the unix socket", async () => {
    const r = await ctlRun(target(), "status");
    expect(r.out).toMatch(/^pool:w1 {26}RUNNING {3}pid 4242, uptime 0:01:05\n/);
    expect(r.out).toContain("quick                            STOPPED   Not started\n");
    expect(r.exit).toBe(3);
    expect(await ctlRun(target(), "pid")).toMatchObject({ out: "1234\n", exit: 0 });
    expect(await ctlRun(target(), "version")).toMatchObject({ out: "4.2.5\n", exit: 0 });
  });

  it("faults keep their codes across the wire (exit codes EXIT-01)", async () => {
    expect(await ctlRun(target(), "start quick")).toMatchObject({ out: "quick: ERROR (spawn error)\n", exit: 7 });
    expect(await ctlRun(target(), "start nosuch")).toMatchObject({ out: "nosuch: ERROR (no such process)\n", exit: 1 });
    expect(await ctlRun(target(), "start nosuch:*")).toMatchObject({ out: "nosuch: ERROR (no such group)\n", exit: 2 });
    expect(await ctlRun(target(), "signal BOGUS web")).toMatchObject({ out: "web: ERROR (bad signal name)\n", exit: 1 });
    expect(await ctlRun(target(), "tail quick")).toMatchObject({ out: "quick: ERROR (no log file)\n", exit: 1 });
  });

  it("group results over TCP", async () => {
    const tcp = { serverurl: served.tcpUrl, username: null, password: null };
    expect(await ctlRun(tcp, "stop pool:*")).toMatchObject({ out: "pool:w1: stopped\npool:w2: stopped\n", exit: 0 });
    expect(await ctlRun(tcp, "start pool:")).toMatchObject({ out: "pool:w1: started\npool:w2: started\n", exit: 0 });
  });

  it("tail bytes and tail -f until Ctrl-C", async () => {
    expect(await ctlRun(target(), "tail web")).toMatchObject({ out: "hello from web\n\n", exit: 0 });
    const term = new BufferTerminal();
    const ctl = new Controller(
      { target: target(), interactive: false, prompt: "supervisor", historyFile: null },
      term,
      COMMANDS,
      createGrpcBackend,
    );
    const done = ctl.onecmd("tail -f web");
    await vi.waitFor(() => expect(term.stdout).toContain("hello from web"));
    expect(ctl.interrupt()).toBe(true);
    await done;
    ctl.close();
    expect(term.stdout).toBe("==> Press Ctrl-C to exit <==\nhello from web\n\n");
    expect(ctl.exitstatus).toBe(0);
  });

  it("a missing socket, a refused port (§4.2)", async () => {
    const gone = `unix://${tmpdir()}/tsctl-no-such-dir/x.sock`;
    expect(await ctlRun({ serverurl: gone, username: null, password: null }, "status")).toMatchObject({
      out: `${gone} no such file\n`,
      exit: 4,
    });
    expect(await ctlRun({ serverurl: gone, username: null, password: null }, "stop x")).toMatchObject({ exit: 7 });
    const probe = createServer();
    const port = await new Promise<number>((r) => probe.listen(0, "127.0.0.1", () => r((probe.address() as AddressInfo).port)));
    await new Promise((r) => probe.close(r));
    const refused = `http://127.0.0.1:${port}`;
    expect(await ctlRun({ serverurl: refused, username: null, password: null }, "start x")).toMatchObject({
      out: `${refused} refused connection\n`,
      exit: 4,
    });
  });

  it("credentials (CTL-03, CTL-06)", async () => {
    const url = secured.unixUrl;
    expect(await ctlRun({ serverurl: url, username: null, password: null }, "status")).toMatchObject({
      out: "Server requires authentication\n",
      exit: 1,
    });
    expect(await ctlRun({ serverurl: url, username: "admin", password: "wrong" }, "pid")).toMatchObject({
      out: "Server requires authentication\n",
      exit: 1,
    });
    expect(await ctlRun({ serverurl: url, username: "admin", password: "s3cret" }, "pid a")).toMatchObject({
      out: "4242\n",
      exit: 0,
    });
  });
});
