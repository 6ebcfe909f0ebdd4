/**
 * A small in-test implementation of every RPC whose answers are derived from the request, so a round trip
 * proves both directions of each message shape. `calls` records which methods ran.
 */
import type { MethodName, ProcessInfo, ProcessResult, SupervisorHandlers } from "../src/index.js";

export function processInfo(name: string, group = name): ProcessInfo {
  return {
    name,
    group,
    description: `pid 4242, uptime 1:02:03`,
    start: 1_700_000_000,
    stop: 0,
    now: 1_700_003_723,
    state: 20,
    statename: "RUNNING",
    spawnerr: "",
    exitstatus: -1,
    logfile: `/var/log/${name}.out`,
    stdoutLogfile: `/var/log/${name}.out`,
    stderrLogfile: "",
    pid: 4242,
    cpuPercent: 12.5,
    // Past 2^32, to prove int64 survives as a JS number.
    rssBytes: 6_000_000_000,
    // issue 14's fields (20-26), so their round trip is proven too
    readiness: "ready",
    readinessStatus: "tcp:127.0.0.1:6379 passed",
    liveness: "none",
    livenessStatus: "",
    waitingFor: "",
    dependsOn: ["redis:ready", "migrate:completed"],
    program: name,
    desiredState: "",
    // Issue 17 fields (30-37): an optional fds and a nested limits message make the round trip too.
    cpuSeconds: 81.25,
    fds: 12,
    treeProcesses: 3,
    rssRestarts: 1,
    descendantsKilled: 2,
    limits: { rlimits: "nofile=1024:4096", memoryMaxBytes: 512 * 1024 * 1024, cpuMax: "50000 100000", rssRestartBytes: 1_610_612_736, rssRestartForMs: 120_000 },
    lastExitSignal: "SIGTERM",
    cgroup: "/sys/fs/cgroup/tsupervisord-1/web.web",
    // Field 55, far from the others: proves a high field number round-trips.
    restarts: 7,
    restartSignal: "HUP",
  };
}

function results(prefix: string, wait: boolean | undefined): ProcessResult[] {
  return [
    { name: "a", group: prefix, status: 80, description: "OK" },
    { name: "b", group: prefix, status: wait === false ? 80 : 60, description: wait === false ? "OK" : "ALREADY_STARTED: b" },
  ];
}

export function echoService(calls: Set<MethodName> = new Set()): SupervisorHandlers {
  const seen = <T>(method: MethodName, value: T): T => {
    calls.add(method);
    return value;
  };
  return {
    getApiVersion: () => seen("getApiVersion", { version: "3.0" }),
    getSupervisorVersion: () => seen("getSupervisorVersion", { version: "4.2.5" }),
    getIdentification: () => seen("getIdentification", { identifier: "supervisor" }),
    getState: () => seen("getState", { statecode: -1, statename: "SHUTDOWN" }),
    getPid: () => seen("getPid", { pid: process.pid }),
    readLog: (req) => seen("readLog", { data: Buffer.from(`main ${req.offset} ${req.length}`) }),
    clearLog: () => seen("clearLog", {}),
    shutdown: () => seen("shutdown", {}),
    restart: () => seen("restart", {}),
    reloadConfig: () => seen("reloadConfig", { added: ["new"], changed: ["web", "db"], removed: [] }),
    addProcessGroup: (req) => {
      calls.add("addProcessGroup");
      if (req.name !== "web") throw new Error("unexpected name");
      return {};
    },
    removeProcessGroup: (req) => seen("removeProcessGroup", req.name === "web" ? {} : notNamed()),
    startProcess: (req) => seen("startProcess", req.wait === undefined && req.name === "x" ? {} : notNamed()),
    startProcessGroup: (req) => seen("startProcessGroup", { results: results(req.name, req.wait) }),
    startAllProcesses: (req) => seen("startAllProcesses", { results: results("all", req.wait) }),
    stopProcess: (req) => seen("stopProcess", req.wait === false ? {} : notNamed()),
    stopProcessGroup: (req) => seen("stopProcessGroup", { results: results(req.name, req.wait) }),
    stopAllProcesses: (req) => seen("stopAllProcesses", { results: results("all", req.wait) }),
    signalProcess: (req) => seen("signalProcess", req.signal === "HUP" ? {} : notNamed()),
    signalProcessGroup: (req) =>
      seen("signalProcessGroup", { results: [{ name: req.name, group: req.name, status: 80, description: req.signal }] }),
    signalAllProcesses: (req) =>
      seen("signalAllProcesses", { results: [{ name: "p", group: "g", status: 11, description: `BAD_SIGNAL: ${req.signal}` }] }),
    getProcessInfo: (req) => seen("getProcessInfo", { info: processInfo(req.name) }),
    getAllProcessInfo: () => seen("getAllProcessInfo", { processes: [processInfo("a", "g"), processInfo("b", "g")] }),
    getAllConfigInfo: () =>
      seen("getAllConfigInfo", {
        configs: [{ name: "a", group: "g", inuse: true, exitcodes: [0, 2], autorestart: "unexpected", directory: "none", stdoutLogfileMaxbytes: 52_428_800 }],
      }),
    readProcessLog: (req) => seen("readProcessLog", { data: Buffer.from([req.channel, 0xff, 0x00, 0xc3]) }),
    tailProcessLog: (req) =>
      seen("tailProcessLog", { data: Buffer.from(`${req.name}:${req.channel}`), offset: req.offset + req.length, overflow: true }),
    clearProcessLogs: () => seen("clearProcessLogs", {}),
    clearAllProcessLogs: () => seen("clearAllProcessLogs", { results: results("logs", undefined) }),
    sendProcessStdin: (req) => seen("sendProcessStdin", req.data.equals(Buffer.from([0, 1, 0xfe])) ? {} : notNamed()),
    sendRemoteCommEvent: (req) => seen("sendRemoteCommEvent", req.type === "t" && req.data === "é\n" ? {} : notNamed()),
    async *tailProcessLogFollow(req) {
      calls.add("tailProcessLogFollow");
      yield { data: Buffer.from(`${req.name} ${req.channel} ${req.tailBytes ?? "default"}`) };
      yield { data: Buffer.from("==> File truncated <==\n"), truncated: true };
    },
    rotateLogs: (req) => seen("rotateLogs", { results: results(req.names.join(","), req.now) }),
    enableProcess: (req) => seen("enableProcess", { results: results(req.name, req.wait) }),
    disableProcess: (req) => seen("disableProcess", { results: results(req.name, req.wait) }),
    // issue 18
    planUpdate: () =>
      seen("planUpdate", {
        groups: [{ name: "g", status: "changed", action: "members", changes: [], members: [{ name: "a", action: "hot", processNum: 0, changes: [{ option: "autorestart", changeClass: "hot", oldValue: "unexpected", newValue: "false" }] }] }],
      }),
    applyUpdate: (req) =>
      seen("applyUpdate", { outcomes: req.groups.map((group) => ({ group, action: "changed", faultCode: 30, faultString: "FAILED: x", plan: undefined, members: [] })) }),
    scaleProgram: (req) => seen("scaleProgram", { group: req.name, added: [`${req.name}:${req.name}_${req.numprocs}`], removed: [] }),
    whoAmI: () => seen("whoAmI", { user: "alice", role: "viewer", peer: "unix uid=1000 pid=7", uid: 1000 }),
    async *readProcessLogSince(req) {
      calls.add("readProcessLogSince");
      yield { data: Buffer.from(`${req.name} ${req.channel} ${req.sinceMs}`) };
    },
    async *tailMainLogFollow(req) {
      calls.add("tailMainLogFollow");
      yield { data: Buffer.from(`main ${req.tailBytes ?? "default"}`) };
    },
    // issue 18
    restartRolling: (req) => seen("restartRolling", { operation: { ...OPERATION, description: `${req.action} ${req.names.join(" ")} ${req.batch} ${req.wait}` } }),
    reloadProcess: (req) => seen("reloadProcess", { results: results(req.names.join(","), undefined) }),
    cancelOperation: (req) => seen("cancelOperation", { cancelled: req.id === 7 }),
    listOperations: () => seen("listOperations", { operations: [OPERATION] }),
    async *waitOperation(req) {
      calls.add("waitOperation");
      yield { operation: { ...OPERATION, id: req.id }, step: { seq: 1, text: "batch 1/1: a", verb: "", } };
      yield { operation: { ...OPERATION, id: req.id }, step: { seq: 2, text: "", verb: "restart", result: { name: "a", group: "a", status: 80, description: "OK" } } };
      yield { operation: { ...OPERATION, id: req.id, state: "succeeded", summary: "1 restarted", finishedMs: 1_764_860_401_000 } };
    },
    async *watch(req) {
      calls.add("watch");
      yield {
        event: {
          $case: "snapshot",
          snapshot: { processes: [processInfo("a")], statecode: 1, statename: "RUNNING", apiVersion: "3.0", startTime: 1_700_000_000, pid: 1 },
        },
      };
      yield { event: { $case: "processStateChanged", processStateChanged: { process: processInfo("a"), fromState: 10, fromStatename: "STARTING" } } };
      yield { event: { $case: "groupAdded", groupAdded: { name: "g", processes: [processInfo("b", "g")] } } };
      yield { event: { $case: "groupRemoved", groupRemoved: { name: "g" } } };
      yield { event: { $case: "supervisorStateChanged", supervisorStateChanged: { statecode: -1, statename: "SHUTDOWN" } } };
      if (req.includeStats) {
        yield { event: { $case: "processStats", processStats: { processes: [{ name: "a", group: "a", pid: 4242, cpuPercent: 3.25, rssBytes: 1024, cpuSeconds: 9.5, fds: 4 }] } } };
      }
    },
  };
}

const OPERATION = { id: 7, kind: "rolling-restart", description: "restart --rolling web:*", state: "running", summary: "", startedMs: 1_764_860_400_000, finishedMs: 0 };

function notNamed(): never {
  throw new Error("request did not carry what the test sent");
}
