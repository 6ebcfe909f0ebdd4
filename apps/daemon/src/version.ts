import { createRequire } from "node:module";

/**
 * The version tsupervisord reports as supervisord's (`-v`, GetSupervisorVersion, Watch snapshots): the
 * supervisord release whose behaviour it implements. Clients compare it (`supervisorctl version`, monitors,
 * deployment tools checking for a minimum supervisor version), and the conformance transcripts expect it.
 */
export const SUPERVISOR_COMPAT_VERSION = "4.2.5";

export function daemonVersion(): string {
  return SUPERVISOR_COMPAT_VERSION;
}

/** tsupervisord's own release (this package's version), for `--version`. */
export function ownVersion(): string {
  // dist/version.js -> ../package.json: read at run time, so the number lives in one place. The esbuild bundle
  // (dist/tsupervisord.js, issue 20) lies in dist/ too, so the same relative path holds there.
  const pkg = createRequire(import.meta.url)("../package.json") as { version: string };
  return pkg.version;
}

/** `tsupervisord --version`: our release and the supervisord release whose behaviour we implement. */
export function longVersion(): string {
  return `tsupervisord ${ownVersion()} (supervisord ${SUPERVISOR_COMPAT_VERSION} compatible)`;
}
