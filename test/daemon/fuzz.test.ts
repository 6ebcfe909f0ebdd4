import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LogChannel, SupervisorService, type SupervisorClient } from "@tsupervisord/protocol";
import { isAlive, startDaemon, TestDir, waitForState, type RunningDaemon } from "./lib/daemon.js";
import { isFault } from "./lib/faults.js";
import { createPrng } from "./lib/prng.js";
import { rawGrpcCall } from "./lib/raw-grpc.js";

/**
 * Random and malformed requests on every RPC: each gets a typed answer (a fault, or a gRPC status for bytes that
 * are not a message), never a crash; the daemon stays up and its children keep their pids.
 */
let dir: TestDir;
let daemon: RunningDaemon;
let client: SupervisorClient;
let pids: Record<string, number>;

// A small deterministic PRNG so a failure can be replayed.
const { random, pick, randomBytes } = createPrng(0x5eed);

const REAL_NAMES = new Set(["alpha", "beta", "alpha:alpha", "beta:beta", "alpha:*", "beta:*", "alpha:", "beta:"]);
/** Names that never select a real process: junk, huge, unknown selectors, control characters. */
function badName(): string {
  for (;;) {
    const candidate = pick([
      () => "",
      () => "nosuch",
      () => "x".repeat(64 * 1024),
      () => "nosuch:*",
      () => ":",
      () => "::::",
      () => "alpha:nosuch",
      () => "*",
      () => "all",
      () => "../../etc/passwd",
      () => "\u0000\u0001\n\t",
      () => "名前:🙂",
      () => randomBytes(12).toString("latin1"),
    ])();
    if (!REAL_NAMES.has(candidate)) return candidate;
  }
}
function badSignal(): string {
  return pick(["", "NOPE", "SIGNOPE", "999", "-1", "9999999999999", "x".repeat(10000), "1.5", "\u0000"]);
}
function anyInt(): number {
  return pick([0, -1, 1, -(2 ** 31), 2 ** 31 - 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 17]);
}

type Call = () => Promise<unknown>;

/** These act on the whole daemon or on every process by design (exercised in rpc.test.ts), not fuzzed here. */
const WHOLE_DAEMON_METHODS = ["shutdown", "restart", "stopAllProcesses", "startAllProcesses", "clearLog", "clearAllProcessLogs"];

/** One random request per RPC; operations on everything are kept to ones that cannot touch our children. */
function randomCalls(c: SupervisorClient): Record<string, Call> {
  const channel = (): LogChannel => pick([LogChannel.UNSPECIFIED, LogChannel.STDOUT, LogChannel.STDERR, 7 as LogChannel]);
  // The first message of a stream, or nothing if none comes within 200 ms (a follow with nothing new).
  const firstOf = async (open: (options: { signal: AbortSignal }) => AsyncIterable<unknown>): Promise<unknown> => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 200);
    try {
      for await (const m of open({ signal: ac.signal })) return m;
    } catch (err) {
      if (ac.signal.aborted) return undefined;
      throw err;
    } finally {
      clearTimeout(timer);
      ac.abort();
    }
    return undefined;
  };
  return {
    getApiVersion: () => c.getApiVersion({}),
    getSupervisorVersion: () => c.getSupervisorVersion({}),
    getIdentification: () => c.getIdentification({}),
    getState: () => c.getState({}),
    getPid: () => c.getPid({}),
    readLog: () => c.readLog({ offset: anyInt(), length: anyInt() }),
    addProcessGroup: () => c.addProcessGroup({ name: badName() }),
    removeProcessGroup: () => c.removeProcessGroup({ name: badName() }),
    startProcess: () => c.startProcess({ name: badName(), wait: pick([true, false, undefined]) }),
    startProcessGroup: () => c.startProcessGroup({ name: badName(), wait: pick([true, false]) }),
    stopProcess: () => c.stopProcess({ name: badName(), wait: pick([true, false]) }),
    stopProcessGroup: () => c.stopProcessGroup({ name: badName() }),
    signalProcess: () => c.signalProcess({ name: pick([badName(), "alpha"]), signal: badSignal() }),
    signalProcessGroup: () => c.signalProcessGroup({ name: pick([badName(), "beta"]), signal: badSignal() }),
    signalAllProcesses: () => c.signalAllProcesses({ signal: badSignal() }),
    getProcessInfo: () => c.getProcessInfo({ name: badName() }),
    getAllProcessInfo: () => c.getAllProcessInfo({}),
    getAllConfigInfo: () => c.getAllConfigInfo({}),
    readProcessLog: () => c.readProcessLog({ name: pick([badName(), "alpha"]), channel: channel(), offset: anyInt(), length: anyInt() }),
    tailProcessLog: () => c.tailProcessLog({ name: pick([badName(), "alpha"]), channel: channel(), offset: anyInt(), length: anyInt() }),
    clearProcessLogs: () => c.clearProcessLogs({ name: badName() }),
    sendProcessStdin: () => c.sendProcessStdin({ name: pick([badName(), "alpha"]), data: randomBytes(Math.floor(random() * 64)) }),
    sendRemoteCommEvent: () => c.sendRemoteCommEvent({ type: badName(), data: badName() }),
    reloadConfig: () => c.reloadConfig({}),
    tailProcessLogFollow: () =>
      firstOf((o) => c.tailProcessLogFollow({ name: badName(), channel: channel(), tailBytes: anyInt() }, o)),
    tailMainLogFollow: () => firstOf((o) => c.tailMainLogFollow({ tailBytes: pick([0, 10, 1024]) }, o)),
    watch: () => firstOf((o) => c.watch({ includeStats: pick([true, false]) }, o)),
    // issue 15: reopen/rotate by name (never the empty list: that is every process and the activity log).
    rotateLogs: () => c.rotateLogs({ names: [pick([badName(), "alpha", "beta:*"])], now: pick([true, false]) }),
    readProcessLogSince: () =>
      firstOf((o) => c.readProcessLogSince({ name: pick([badName(), "alpha"]), channel: channel(), sinceMs: anyInt() }, o)),
    // issue 18: this daemon has no statefile (FAILED), and names are mostly bad (BAD_NAME).
    enableProcess: () => c.enableProcess({ name: pick([badName(), "alpha"]), wait: false }),
    disableProcess: () => c.disableProcess({ name: badName(), wait: false }),
    // issue 18: operations only on bad names (a good one would restart our children); beta has no restartsignal.
    restartRolling: () =>
      c.restartRolling({
        names: [badName()],
        batch: pick([0, -1, 1, 2, -(2 ** 31), 2 ** 31 - 1]),
        wait: pick(["", "ready", "running", "soon"]),
        action: pick(["", "rolling-restart", "start", "stop", "restart", "explode"]),
      }),
    reloadProcess: () => c.reloadProcess({ names: [pick([badName(), "beta"])] }),
    waitOperation: () => firstOf((o) => c.waitOperation({ id: pick([0, 1, 2 ** 32 - 1, 12345]) }, o)),
    cancelOperation: () => c.cancelOperation({ id: pick([0, 1, 2 ** 32 - 1]) }),
    listOperations: () => c.listOperations({}),
    // issue 18: the file is unchanged, so a plan is empty and an update of bad names does nothing; scale only bad
    // names (a good one would start or stop our children).
    planUpdate: () => c.planUpdate({}),
    applyUpdate: () => c.applyUpdate({ groups: [badName()] }),
    scaleProgram: () => c.scaleProgram({ name: badName(), numprocs: pick([0, 1, -1, 2 ** 31 - 1, -(2 ** 31)]) }),
    // issue 19
    whoAmI: () => c.whoAmI({}),
  };
}

beforeAll(async () => {
  dir = new TestDir();
  dir.writeConfig(
    "[program:alpha]\ncommand=/bin/sleep 1000\nstartsecs=0\n\n[program:beta]\ncommand=/bin/cat\nstartsecs=0\n",
  );
  daemon = await startDaemon(dir);
  client = daemon.client();
  pids = {
    alpha: await waitForState(client, "alpha", "RUNNING"),
    beta: await waitForState(client, "beta", "RUNNING"),
  };
});

afterAll(async () => {
  client?.close();
  expect((await daemon?.stop())?.status).toBe(0);
  dir?.cleanup();
});

async function expectChildrenUntouched(): Promise<void> {
  expect(isAlive(daemon.pid)).toBe(true);
  for (const [name, pid] of Object.entries(pids)) {
    const info = (await client.getProcessInfo({ name })).info;
    expect(info?.statename).toBe("RUNNING");
    expect(info?.pid).toBe(pid);
  }
}

describe("fuzz: typed errors only, daemon and children unharmed", () => {
  it("random arguments on every RPC get a fault or a normal answer", async () => {
    const calls = randomCalls(client);
    const methods = Object.keys(SupervisorService).filter((m) => !WHOLE_DAEMON_METHODS.includes(m));
    for (const m of methods) expect(calls[m], `a fuzz case for ${m}`).toBeDefined();
    for (let round = 0; round < 6; round++) {
      for (const m of methods) {
        try {
          if (process.env.FUZZ_DEBUG) console.error("call", round, m);
          await (calls[m] as Call)();
        } catch (err) {
          if (err instanceof Error && err.name === "AbortError") continue;
          expect(isFault(err), `${m} failed with an untyped error: ${String(err)}`).toBe(true);
        }
      }
    }
    await expectChildrenUntouched();
  });

  it("malformed request bytes on every RPC get a gRPC status, never a crash", async () => {
    for (const [method, def] of Object.entries(SupervisorService)) {
      // Random bytes can decode into a valid request; these would then legitimately stop things.
      if (WHOLE_DAEMON_METHODS.includes(method)) continue;
      for (const body of [randomBytes(1), randomBytes(7), randomBytes(300), Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]) {
        const result = await rawGrpcCall(dir.socket, def.path, body, 1000);
        // Either the bytes happened to decode (any answer, or a stream that started) or a status came back.
        expect(result.status !== null || result.messages > 0, `${method}: no status`).toBe(true);
        if (result.status !== null && result.status !== 0) expect(result.status).toBeGreaterThan(0);
      }
    }
    // An unknown method.
    const unknown = await rawGrpcCall(dir.socket, "/supervisor.v1.Supervisor/NoSuchMethod", Buffer.alloc(0));
    expect(unknown.status).toBe(12);
    await expectChildrenUntouched();
  });
});
