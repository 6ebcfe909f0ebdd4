// Bundles tsctl into dist/ after `tsc` has typechecked it: one main.js that starts fast, with the gRPC client
// split into a chunk loaded on the first call, and the TUI (ink, react) left external and imported only by `top`.
import { build } from "esbuild";
import { rmSync } from "node:fs";

rmSync(new URL("./dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { main: "src/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  external: ["@tsupervisord/tui", "ink", "react"],
  // grpc-js is CommonJS and requires node builtins: give the ESM bundle a `require`.
  banner: { js: 'import { createRequire as __tsctlCreateRequire } from "node:module"; const require = __tsctlCreateRequire(import.meta.url);' },
  minify: false,
  logLevel: "warning",
});
