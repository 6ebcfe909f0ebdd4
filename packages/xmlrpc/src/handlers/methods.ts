import { SupervisorError, type Caller } from "@tsupervisord/errors";
import { splitNamespec } from "@tsupervisord/pycompat";
import { pythonFloatRepr } from "../codec/serialize.js";
import { clampInt32 } from "../codec/values.js";
import type { XmlRpcValue } from "../codec/values.js";
import type { ProcessInfoStruct, ProcessResultStruct, SupervisorRpcBackend } from "./backend.js";

/** One published `supervisor.*` method: arity as Python's signature has it, its doc tags, and its body. */
export interface MethodSpec {
  /** Full name, `namespace.method`. */
  name: string;
  minArgs: number;
  maxArgs: number;
  /** `[returnType, paramType…]`, what system.methodSignature answers (SYS-03). */
  signature: string[];
  /** What system.methodHelp answers (SYS-02): a docstring with @param/@return tags like supervisord's. */
  help: string;
  /** false only for sendRemoteCommEvent, which works while shutting down (§5.2 SHUTDOWN_STATE). */
  checksShutdown: boolean;
  /** `caller` is who made the call (issue 19), for methods that fan out into other calls (system.multicall). */
  run(args: readonly XmlRpcValue[], caller?: Caller): Promise<XmlRpcValue>;
}

type Param = readonly [type: string, name: string, text: string];

function docstring(summary: string, params: readonly Param[], returns: Param): string {
  const lines = [` ${summary}`, ""];
  for (const [type, name, text] of params) lines.push(`        @param ${type} ${name} ${text}`);
  lines.push(`        @return ${returns[0]} ${returns[1]} ${returns[2]}`, "        ");
  return lines.join("\n");
}

/** Python's truthiness, which is what supervisord's `if wait:` applies to whatever was sent. */
export function pythonTruthy(value: XmlRpcValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Uint8Array) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** Python's `str()` of a scalar argument, for fault details (`INCORRECT_PARAMETERS: True`). */
function pythonStr(value: XmlRpcValue): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function badParam(value: XmlRpcValue | undefined): SupervisorError {
  return new SupervisorError("INCORRECT_PARAMETERS", value === undefined ? undefined : pythonStr(value));
}

// A wrong type inside a supervisord method is a Python TypeError, which traverse() reports as a bare
// INCORRECT_PARAMETERS (only sendProcessStdin names the offending value).
function str(value: XmlRpcValue | undefined): string {
  if (typeof value !== "string") throw new SupervisorError("INCORRECT_PARAMETERS");
  return value;
}

function int(value: XmlRpcValue | undefined): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new SupervisorError("INCORRECT_PARAMETERS");
  return Math.trunc(value);
}

function signalArg(value: XmlRpcValue | undefined): string | number {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  throw new SupervisorError("BAD_SIGNAL", value === undefined ? undefined : String(value));
}

/** The wire shape of a ProcessInfo: supervisord's key order, timestamps clamped to int32 (RPC-08). */
export function processInfoToWire(info: ProcessInfoStruct): XmlRpcValue {
  return {
    name: info.name,
    group: info.group,
    start: clampInt32(info.start),
    stop: clampInt32(info.stop),
    now: clampInt32(info.now),
    state: info.state,
    statename: info.statename,
    spawnerr: info.spawnerr,
    exitstatus: info.exitstatus,
    logfile: info.logfile ?? info.stdout_logfile,
    stdout_logfile: info.stdout_logfile,
    stderr_logfile: info.stderr_logfile,
    pid: info.pid,
    description: info.description,
  };
}

function resultsToWire(results: readonly ProcessResultStruct[]): XmlRpcValue {
  return results.map((r) => ({ name: r.name, group: r.group, status: r.status, description: r.description }));
}

/** Runs a group method for a `g:`/`g:*` namespec; its BAD_NAME names what the caller passed (as _getGroupAndProcess does). */
async function viaGroup(namespec: string, call: () => Promise<ProcessResultStruct[]>): Promise<XmlRpcValue> {
  try {
    return resultsToWire(await call());
  } catch (err) {
    if (err instanceof SupervisorError && err.code === "BAD_NAME") throw new SupervisorError("BAD_NAME", namespec, { cause: err });
    throw err;
  }
}

const NAME: Param = ["string", "name", "Process name (or ``group:name``, or ``group:*``)"];
const GROUP: Param = ["string", "name", "The group name"];
const WAIT_START: Param = ["boolean", "wait", "Wait for each process to be fully started"];
const WAIT_STOP: Param = ["boolean", "wait", "Wait for each process to be fully stopped"];
const OFFSET: Param = ["int", "offset", "offset to start reading from"];
const LENGTH: Param = ["int", "length", "number of bytes to read from the log"];
const TRUE: Param = ["boolean", "result", "Always true unless error"];
const RESULTS: Param = ["array", "result", "An array of process status info structs"];

/** Every `supervisor.*` method with its aliases (API-01), bound to one backend. */
export function supervisorMethods(backend: SupervisorRpcBackend): MethodSpec[] {
  const specs: MethodSpec[] = [];
  const def = (
    name: string,
    summary: string,
    params: readonly Param[],
    returns: Param,
    run: (args: readonly XmlRpcValue[]) => Promise<XmlRpcValue>,
    options: { optional?: number; aliases?: string[]; checksShutdown?: boolean } = {},
  ): void => {
    for (const published of [name, ...(options.aliases ?? [])]) {
      specs.push({
        name: `supervisor.${published}`,
        minArgs: params.length - (options.optional ?? 0),
        maxArgs: params.length,
        signature: [returns[0], ...params.map((p) => p[0])],
        help: docstring(summary, params, returns),
        checksShutdown: options.checksShutdown ?? true,
        run,
      });
    }
  };
  const done = async (work: Promise<void>): Promise<XmlRpcValue> => {
    await work;
    return true;
  };

  def("getAPIVersion", "Return the version of the RPC API used by supervisord", [], ["string", "version", "version id"],
    async () => "3.0", { aliases: ["getVersion"] });
  def("getSupervisorVersion", "Return the version of the supervisor package in use by supervisord", [],
    ["string", "version", "version id"], () => backend.getSupervisorVersion());
  def("getIdentification", "Return identifying string of supervisord", [], ["string", "identifier", "identifying string"],
    () => backend.getIdentification());
  def("getState", "Return current state of supervisord as a struct", [], ["struct", "result", "A struct with keys int statecode, string statename"],
    async () => {
      const state = await backend.getState();
      return { statecode: state.statecode, statename: state.statename };
    });
  def("getPID", "Return the PID of supervisord", [], ["int", "pid", "PID"], () => backend.getPID());
  def("readLog", "Read length bytes from the main log starting at offset", [OFFSET, LENGTH], ["string", "result", "Bytes of log"],
    (a) => backend.readLog(int(a[0]), int(a[1])), { aliases: ["readMainLog"] });
  def("clearLog", "Clear the main log.", [], TRUE, () => done(backend.clearLog()));
  def("shutdown", "Shut down the supervisor process", [], TRUE, () => done(backend.shutdown()));
  def("restart", "Restart the supervisor process", [], TRUE, () => done(backend.restart()));
  def("reloadConfig", "Reload the configuration.", [], ["array", "result", "[added, changed, removed]"], async () => {
    const r = await backend.reloadConfig();
    return [[r.added, r.changed, r.removed]];
  });
  def("addProcessGroup", "Update the config for a running process from config file.", [GROUP], TRUE,
    (a) => done(backend.addProcessGroup(str(a[0]))));
  def("removeProcessGroup", "Remove a stopped process from the active configuration.", [GROUP], TRUE,
    (a) => done(backend.removeProcessGroup(str(a[0]))));

  def("startProcess", "Start a process", [NAME, ["boolean", "wait", "Wait for process to be fully started"]], TRUE,
    async (a) => {
      const name = str(a[0]);
      const wait = a.length < 2 || pythonTruthy(a[1]);
      const { group, process } = splitNamespec(name);
      if (process === null) return viaGroup(name, () => backend.startProcessGroup(group, wait));
      return done(backend.startProcess(name, wait));
    }, { optional: 1 });
  def("startProcessGroup", "Start all processes in the group named 'name'", [GROUP, WAIT_START], RESULTS,
    async (a) => resultsToWire(await backend.startProcessGroup(str(a[0]), a.length < 2 || pythonTruthy(a[1]))), { optional: 1 });
  def("startAllProcesses", "Start all processes listed in the configuration file", [WAIT_START], RESULTS,
    async (a) => resultsToWire(await backend.startAllProcesses(a.length < 1 || pythonTruthy(a[0]))), { optional: 1 });
  def("stopProcess", "Stop a process named by name", [NAME, ["boolean", "wait", "Wait for the process to be fully stopped"]], TRUE,
    async (a) => {
      const name = str(a[0]);
      const wait = a.length < 2 || pythonTruthy(a[1]);
      const { group, process } = splitNamespec(name);
      if (process === null) return viaGroup(name, () => backend.stopProcessGroup(group, wait));
      return done(backend.stopProcess(name, wait));
    }, { optional: 1 });
  def("stopProcessGroup", "Stop all processes in the process group named 'name'", [GROUP, WAIT_STOP], RESULTS,
    async (a) => resultsToWire(await backend.stopProcessGroup(str(a[0]), a.length < 2 || pythonTruthy(a[1]))), { optional: 1 });
  def("stopAllProcesses", "Stop all processes in the process list", [WAIT_STOP], RESULTS,
    async (a) => resultsToWire(await backend.stopAllProcesses(a.length < 1 || pythonTruthy(a[0]))), { optional: 1 });
  def("signalProcess", "Send an arbitrary UNIX signal to the process named by name",
    [NAME, ["string", "signal", "Signal to send, as name ('HUP') or number ('1')"]], TRUE, async (a) => {
      const name = str(a[0]);
      const { group, process } = splitNamespec(name);
      if (process === null) return viaGroup(name, () => backend.signalProcessGroup(group, signalArg(a[1])));
      return done(backend.signalProcess(name, signalArg(a[1])));
    });
  def("signalProcessGroup", "Send a signal to all processes in the group named 'name'",
    [GROUP, ["string", "signal", "Signal to send, as name ('HUP') or number ('1')"]], RESULTS,
    async (a) => resultsToWire(await backend.signalProcessGroup(str(a[0]), signalArg(a[1]))));
  def("signalAllProcesses", "Send a signal to all processes in the process list",
    [["string", "signal", "Signal to send, as name ('HUP') or number ('1')"]], RESULTS,
    async (a) => resultsToWire(await backend.signalAllProcesses(signalArg(a[0]))));
  def("getAllConfigInfo", "Get info about all available process configurations. Each struct represents a single process (i.e. groups get flattened).",
    [], ["array", "result", "An array of process config info structs"], async () => {
      // Sorted by process name (a stable sort, as Python's list.sort).
      const infos = [...(await backend.getAllConfigInfo())];
      infos.sort((a, b) => {
        const [x, y] = [String(a["name"] ?? ""), String(b["name"] ?? "")];
        return x < y ? -1 : x > y ? 1 : 0;
      });
      return infos as XmlRpcValue;
    });
  def("getProcessInfo", "Get info about a process named name", [NAME], ["struct", "result", "A structure containing data about the process"],
    async (a) => processInfoToWire(await backend.getProcessInfo(str(a[0]))));
  def("getAllProcessInfo", "Get info about all processes", [], ["array", "result", "An array of process status results"],
    async () => (await backend.getAllProcessInfo()).map(processInfoToWire));
  def("readProcessStdoutLog", "Read length bytes from name's stdout log starting at offset", [NAME, OFFSET, LENGTH],
    ["string", "string", "Bytes of log"], (a) => backend.readProcessStdoutLog(str(a[0]), int(a[1]), int(a[2])),
    { aliases: ["readProcessLog"] });
  def("readProcessStderrLog", "Read length bytes from name's stderr log starting at offset", [NAME, OFFSET, LENGTH],
    ["string", "string", "Bytes of log"], (a) => backend.readProcessStderrLog(str(a[0]), int(a[1]), int(a[2])));
  def("tailProcessStdoutLog", "Provides a more efficient way to tail the (stdout) log than readProcessStdoutLog().",
    [NAME, ["int", "offset", "offset to start reading from"], ["int", "length", "maximum number of bytes to return"]],
    ["array", "result", "[string bytes, int offset, bool overflow]"],
    async (a) => [...(await backend.tailProcessStdoutLog(str(a[0]), int(a[1]), int(a[2])))], { aliases: ["tailProcessLog"] });
  def("tailProcessStderrLog", "Provides a more efficient way to tail the (stderr) log than readProcessStderrLog().",
    [NAME, ["int", "offset", "offset to start reading from"], ["int", "length", "maximum number of bytes to return"]],
    ["array", "result", "[string bytes, int offset, bool overflow]"],
    async (a) => [...(await backend.tailProcessStderrLog(str(a[0]), int(a[1]), int(a[2])))]);
  def("clearProcessLogs", "Clear the stdout and stderr logs for the named process and reopen them.", [NAME], TRUE,
    (a) => done(backend.clearProcessLogs(str(a[0]))), { aliases: ["clearProcessLog"] });
  def("clearAllProcessLogs", "Clear all process log files", [], RESULTS, async () => resultsToWire(await backend.clearAllProcessLogs()));
  def("sendProcessStdin", "Send a string of chars to the stdin of the process name.", [NAME, ["string", "chars", "The character data to send to the process"]],
    TRUE, async (a) => {
      // supervisord checks the type of `chars` before it looks the name up.
      if (typeof a[1] !== "string") throw badParam(a[1]);
      return done(backend.sendProcessStdin(str(a[0]), a[1]));
    });
  def("sendRemoteCommEvent", "Send an event that will be received by event listener subprocesses subscribing to the RemoteCommunicationEvent.",
    [["string", "type", "String for the \"type\" key in the event header"], ["string", "data", "Data for the event body"]], TRUE,
    (a) => done(backend.sendRemoteCommEvent(str(a[0]), str(a[1]))), { checksShutdown: false });
  return specs;
}

export const SYSTEM_DOCS = {
  listMethods: docstring("Return an array listing the available method names", [], ["array", "result", "An array of method names available (strings)."]),
  methodHelp: docstring("Return a string showing the method's documentation", [["string", "name", "The name of the method."]],
    ["string", "result", "The documentation for the method name."]),
  methodSignature: docstring(
    "Return an array describing the method signature in the form [rtype, ptype, ptype...] where rtype is the return data type of the method, and ptypes are the parameter data types that the method accepts in method argument order.",
    [["string", "name", "The name of the method."]], ["array", "result", "The result."]),
  multicall: docstring(
    "Process an array of calls, and return an array of results. Calls should be structs of the form {'methodName': string, 'params': array}. Each result will either be the result value, or a struct of the form {'faultCode': int, 'faultString': string}.",
    [["array", "calls", "An array of call requests"]], ["array", "result", "An array of results"]),
} as const;
