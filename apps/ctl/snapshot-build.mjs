// Builds tsctl's V8 start-up snapshot (issue 20: `tsctl status` should cost little more than `node -e 0` plus one
// round trip). src/snapshot.ts is bundled into one CommonJS script (Node 20's snapshot builder runs exactly one
// script and can `require` only built-in modules), then `node --build-snapshot` evaluates it and saves the heap to
// dist/tsctl.blob. bin/tsctl runs `node --snapshot-blob dist/tsctl.blob` when the blob exists and falls back to
// dist/main.js otherwise, so a failed snapshot build costs speed, never function: this script reports the failure
// and exits 0.
//
// Node 20 cannot put the `http`/`http2` bindings into a snapshot (V8 aborts on their global handles) and only
// warns about `tls` and `readline`. grpc-js requires them at module scope, so each is replaced by a stand-in
// that loads the real module on first use, which is at run time. What grpc-js reads from them at module scope
// is answered without loading: `http2.constants` (plain numbers and strings, copied here from this Node) and the
// module's property names (for esbuild's ES-module interop).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";

const DEFERRED = ["http", "http2", "https", "tls", "readline"];

function evalInNode(expression) {
  return execFileSync(process.execPath, ["-p", expression], { encoding: "utf8" }).trim();
}

const deferBuiltins = {
  name: "defer-builtins",
  setup(b) {
    const filter = new RegExp(`^(node:)?(${DEFERRED.join("|")})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === "deferred-builtin"
        ? { path: args.path, external: true } // the stand-in's own require of the real module
        : { path: args.path.replace(/^node:/, ""), namespace: "deferred-builtin" },
    );
    b.onLoad({ filter: /.*/, namespace: "deferred-builtin" }, ({ path: name }) => {
      const keys = evalInNode(`JSON.stringify(Object.getOwnPropertyNames(require("node:${name}")))`);
      const constants = name === "http2" ? evalInNode(`JSON.stringify(require("node:http2").constants)`) : "undefined";
      return {
        loader: "js",
        contents: `let real;
const load = () => (real ??= require("node:${name}"));
const keys = ${keys};
const constants = ${constants};
module.exports = new Proxy({}, {
  get(_t, p) { return p === "constants" && constants !== undefined ? constants : p === "__esModule" ? undefined : load()[p]; },
  has(_t, p) { return keys.includes(p); },
  ownKeys() { return keys; },
  getOwnPropertyDescriptor(_t, p) { return keys.includes(p) ? { get: () => load()[p], enumerable: true, configurable: true } : undefined; },
});`,
      };
    });
  },
};

const script = new URL("./dist/snapshot.cjs", import.meta.url).pathname;
const blob = new URL("./dist/tsctl.blob", import.meta.url).pathname;
rmSync(blob, { force: true });
try {
  await build({
    entryPoints: ["src/snapshot.ts"],
    outfile: script,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    external: ["react-devtools-core", "@tsupervisord/tui"],
    define: { "process.env.NODE_ENV": '"production"' },
    plugins: [deferBuiltins],
    logLevel: "warning",
  });
  // grpc-js reads GRPC_* at module scope: the snapshot is built with none, as bin/tsctl runs it (it falls back to
  // main.js when one is set).
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("GRPC_")));
  execFileSync(process.execPath, ["--snapshot-blob", blob, "--build-snapshot", script], { stdio: ["ignore", "ignore", "pipe"], env });
} catch (err) {
  rmSync(blob, { force: true });
  const detail = err instanceof Error && "stderr" in err ? String(err.stderr).split("\n").slice(-5).join("\n") : String(err);
  process.stderr.write(`tsctl: no start-up snapshot (tsctl runs from dist/main.js instead): ${detail}\n`);
}
