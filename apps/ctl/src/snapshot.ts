/**
 * tsctl's V8 start-up snapshot entry (issue 20). `snapshot-build.mjs` bundles this file into one CommonJS script
 * and runs `node --build-snapshot` on it: every module a command needs, the gRPC client included, is evaluated
 * once at build time and the heap saved, so a run deserializes it instead of reading, compiling and evaluating
 * ~1.2 MB of JavaScript. `bin/tsctl` runs it as `node --snapshot-blob dist/tsctl.blob -- dist/main.js ARGS…`
 * (the `--` keeps Node from taking tsctl's `-c` for its own), so `process.argv` has main.js's layout.
 *
 * Nothing evaluated at module scope may read the environment, the terminal or the clock: that would be frozen at
 * build time. grpc-js reads its GRPC_* variables there: the snapshot is built without them, and `bin/tsctl` runs
 * dist/main.js when one is set (GRPC_DEFAULT_SSL_ROOTS_FILE_PATH aside: tsctl verifies a daemon with --ca).
 * `top` (ink, react) and the XML-RPC fallback stay out: they are loaded from the bundle on first use.
 */
import { startupSnapshot } from "node:v8";
import { runAndExit } from "./cli.js";
// Evaluated now, at build time, rather than on the first call as in dist/main.js.
import "./grpc-backend.js";

startupSnapshot.setDeserializeMainFunction(() => {
  runAndExit(process.argv.slice(2));
});
