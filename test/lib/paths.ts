/** Where the built binaries and the reference's are, for every end-to-end suite. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const TSCTL = join(REPO, "apps/ctl/dist/main.js");
/**
 * The daemon as it ships: the esbuild bundle `bin/tsupervisord` runs (issue 20; apps/daemon/build.mjs), so every
 * end-to-end test holds the artifact users get, lazy faces and all.
 */
export const DAEMON_BUNDLE = join(REPO, "apps/daemon/dist/tsupervisord.js");
export const DAEMON = DAEMON_BUNDLE;
/** tsc's unbundled output of the same sources (apps/daemon/dist/main.js), for tests that compare the two. */
export const DAEMON_UNBUNDLED = join(REPO, "apps/daemon/dist/main.js");
export const CONFORMANCE = process.env["CONF_CASES"] ?? "/work/shared/conformance/cases";
/** Debian's supervisor 4.2.5, the reference (spec §13), when installed. */
export const SUPERVISORCTL = process.env["SUPERVISORCTL_BIN"] ?? "/usr/bin/supervisorctl";
export const SUPERVISORD = process.env["SUPERVISORD_BIN"] ?? "/usr/bin/supervisord";
export const HAVE_SUPERVISORCTL = existsSync(SUPERVISORCTL);
export const HAVE_TSCTL = existsSync(TSCTL);
