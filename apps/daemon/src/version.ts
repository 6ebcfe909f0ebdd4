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

let ownVersionRead: string | undefined;

/**
 * tsupervisord's own release (this package's version), for `--version` and the servers' identity. Read once and
 * kept: after `user=` drops privileges the install may be unreadable (runtime/install-preload.ts reads it first).
 */
export function ownVersion(): string {
  // dist/version.js -> ../package.json: read at run time, so the number lives in one place. The esbuild bundle
  // (dist/tsupervisord.js, issue 20) lies in dist/ too, so the same relative path holds there.
  ownVersionRead ??= (createRequire(import.meta.url)("../package.json") as { version: string }).version;
  return ownVersionRead;
}

/** `tsupervisord --version`: our release and the supervisord release whose behaviour we implement. */
export function longVersion(): string {
  return `tsupervisord ${ownVersion()} (supervisord ${SUPERVISOR_COMPAT_VERSION} compatible)`;
}
