/**
 * tsctl's V8 start-up snapshot entry (issue 20). `snapshot-build.mjs` bundles this file into one CommonJS script
 * and runs `node --build-snapshot` on it: every module a command needs, the gRPC client included, is evaluated
 * once at build time and the heap saved, so a run deserializes it instead of reading, compiling and evaluating
 * ~1.2 MB of JavaScript. `bin/tsctl` runs it as `node --snapshot-blob dist/tsctl.blob -- dist/main.js ARGS…`
 * (the `--` keeps Node from taking tsctl's `-c` for its own), so `process.argv` has main.js's layout.
 *
 * Nothing evaluated at module scope may read the environment, the terminal or the clock: that would be frozen at
 * build time. grpc-js reads its GRPC_* variables there: the snapshot is built without them, and a run with one set
 * starts again from dist/main.js (snapshot-env.ts says when).
 * `top` (ink, react) and the XML-RPC fallback stay out: they are loaded from the bundle on first use.
 */
import { spawnSync } from "node:child_process";
import { startupSnapshot } from "node:v8";
import { runAndExit } from "./cli.js";
import { grpcSettingsDifferFromSnapshot } from "./snapshot-env.js";
// Evaluated now, at build time, rather than on the first call as in dist/main.js.
import "./grpc-backend.js";

/** The same command from dist/main.js (`process.argv[1]`), with this process's stdio; its exit is ours. */
function rerunFromMain(): void {
  const run = spawnSync(process.execPath, process.argv.slice(1), { stdio: "inherit" });
  if (run.signal !== null) process.kill(process.pid, run.signal);
  process.exit(run.status ?? 1);
}

startupSnapshot.setDeserializeMainFunction(() => {
  if (grpcSettingsDifferFromSnapshot(process.env)) rerunFromMain();
  else runAndExit(process.argv.slice(2));
});
