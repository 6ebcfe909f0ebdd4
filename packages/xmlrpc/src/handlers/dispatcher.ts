import { SupervisorError, isSupervisorError, type Caller } from "@tsupervisord/errors";
import { isStruct } from "../codec/values.js";
import type { XmlRpcValue } from "../codec/values.js";
import type { SupervisorRpcBackend } from "./backend.js";
import { SYSTEM_DOCS, supervisorMethods } from "./methods.js";
import type { MethodSpec } from "./methods.js";

/** The outcome of one XML-RPC call: a value, or a fault. Anything else thrown is an internal error (HTTP 500). */
export type RpcOutcome = { ok: true; value: XmlRpcValue } | { ok: false; faultCode: number; faultString: string };

export interface RpcDispatcherOptions {
  /** Extra namespaces' methods (`[rpcinterface:x]` plugins), published by listMethods too (SYS-01). */
  extraMethods?: readonly MethodSpec[];
  /**
   * False without `[rpcinterface:supervisor]`: no `supervisor.*` methods, as supervisord (UNKNOWN_METHOD, and
   * listMethods shows system.* only). Default true.
   */
  supervisorNamespace?: boolean;
  /**
   * Issue 19: refuses (throws PERMISSION_DENIED) or audits each call of a known method, system.multicall's
   * inner calls one by one. Called only for calls that carry a caller (a listener with users).
   */
  authorize?: (method: string, caller: Caller, params: readonly XmlRpcValue[]) => void;
}

/**
 * Routes `namespace.method` calls (RPC-07): exactly one dot, no leading underscore, known name, else
 * UNKNOWN_METHOD; wrong argument count is INCORRECT_PARAMETERS; `supervisor.*` calls are refused with
 * SHUTDOWN_STATE while the daemon is restarting or shutting down; plus system.* (SYS-01…04).
 */
export class RpcDispatcher {
  private readonly methods = new Map<string, MethodSpec>();

  private readonly authorize: RpcDispatcherOptions["authorize"];

  constructor(
    private readonly backend: SupervisorRpcBackend,
    options: RpcDispatcherOptions = {},
  ) {
    this.authorize = options.authorize;
    const own = options.supervisorNamespace === false ? [] : supervisorMethods(backend);
    for (const spec of [...own, ...this.systemMethods(), ...(options.extraMethods ?? [])]) {
      this.methods.set(spec.name, spec);
    }
  }

  /** system.listMethods: every published name, sorted as Python sorts strings (API-01). */
  listMethods(): string[] {
    return [...this.methods.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Calls a method; faults come back as an outcome, internal errors are thrown. */
  async dispatch(methodName: string, params: readonly XmlRpcValue[], caller?: Caller): Promise<RpcOutcome> {
    try {
      return { ok: true, value: await this.call(methodName, params, caller) };
    } catch (err) {
      if (isSupervisorError(err)) return { ok: false, faultCode: err.fault, faultString: err.faultString };
      throw err;
    }
  }

  /** Calls a method; a fault is thrown as SupervisorError. */
  async call(methodName: string, params: readonly XmlRpcValue[], caller?: Caller): Promise<XmlRpcValue> {
    const spec = this.lookup(methodName);
    if (spec === undefined) throw new SupervisorError("UNKNOWN_METHOD");
    if (caller !== undefined) this.authorize?.(spec.name, caller, params);
    if (params.length < spec.minArgs || params.length > spec.maxArgs) throw new SupervisorError("INCORRECT_PARAMETERS");
    if (spec.checksShutdown) await this.refuseWhileShuttingDown();
    return spec.run(params, caller);
  }

  private lookup(methodName: string): MethodSpec | undefined {
    // CVE-2017-11610 hardening: `namespace.method` exactly, nothing private.
    const parts = methodName.split(".");
    if (parts.length !== 2 || parts.some((part) => part.startsWith("_"))) return undefined;
    return this.methods.get(methodName);
  }

  private async refuseWhileShuttingDown(): Promise<void> {
    const state = await this.backend.getState();
    // supervisord: `if mood < SupervisorStates.RUNNING` (RESTARTING 0, SHUTDOWN -1).
    if (state.statecode < 1) throw new SupervisorError("SHUTDOWN_STATE");
  }

  private systemMethods(): MethodSpec[] {
    const nameParam = (a: readonly XmlRpcValue[]): string => (typeof a[0] === "string" ? a[0] : String(a[0]));
    return [
      {
        name: "system.listMethods", minArgs: 0, maxArgs: 0, signature: ["array"], help: SYSTEM_DOCS.listMethods,
        checksShutdown: false, run: async () => this.listMethods(),
      },
      {
        name: "system.methodHelp", minArgs: 1, maxArgs: 1, signature: ["string", "string"], help: SYSTEM_DOCS.methodHelp,
        checksShutdown: false,
        run: async (a) => {
          const spec = this.methods.get(nameParam(a));
          if (spec === undefined) throw new SupervisorError("SIGNATURE_UNSUPPORTED");
          return spec.help;
        },
      },
      {
        name: "system.methodSignature", minArgs: 1, maxArgs: 1, signature: ["array", "string"], help: SYSTEM_DOCS.methodSignature,
        checksShutdown: false,
        run: async (a) => {
          const spec = this.methods.get(nameParam(a));
          if (spec === undefined) throw new SupervisorError("SIGNATURE_UNSUPPORTED");
          return [...spec.signature];
        },
      },
      {
        name: "system.multicall", minArgs: 1, maxArgs: 1, signature: ["array", "array"], help: SYSTEM_DOCS.multicall,
        checksShutdown: false, run: (a, caller) => this.multicall(a[0], caller),
      },
    ];
  }

  /**
   * SYS-04: calls run strictly in order (a waiting call blocks the next); each result is the plain value or a
   * `{faultCode, faultString}` struct; unexpected errors become FAILED structs instead of failing the batch.
   */
  private async multicall(calls: XmlRpcValue | undefined, caller: Caller | undefined): Promise<XmlRpcValue> {
    if (!Array.isArray(calls)) throw new SupervisorError("INCORRECT_PARAMETERS");
    const results: XmlRpcValue[] = [];
    for (const call of calls) {
      try {
        const methodName = isStruct(call) ? call["methodName"] : undefined;
        if (typeof methodName !== "string") throw new SupervisorError("INCORRECT_PARAMETERS", "No methodName");
        if (methodName === "system.multicall") {
          throw new SupervisorError("INCORRECT_PARAMETERS", "Recursive system.multicall forbidden");
        }
        const params = isStruct(call) && call["params"] !== undefined ? call["params"] : [];
        if (!Array.isArray(params)) throw new SupervisorError("INCORRECT_PARAMETERS");
        results.push(await this.call(methodName, params, caller));
      } catch (err) {
        if (isSupervisorError(err)) {
          results.push({ faultCode: err.fault, faultString: err.faultString });
        } else {
          // supervisord formats `"%s:%s" % (exc_type, exc_value)`, i.e. `<class 'TypeError'>:message`.
          const type = err instanceof Error ? err.name : typeof err;
          const message = err instanceof Error ? err.message : String(err);
          results.push({ faultCode: 30, faultString: `FAILED: <class '${type}'>:${message}` });
        }
      }
    }
    return results;
  }
}
