/**
 * `user=` drops privileges before any log or socket is opened (MLG-04), but much of the daemon is read from its
 * install lazily: the servers' version, the native addon, the gRPC and XML-RPC faces (issue 20 loads them on
 * first use) and the web UI's files. An install the target user cannot read (a clone under root's 0700 home, or
 * a checkout in a 0700 temporary directory) would then break on first use: the servers could not open, or the
 * JavaScript fallbacks would run without saying the real reason. So a daemon about to drop privileges reads all
 * of it first, as supervisord, whose modules are imported before it calls setuid, effectively does.
 */
import { nativeReaper } from "@tsupervisord/reaper";
import { ownVersion } from "../version.js";
import { importFacesNow } from "./lazy-faces.js";

export async function readInstallBeforeDroppingPrivileges(): Promise<void> {
  ownVersion();
  nativeReaper();
  await importFacesNow();
}
