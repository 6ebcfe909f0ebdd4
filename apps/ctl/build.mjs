// Bundles tsctl into dist/ after `tsc` has typechecked it: one main.js that starts fast, with the gRPC client
// split into a chunk loaded on the first call, and the TUI (ink, react, yoga) in chunks of their own that only
// `top` imports. The TUI is bundled rather than left in node_modules so that React's production build is chosen
// at build time (NODE_ENV below; the development build doubles a repaint's CPU and memory) and only what is
// used is loaded: an idle `tsctl top` stays small (bench/top-idle.mjs).
import { build } from "esbuild";
import { nodeBundleOptions } from "../../scripts/esbuild-node-bundle.mjs";
import { rmSync } from "node:fs";

rmSync(new URL("./dist", import.meta.url), { recursive: true, force: true });
await build({
  ...nodeBundleOptions("__tsctlCreateRequire"),
  entryPoints: { main: "src/main.ts" },
  outdir: "dist",
  // Ink's React DevTools bridge is loaded only with DEV=true, and the package is not installed.
  external: ["react-devtools-core"],
  define: { "process.env.NODE_ENV": '"production"' },
});

// The V8 start-up snapshot that bin/tsctl prefers for every command but `top` (snapshot-build.mjs).
await import("./snapshot-build.mjs");
