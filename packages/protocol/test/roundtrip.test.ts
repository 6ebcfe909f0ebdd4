import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_METHODS, connect, isStreamMethod, type MethodName, type SupervisorClient } from "../src/index.js";
import { echoService, processInfo } from "./echo-service.js";
import { startHarness, type Harness } from "./harness.js";

const calls = new Set<MethodName>();
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(echoService(calls));
});
afterAll(async () => {
  await harness.close();
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Calls every RPC once and checks what came back; shared by the unix and TCP runs. */
async function exerciseEveryMethod(client: SupervisorClient): Promise<void> {
  expect(await client.getApiVersion()).toEqual({ version: "3.0" });
  expect(await client.getSupervisorVersion()).toEqual({ version: "4.2.5" });
  expect(await client.getIdentification()).toEqual({ identifier: "supervisor" });
  expect(await client.getState()).toEqual({ statecode: -1, statename: "SHUTDOWN" });
  expect(await client.getPid()).toEqual({ pid: process.pid });
  expect((await client.readLog({ offset: -1600, length: 0 })).data.toString()).toBe("main -1600 0");
  expect(await client.clearLog()).toEqual({});
  expect(await client.shutdown()).toEqual({});
  expect(await client.restart()).toEqual({});
  expect(await client.reloadConfig()).toEqual({ added: ["new"], changed: ["web", "db"], removed: [] });
  expect(await client.addProcessGroup({ name: "web" })).toEqual({});
  expect(await client.removeProcessGroup({ name: "web" })).toEqual({});
  // `wait` unset must arrive unset (the daemon reads it as true); false must arrive as false.
  expect(await client.startProcess({ name: "x" })).toEqual({});
  expect(await client.stopProcess({ name: "x", wait: false })).toEqual({});
  const started = await client.startProcessGroup({ name: "g" });
  expect(started.results).toEqual([
    { name: "a", group: "g", status: 80, description: "OK" },
    { name: "b", group: "g", status: 60, description: "ALREADY_STARTED: b" },
  ]);
  expect((await client.startAllProcesses({ wait: false })).results.map((r) => r.status)).toEqual([80, 80]);
  expect((await client.stopProcessGroup({ name: "g", wait: true })).results[1]?.status).toBe(60);
  expect((await client.stopAllProcesses()).results[0]?.group).toBe("all");
  expect(await client.signalProcess({ name: "x", signal: "HUP" })).toEqual({});
  expect((await client.signalProcessGroup({ name: "g", signal: "9" })).results).toEqual([
    { name: "g", group: "g", status: 80, description: "9" },
  ]);
  expect((await client.signalAllProcesses({ signal: "NOPE" })).results[0]?.description).toBe("BAD_SIGNAL: NOPE");
  expect((await client.getProcessInfo({ name: "web" })).info).toEqual(processInfo("web"));
  expect((await client.getAllProcessInfo()).processes).toEqual([processInfo("a", "g"), processInfo("b", "g")]);
  const [config] = (await client.getAllConfigInfo()).configs;
  expect(config).toMatchObject({ name: "a", inuse: true, exitcodes: [0, 2], autorestart: "unexpected", directory: "none" });
  expect(config?.stdoutLogfileMaxbytes).toBe(52_428_800);
  expect(config?.stopsignal).toBe(0);
  // Log data is bytes: invalid UTF-8 survives untouched.
  expect([...(await client.readProcessLog({ name: "a", channel: 2, offset: 0, length: 0 })).data]).toEqual([2, 0xff, 0x00, 0xc3]);
  const tail = await client.tailProcessLog({ name: "a", channel: 1, offset: 10, length: 100 });
  expect({ data: tail.data.toString(), offset: tail.offset, overflow: tail.overflow }).toEqual({ data: "a:1", offset: 110, overflow: true });
  expect(await client.clearProcessLogs({ name: "a" })).toEqual({});
  expect((await client.clearAllProcessLogs()).results).toHaveLength(2);
  expect(await client.sendProcessStdin({ name: "a", data: Buffer.from([0, 1, 0xfe]) })).toEqual({});
  expect(await client.sendRemoteCommEvent({ type: "t", data: "é\n" })).toEqual({});

  const follow = await collect(client.tailProcessLogFollow({ name: "a", channel: 2, tailBytes: 0 }));
  expect(follow.map((c) => [c.data.toString(), c.truncated])).toEqual([
    ["a 2 0", false],
    ["==> File truncated <==\n", true],
  ]);
  expect((await collect(client.tailMainLogFollow())).map((c) => c.data.toString())).toEqual(["main default"]);
  expect(await client.whoAmI()).toEqual({ user: "alice", role: "viewer", peer: "unix uid=1000 pid=7", uid: 1000 });
  const rotated = await client.rotateLogs({ names: ["a", "g:*"], now: true });
  expect(rotated.results.map((r) => r.group)).toEqual(["a,g:*", "a,g:*"]);
  // issue 18
  const plan = (await client.planUpdate({})).groups[0];
  expect(plan?.members[0]?.changes[0]).toEqual({ option: "autorestart", changeClass: "hot", oldValue: "unexpected", newValue: "false" });
  const applied = (await client.applyUpdate({ groups: ["g"] })).outcomes;
  expect(applied.map((o) => [o.group, o.faultCode, o.faultString])).toEqual([["g", 30, "FAILED: x"]]);
  expect(await client.scaleProgram({ name: "web", numprocs: 3 })).toEqual({ group: "web", added: ["web:web_3"], removed: [] });
  const since = await collect(client.readProcessLogSince({ name: "a", channel: 1, sinceMs: 1_764_860_400_000 }));
  expect(since.map((c) => c.data.toString())).toEqual(["a 1 1764860400000"]);
  // issue 18
  expect((await client.enableProcess({ name: "web:*" })).results.map((r) => [r.group, r.status])).toEqual([
    ["web:*", 80],
    ["web:*", 60],
  ]);
  expect((await client.disableProcess({ name: "all", wait: false })).results.map((r) => r.status)).toEqual([80, 80]);
  // issue 18: operations
  const begun = await client.restartRolling({ names: ["web:*"], batch: 2, wait: "ready", action: "" });
  expect(begun.operation?.description).toBe(" web:* 2 ready");
  expect((await client.reloadProcess({ names: ["a"] })).results).toHaveLength(2);
  expect((await client.cancelOperation({ id: 7 })).cancelled).toBe(true);
  expect((await client.listOperations({})).operations.map((o) => [o.id, Number(o.startedMs)])).toEqual([[7, 1_764_860_400_000]]);
  const steps = await collect(client.waitOperation({ id: 9 }));
  expect(steps.map((m) => [m.operation?.id, m.operation?.state, m.step?.text, m.step?.result?.status])).toEqual([
    [9, "running", "batch 1/1: a", undefined],
    [9, "running", "", 80],
    [9, "succeeded", undefined, undefined],
  ]);
  const events = await collect(client.watch({ includeStats: true }));
  expect(events.map((e) => e.event?.$case)).toEqual([
    "snapshot",
    "processStateChanged",
    "groupAdded",
    "groupRemoved",
    "supervisorStateChanged",
    "processStats",
  ]);
  const first = events[0]?.event;
  expect(first?.$case === "snapshot" ? first.snapshot.processes[0] : undefined).toEqual(processInfo("a"));
  const stats = events[5]?.event;
  expect(stats?.$case === "processStats" ? stats.processStats.processes[0]?.cpuPercent : undefined).toBe(3.25);
}

describe("every RPC round-trips (RPC-API shapes, spec §5.3/§5.4)", () => {
  it("over the unix socket", async () => {
    const client = connect(harness.unixUrl);
    try {
      await exerciseEveryMethod(client);
    } finally {
      client.close();
    }
  });

  it("over TCP on 127.0.0.1", async () => {
    const client = connect(`127.0.0.1:${harness.port}`);
    try {
      await exerciseEveryMethod(client);
    } finally {
      client.close();
    }
  });

  it("reached every method of the service", () => {
    expect([...calls].sort()).toEqual([...CLIENT_METHODS].sort());
    expect(CLIENT_METHODS.filter(isStreamMethod).sort()).toEqual(["readProcessLogSince", "tailMainLogFollow", "tailProcessLogFollow", "waitOperation", "watch"]);
  });
});
