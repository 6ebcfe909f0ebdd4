// Bundles tsctl into dist/ after `tsc` has typechecked it: one main.js that starts fast, with the gRPC client
// split into a chunk loaded on the first call, and the TUI (ink, react, yoga) in chunks of their own that only
// `top` imports. The TUI is bundled rather than left in node_modules so that React's production build is chosen
// at build time (NODE_ENV below; the development build doubles a repaint's CPU and memory) and only what is
// used is loaded: an idle `tsctl top` stays small (bench/top-idle.mjs).
import { build } from "esbuild";
import { nodeBundleOptions, nodeScriptOptions } from "../../scripts/esbuild-node-bundle.mjs";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

rmSync(new URL("./dist", import.meta.url), { recursive: true, force: true });
await build({
  ...nodeBundleOptions("__tsctlCreateRequire"),
  entryPoints: { main: "src/main.ts" },
  outdir: "dist",
  // Ink's React DevTools bridge is loaded only with DEV=true, and the package is not installed.
  external: ["react-devtools-core"],
  define: { "process.env.NODE_ENV": '"production"' },
});

// What bin/tsctl runs for every command but `top` (src/run-cached.ts): src/main.ts once more, as one CommonJS
// script that run-cached.cjs compiles with a V8 code cache kept next to it. `top` (ink, react, yoga: top-level
// await, which CommonJS cannot hold) stays out; it runs from main.js.
// `await import("node:tls")` would stay an `import()`, which a vm.Script can only run through an experimental
// loader hook (and its warning on stderr): builtins become `require`s, as in the rest of a CommonJS bundle.
const requireBuiltins = {
  name: "require-builtins",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === "dynamic-import" ? { path: args.path, namespace: "builtin" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "builtin" }, ({ path }) => ({ contents: `module.exports = require(${JSON.stringify(path)});`, loader: "js" }));
  },
};
// issue 20: grpc-js is ~40 % of that bundle, and a unary call does without it (node:http2, hybrid-client.ts): it
// is a file of its own, `require`d by the streams' and https:// client on its first call, so a `status` neither
// reads nor deserializes it. Only grpc-js moves out: it shares no classes with the rest (our errors, the
// generated messages), so nothing is loaded twice and `instanceof` still holds.
const grpcJsApart = {
  name: "grpc-js-apart",
  setup(b) {
    b.onResolve({ filter: /^@grpc\/grpc-js$/ }, () => ({ path: "./grpc-js.cjs", external: true }));
  },
};
await build({
  ...nodeScriptOptions(),
  entryPoints: ["src/main.ts"],
  outfile: "dist/tsctl.cjs",
  external: ["react-devtools-core", "@tsupervisord/tui"],
  define: { "process.env.NODE_ENV": '"production"' },
  plugins: [requireBuiltins, grpcJsApart],
  // Less source to read and less code to cache: ~20 % of a `tsctl status`'s CPU; names kept for error texts.
  minify: true,
  keepNames: true,
});
await build({
  ...nodeScriptOptions(),
  stdin: { contents: 'module.exports = require("@grpc/grpc-js");', resolveDir: fileURLToPath(new URL("../../packages/protocol", import.meta.url)) },
  outfile: "dist/grpc-js.cjs",
  minify: true,
  keepNames: true,
});
await build({ ...nodeScriptOptions(), entryPoints: ["src/run-cached.ts"], outfile: "dist/run-cached.cjs" });
