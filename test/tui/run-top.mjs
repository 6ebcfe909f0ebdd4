// `tsctl top` without tsctl: runs the built @tsupervisord/tui against a server URL, for the smoke test when
// apps/ctl/dist is not built. Usage: node run-top.mjs <serverurl> [username password]
/* global process */
import { runTop } from "../../packages/tui/dist/index.js";

const [serverUrl, username, password] = process.argv.slice(2);
if (!serverUrl) {
  process.stderr.write("usage: node run-top.mjs <serverurl> [username password]\n");
  process.exit(2);
}
process.exitCode = await runTop({ serverUrl, ...(username ? { username, password } : {}) });
