import { execFileSync, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MethodCallParseError, RpcDispatcher, parseMethodCall } from "../src/index.js";
import type { MethodSpec, XmlRpcValue } from "../src/index.js";
import { FakeBackend } from "./fake-backend.js";
import { makeTempDir, removeDir } from "./helpers.js";

/**
 * Side by side with the reference: Debian's supervisor package is importable by the system python3, so its own
 * introspection (methodSignature, Python arity) and its own lenient request parser run here against ours.
 */
const REFERENCE_PYTHON = "/usr/bin/python3";
const HAVE_REFERENCE = spawnSync(REFERENCE_PYTHON, ["-c", "import supervisor.xmlrpc, supervisor.rpcinterface"], { stdio: "ignore" }).status === 0;

const INTROSPECT = String.raw`
import inspect, json
from supervisor.rpcinterface import SupervisorNamespaceRPCInterface
from supervisor.xmlrpc import SystemNamespaceRPCInterface
class Daemon: pass
system = SystemNamespaceRPCInterface([('supervisor', SupervisorNamespaceRPCInterface(Daemon()))])
out = {}
for name in system.listMethods():
    ns, meth = name.split('.')
    func = getattr(system.namespaces[ns], meth)
    params = list(inspect.signature(func).parameters.values())
    required = len([p for p in params if p.default is inspect.Parameter.empty])
    out[name] = {"signature": system.methodSignature(name), "min": required, "max": len(params)}
print(json.dumps(out))
`;

const LOADS = String.raw`
import json, sys, base64
from supervisor.xmlrpc import supervisor_xmlrpc_handler
handler = supervisor_xmlrpc_handler.__new__(supervisor_xmlrpc_handler)
out = []
for body in json.load(sys.stdin):
    try:
        params, method = handler.loads(body)
        out.append({"method": method, "params": None if params is None else list(params)})
    except Exception as e:
        out.append({"error": type(e).__name__})
print(json.dumps(out, default=lambda v: {"unjsonable": repr(v)}))
`;

const BODIES = [
  "<methodCall><methodName>a.b</methodName></methodCall>",
  "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.startProcess</methodName>\n<params>\n<param>\n<value><string>cat</string></value>\n</param>\n<param>\n<value><boolean>1</boolean></value>\n</param>\n</params>\n</methodCall>\n",
  "<methodCall><methodName>x.y</methodName><params><param><value>bare &amp; text</value></param><param><value/></param><param><value></value></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param><value><int> 42 </int></value></param><param><value><i4>-7</i4></value></param><param><value><double>1.5e3</double></value></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param><value><boolean>0</boolean></value></param><param><value><boolean>true</boolean></value></param><param><value><boolean> 1</boolean></value></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param><struct><member><name>k</name><value>v</value></member><member><name></name><value><int>1</int></value></member></struct></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param><array><data><value>a</value><struct><member><name>n</name><value><i4>2</i4></value></member></struct><value><array><data/></array></value></data></array></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param><value><base64>aMOpbGxv\n</base64></value></param><param><value><base64></base64></value></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param><value><nil/></value></param><param><value><i8>5</i8></value></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param><value>\n  <string>spaced</string>\n</value></param><param><value>   </value></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param><value><string><![CDATA[<x>]]></string></value></param><param><value>&#233;&#x263A;&lt;&gt;&quot;&apos;</value></param></params></methodCall>",
  "<methodCall><methodName></methodName></methodCall>",
  "<methodCall><params/></methodCall>",
  "<methodName></methodName><junk></junk>",
  "this is not an xml-rpc request body",
  "<methodCall><methodName>x.y</methodName><params><param><value><int>nope</int></value></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param><value><double>x</double></value></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param><struct><member><name>only</name></member></struct></param></params></methodCall>",
  "<methodCall><methodName>x.y</methodName><params><param></param></params></methodCall>",
  "<methodCall><methodName>a&unknown;b</methodName></methodCall>",
];

describe.skipIf(!HAVE_REFERENCE)("against Debian's supervisor 4.2.5 itself", () => {
  let dir: string;
  let specs: Map<string, MethodSpec>;
  let rpc: RpcDispatcher;
  beforeAll(() => {
    dir = makeTempDir("xmlrpc-ref-");
    rpc = new RpcDispatcher(new FakeBackend(dir, {}));
    specs = new Map();
  });
  afterAll(() => removeDir(dir));

  it("API-01 / SYS-03: same method list, same signature and same arity for every method", async () => {
    const reference = JSON.parse(execFileSync(REFERENCE_PYTHON, ["-c", INTROSPECT], { encoding: "utf8" })) as Record<
      string,
      { signature: string[]; min: number; max: number }
    >;
    expect(rpc.listMethods()).toEqual(Object.keys(reference).sort());
    for (const [name, ref] of Object.entries(reference)) {
      expect([name, await rpc.call("system.methodSignature", [name])]).toEqual([name, ref.signature]);
      const tooFew = ref.min > 0 ? await rpc.dispatch(name, new Array<XmlRpcValue>(ref.min - 1).fill("x")) : null;
      const tooMany = await rpc.dispatch(name, new Array<XmlRpcValue>(ref.max + 1).fill("x"));
      if (tooFew !== null) expect([name, tooFew]).toEqual([name, { ok: false, faultCode: 2, faultString: "INCORRECT_PARAMETERS" }]);
      expect([name, tooMany]).toEqual([name, { ok: false, faultCode: 2, faultString: "INCORRECT_PARAMETERS" }]);
    }
    void specs;
  });

  it("RPC-06: our parser reads every request body exactly as supervisord's loads does", () => {
    const reference = JSON.parse(
      execFileSync(REFERENCE_PYTHON, ["-c", LOADS], { input: JSON.stringify(BODIES), encoding: "utf8" }),
    ) as Array<{ method: string | null; params: XmlRpcValue[] | null } | { error: string }>;
    BODIES.forEach((body, index) => {
      const ref = reference[index];
      if (ref === undefined) throw new Error("missing reference result");
      let ours: unknown;
      try {
        ours = parseMethodCall(body);
      } catch (err) {
        if (!(err instanceof MethodCallParseError)) throw err;
        ours = { refused: err.reason };
      }
      if ("error" in ref) {
        expect([body, ours]).toEqual([body, { refused: "unmarshallable" }]);
      } else if (ref.method === null || ref.method === "") {
        expect([body, ours]).toEqual([body, { refused: "no method name" }]);
      } else {
        expect([body, ours]).toEqual([body, { methodName: ref.method, params: ref.params ?? [] }]);
      }
    });
  });
});
