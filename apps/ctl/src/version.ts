// tsctl's own release (this package's version; the bundler inlines the number) and the supervisorctl release
// whose commands, output and exit codes it reproduces. `tsctl --version` prints both.
import pkg from "../package.json" with { type: "json" };

export const CTL_VERSION: string = pkg.version;
export const SUPERVISOR_COMPAT_VERSION = "4.2.5";
