import { execFileSync, spawnSync } from "node:child_process";
import type { XmlRpcValue } from "../src/index.js";

/** python3 with xmlrpc.client, or null when the machine has none (those tests are skipped). */
export const PYTHON: string | null = (() => {
  const probe = spawnSync("python3", ["-c", "import xmlrpc.client"], { stdio: "ignore" });
  return probe.status === 0 ? "python3" : null;
})();

/** A value tagged with its Python type, so ints and floats survive the trip through JSON. */
type Tagged =
  | { t: "int"; v: number }
  | { t: "double"; v: string }
  | { t: "str"; v: string }
  | { t: "bool"; v: boolean }
  | { t: "bytes"; v: string }
  | { t: "list"; v: Tagged[] }
  | { t: "dict"; v: [string, Tagged][] };

export function tag(value: XmlRpcValue): Tagged {
  if (typeof value === "number") return Number.isInteger(value) && !Object.is(value, -0) ? { t: "int", v: value } : { t: "double", v: String(value) };
  if (typeof value === "string") return { t: "str", v: value };
  if (typeof value === "boolean") return { t: "bool", v: value };
  if (value instanceof Uint8Array) return { t: "bytes", v: Buffer.from(value).toString("base64") };
  if (Array.isArray(value)) return { t: "list", v: value.map(tag) };
  if (value === null) throw new Error("null has no Python counterpart here");
  return { t: "dict", v: Object.entries(value).map(([k, v]) => [k, tag(v)]) };
}

const SCRIPT = String.raw`
import base64, json, sys, xmlrpc.client as x
def untag(n):
    t, v = n["t"], n["v"]
    if t == "int": return int(v)
    if t == "double": return float(v)
    if t == "str": return v
    if t == "bool": return bool(v)
    if t == "bytes": return base64.b64decode(v)
    if t == "list": return [untag(i) for i in v]
    return {k: untag(i) for k, i in v}
out = []
for job in json.load(sys.stdin):
    kind = job["kind"]
    if kind == "response":
        out.append(x.dumps((untag(job["value"]),), methodresponse=True))
    elif kind == "fault":
        out.append(x.dumps(x.Fault(job["code"], job["text"]), methodresponse=True))
    else:
        out.append(x.dumps(tuple(untag(p) for p in job["params"]), methodname=job["method"]))
sys.stdout.write(json.dumps(out))
`;

export type PythonDumpJob =
  | { kind: "response"; value: XmlRpcValue }
  | { kind: "fault"; code: number; text: string }
  | { kind: "call"; method: string; params: XmlRpcValue[] };

/** Runs every job through one python3 process: `xmlrpc.client.dumps` output per job. */
export function pythonDumps(jobs: PythonDumpJob[]): string[] {
  if (PYTHON === null) throw new Error("python3 missing");
  const input = JSON.stringify(
    jobs.map((job) => {
      if (job.kind === "response") return { kind: job.kind, value: tag(job.value) };
      if (job.kind === "call") return { kind: job.kind, method: job.method, params: job.params.map(tag) };
      return job;
    }),
  );
  return JSON.parse(execFileSync(PYTHON, ["-c", SCRIPT], { input, encoding: "utf8" })) as string[];
}
