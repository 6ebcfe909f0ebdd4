/**
 * The version tsupervisord reports as supervisord's (`-v`, GetSupervisorVersion, Watch snapshots): the
 * supervisord release whose behaviour it implements. Clients compare it (`supervisorctl version`, monitors,
 * deployment tools checking for a minimum supervisor version), and the conformance transcripts expect it.
 */
export const SUPERVISOR_COMPAT_VERSION = "4.2.5";

export function daemonVersion(): string {
  return SUPERVISOR_COMPAT_VERSION;
}
