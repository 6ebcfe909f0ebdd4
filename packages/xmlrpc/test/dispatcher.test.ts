import { SupervisorError } from "@tsupervisord/errors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RpcDispatcher } from "../src/index.js";
import type { ProcessInfoStruct } from "../src/index.js";
import { FakeBackend } from "./fake-backend.js";
import { makeTempDir, removeDir } from "./helpers.js";

const API_01 = [
  "supervisor.addProcessGroup", "supervisor.clearAllProcessLogs", "supervisor.clearLog", "supervisor.clearProcessLog",
  "supervisor.clearProcessLogs", "supervisor.getAPIVersion", "supervisor.getAllConfigInfo", "supervisor.getAllProcessInfo",
  "supervisor.getIdentification", "supervisor.getPID", "supervisor.getProcessInfo", "supervisor.getState",
  "supervisor.getSupervisorVersion", "supervisor.getVersion", "supervisor.readLog", "supervisor.readMainLog",
  "supervisor.readProcessLog", "supervisor.readProcessStderrLog", "supervisor.readProcessStdoutLog",
  "supervisor.reloadConfig", "supervisor.removeProcessGroup", "supervisor.restart", "supervisor.sendProcessStdin",
  "supervisor.sendRemoteCommEvent", "supervisor.shutdown", "supervisor.signalAllProcesses", "supervisor.signalProcess",
  "supervisor.signalProcessGroup", "supervisor.startAllProcesses", "supervisor.startProcess", "supervisor.startProcessGroup",
  "supervisor.stopAllProcesses", "supervisor.stopProcess", "supervisor.stopProcessGroup", "supervisor.tailProcessLog",
  "supervisor.tailProcessStderrLog", "supervisor.tailProcessStdoutLog", "system.listMethods", "system.methodHelp",
  "system.methodSignature", "system.multicall",
];

let dir: string;
let backend: FakeBackend;
let rpc: RpcDispatcher;

beforeEach(() => {
  dir = makeTempDir("xmlrpc-dispatch-");
  backend = new FakeBackend(dir, { cat: ["cat"], web: ["web_0", "web_1"] });
  rpc = new RpcDispatcher(backend);
});
afterEach(() => removeDir(dir));

const fault = (code: number, text: string) => ({ ok: false, faultCode: code, faultString: text });

describe("API-01 / SYS-01 system.listMethods", () => {
  it("returns exactly supervisord's sorted list, aliases included", async () => {
    expect(await rpc.call("system.listMethods", [])).toEqual(API_01);
  });
});

describe("RPC-07 dispatch", () => {
  it.each(["supervisor._update", "supervisor.nosuch", "a.b.c", "supervisor.getPID.__class__", "getPID", "nosuch.getPID", "_x.getPID"])(
    "%s is UNKNOWN_METHOD", async (name) => {
      expect(await rpc.dispatch(name, [])).toEqual(fault(1, "UNKNOWN_METHOD"));
    });

  it.each([
    ["supervisor.getPID", [1]],
    ["supervisor.startProcess", []],
    ["supervisor.startProcess", ["cat", true, 3]],
    ["supervisor.readLog", [0]],
    ["system.multicall", []],
  ] as const)("wrong arity of %s is INCORRECT_PARAMETERS", async (name, params) => {
    expect(await rpc.dispatch(name, [...params])).toEqual(fault(2, "INCORRECT_PARAMETERS"));
  });

  it("UPC-01 getVersion is an alias of getAPIVersion and answers 3.0", async () => {
    expect(await rpc.call("supervisor.getVersion", [])).toBe("3.0");
    expect(await rpc.call("supervisor.getAPIVersion", [])).toBe("3.0");
  });

  it("an unexpected error inside a method is thrown (HTTP 500), not a fault", async () => {
    backend.getPID = async () => {
      throw new TypeError("boom");
    };
    await expect(rpc.dispatch("supervisor.getPID", [])).rejects.toThrow("boom");
  });

  it("RPC-09 backend faults become `CODE: detail`", async () => {
    expect(await rpc.dispatch("supervisor.startProcess", ["nosuch"])).toEqual(fault(10, "BAD_NAME: nosuch"));
    await rpc.call("supervisor.startProcess", ["cat"]);
    expect(await rpc.dispatch("supervisor.startProcess", ["cat"])).toEqual(fault(60, "ALREADY_STARTED: cat"));
    expect(await rpc.dispatch("supervisor.readLog", [-1, 5])).toEqual(fault(3, "BAD_ARGUMENTS"));
  });
});

describe("§5.2 SHUTDOWN_STATE", () => {
  it.each([-1, 0])("every supervisor.* call but sendRemoteCommEvent is refused in state %i", async (statecode) => {
    backend.state = { statecode, statename: statecode === 0 ? "RESTARTING" : "SHUTDOWN" };
    expect(await rpc.dispatch("supervisor.getState", [])).toEqual(fault(6, "SHUTDOWN_STATE"));
    expect(await rpc.dispatch("supervisor.getVersion", [])).toEqual(fault(6, "SHUTDOWN_STATE"));
    expect(await rpc.dispatch("supervisor.startProcess", ["cat"])).toEqual(fault(6, "SHUTDOWN_STATE"));
    expect(await rpc.call("supervisor.sendRemoteCommEvent", ["t", "d"])).toBe(true);
    expect(await rpc.call("system.listMethods", [])).toHaveLength(API_01.length);
  });
  it("FATAL (2) still serves calls", async () => {
    backend.state = { statecode: 2, statename: "FATAL" };
    expect(await rpc.call("supervisor.getPID", [])).toBe(1234);
  });
});

describe("§5.4 argument handling", () => {
  it("startProcess defaults wait to true and applies Python truthiness", async () => {
    await rpc.call("supervisor.startProcess", ["cat"]);
    await rpc.call("supervisor.stopProcess", ["cat", 0]);
    await rpc.call("supervisor.startProcess", ["cat", ""]);
    expect(backend.calls).toEqual(["startProcess cat true", "stopProcess cat false", "startProcess cat false"]);
  });

  it("g:* and g: delegate to the group form and return result structs", async () => {
    expect(await rpc.call("supervisor.startProcess", ["web:*"])).toEqual([
      { name: "web_0", group: "web", status: 80, description: "OK" },
      { name: "web_1", group: "web", status: 80, description: "OK" },
    ]);
    expect(await rpc.call("supervisor.stopProcess", ["web:", false])).toHaveLength(2);
    expect(await rpc.call("supervisor.signalProcess", ["web:*", "HUP"])).toEqual([]);
    expect(backend.calls.filter((c) => c.includes("Group"))).toEqual([
      "startProcessGroup web true", "stopProcessGroup web false", 'signalProcessGroup web "HUP"',
    ]);
  });

  it("a BAD_NAME group behind g:* names what the caller passed", async () => {
    expect(await rpc.dispatch("supervisor.startProcess", ["nosuch:*"])).toEqual(fault(10, "BAD_NAME: nosuch:*"));
    expect(await rpc.dispatch("supervisor.startProcessGroup", ["nosuch"])).toEqual(fault(10, "BAD_NAME: nosuch"));
  });

  it("signal numbers: a double is truncated", async () => {
    await rpc.call("supervisor.startProcess", ["cat"]);
    expect(await rpc.call("supervisor.signalProcess", ["cat", 15.7])).toBe(true);
    expect(await rpc.dispatch("supervisor.signalProcess", ["cat", "BOGUS"])).toEqual(fault(11, "BAD_SIGNAL: BOGUS"));
    expect(backend.calls).toContain("signalProcess cat 15");
  });

  it("sendProcessStdin refuses non-string chars before looking up the name", async () => {
    expect(await rpc.dispatch("supervisor.sendProcessStdin", ["nosuch", 5])).toEqual(fault(2, "INCORRECT_PARAMETERS: 5"));
    expect(await rpc.dispatch("supervisor.sendProcessStdin", ["nosuch", true])).toEqual(fault(2, "INCORRECT_PARAMETERS: True"));
    expect(await rpc.dispatch("supervisor.sendProcessStdin", ["nosuch", 1.5])).toEqual(fault(2, "INCORRECT_PARAMETERS: 1.5"));
    expect(await rpc.dispatch("supervisor.sendProcessStdin", ["nosuch", "x"])).toEqual(fault(10, "BAD_NAME: nosuch"));
  });

  it("RPC-08 getProcessInfo clamps timestamps and keeps supervisord's key order", async () => {
    backend.getProcessInfo = async (): Promise<ProcessInfoStruct> => ({
      name: "cat", group: "cat", description: "x", start: 2 ** 40, stop: -(2 ** 40), now: 2 ** 33, state: 20,
      statename: "RUNNING", spawnerr: "", exitstatus: 0, stdout_logfile: "/l", stderr_logfile: "", pid: 9, logfile: "/l",
    });
    const info = (await rpc.call("supervisor.getProcessInfo", ["cat"])) as Record<string, unknown>;
    expect(Object.keys(info)).toEqual([
      "name", "group", "start", "stop", "now", "state", "statename", "spawnerr", "exitstatus", "logfile",
      "stdout_logfile", "stderr_logfile", "pid", "description",
    ]);
    expect([info["start"], info["stop"], info["now"]]).toEqual([2147483647, -2147483648, 2147483647]);
  });

  it("reloadConfig answers [[added, changed, removed]]", async () => {
    expect(await rpc.call("supervisor.reloadConfig", [])).toEqual([[["new"], [], ["old"]]]);
  });

  it("read/tail aliases reach the same backend methods", async () => {
    backend.appendLog("cat", "abcdefghijklmnopqrstuvwxyz");
    expect(await rpc.call("supervisor.readProcessLog", ["cat", 0, 3])).toBe("abc");
    expect(await rpc.call("supervisor.tailProcessLog", ["cat", 0, 5])).toEqual(["vwxyz", 26, true]);
    expect(await rpc.call("supervisor.tailProcessStdoutLog", ["cat", 10, 100])).toEqual(["abcdefghijklmnopqrstuvwxyz", 26, false]);
    expect(await rpc.call("supervisor.readMainLog", [-20, 0])).toBe("started with pid 1234\n".slice(-20));
  });
});

describe("SYS-02 / SYS-03 methodHelp and methodSignature", () => {
  it.each([
    ["supervisor.getProcessInfo", ["struct", "string"]],
    ["supervisor.startProcess", ["boolean", "string", "boolean"]],
    ["supervisor.tailProcessStdoutLog", ["array", "string", "int", "int"]],
    ["supervisor.readLog", ["string", "int", "int"]],
    ["supervisor.signalProcess", ["boolean", "string", "string"]],
    ["supervisor.reloadConfig", ["array"]],
    ["supervisor.getAllProcessInfo", ["array"]],
    ["supervisor.getState", ["struct"]],
    ["supervisor.getPID", ["int"]],
    ["system.multicall", ["array", "array"]],
  ])("%s → %j", async (name, signature) => {
    expect(await rpc.call("system.methodSignature", [name])).toEqual(signature);
  });

  it("every published method has a signature matching the @param/@return tags of its help", async () => {
    for (const name of API_01) {
      const help = (await rpc.call("system.methodHelp", [name])) as string;
      const tags = [...help.matchAll(/@(param|return) (\S+)/g)];
      const ret = tags.filter((t) => t[1] === "return").map((t) => t[2]);
      const params = tags.filter((t) => t[1] === "param").map((t) => t[2]);
      expect(await rpc.call("system.methodSignature", [name])).toEqual([...ret, ...params]);
    }
  });

  it("unknown names are SIGNATURE_UNSUPPORTED", async () => {
    expect(await rpc.dispatch("system.methodHelp", ["supervisor.nosuch"])).toEqual(fault(4, "SIGNATURE_UNSUPPORTED"));
    expect(await rpc.dispatch("system.methodSignature", ["nosuch"])).toEqual(fault(4, "SIGNATURE_UNSUPPORTED"));
  });
});

describe("SYS-04 system.multicall", () => {
  it("returns plain values and fault structs, as observed from supervisord 4.2.5", async () => {
    const result = await rpc.call("system.multicall", [[
      { methodName: "supervisor.getPID", params: [] },
      { methodName: "supervisor.nosuch", params: [] },
      { methodName: "system.multicall", params: [[]] },
      { params: [] },
      { methodName: "supervisor.getProcessInfo", params: ["nosuch"] },
    ]]);
    expect(result).toEqual([
      1234,
      { faultCode: 1, faultString: "UNKNOWN_METHOD" },
      { faultCode: 2, faultString: "INCORRECT_PARAMETERS: Recursive system.multicall forbidden" },
      { faultCode: 2, faultString: "INCORRECT_PARAMETERS: No methodName" },
      { faultCode: 10, faultString: "BAD_NAME: nosuch" },
    ]);
  });

  it("an empty list gives []; params may be omitted", async () => {
    expect(await rpc.call("system.multicall", [[]])).toEqual([]);
    expect(await rpc.call("system.multicall", [[{ methodName: "supervisor.getAPIVersion" }]])).toEqual(["3.0"]);
  });

  it("runs calls strictly in order: a waiting start blocks the calls after it", async () => {
    let open!: () => void;
    backend.startGate = new Promise((resolve) => (open = resolve));
    const pending = rpc.call("system.multicall", [[
      { methodName: "supervisor.startProcess", params: ["cat"] },
      { methodName: "supervisor.getPID", params: [] },
    ]]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(backend.calls).toEqual(["startProcess cat true"]);
    open();
    expect(await pending).toEqual([true, 1234]);
    expect(backend.calls).toEqual(["startProcess cat true", "getPID"]);
  });

  it("an unexpected error becomes a FAILED struct, the rest still run", async () => {
    backend.getPID = async () => {
      throw new RangeError("nope");
    };
    expect(await rpc.call("system.multicall", [[
      { methodName: "supervisor.getPID" },
      { methodName: "supervisor.getAPIVersion" },
    ]])).toEqual([{ faultCode: 30, faultString:  "FAILED: <class 'RangeError'>:nope" }, "3.0"]);
  });

  it("a SupervisorError from a backend is kept as its own fault inside multicall", async () => {
    backend.clearLog = async () => {
      throw new SupervisorError("FAILED", "disk");
    };
    expect(await rpc.call("system.multicall", [[{ methodName: "supervisor.clearLog" }]])).toEqual([
      { faultCode: 30, faultString: "FAILED: disk" },
    ]);
  });
});

describe("processResult helper for backends (§5.3)", () => {
  it("maps success and SupervisorErrors to result structs, rethrows anything else", async () => {
    const { processResult } = await import("../src/index.js");
    expect(processResult("a", "g")).toEqual({ name: "a", group: "g", status: 80, description: "OK" });
    expect(processResult("a", "g", new SupervisorError("SPAWN_ERROR", "a"))).toEqual({
      name: "a", group: "g", status: 50, description: "SPAWN_ERROR: a",
    });
    expect(() => processResult("a", "g", new Error("x"))).toThrow("x");
  });
});

describe("getAllConfigInfo (§5.3)", () => {
  it("is sorted by process name; placeholders replace what XML-RPC cannot carry", async () => {
    const { withConfigPlaceholders } = await import("../src/index.js");
    const AUTO = Symbol("auto");
    backend.getAllConfigInfo = async () => [
      withConfigPlaceholders({ name: "zeta", group: "g", uid: null, stdout_logfile: AUTO, exitcodes: [0, 2] }, (v) => v === AUTO),
      withConfigPlaceholders({ name: "alpha", group: "g", directory: undefined, stopsignal: 15 }),
    ];
    expect(await rpc.call("supervisor.getAllConfigInfo", [])).toEqual([
      { name: "alpha", group: "g", directory: "none", stopsignal: 15 },
      { name: "zeta", group: "g", uid: "none", stdout_logfile: "auto", exitcodes: [0, 2] },
    ]);
  });
});
