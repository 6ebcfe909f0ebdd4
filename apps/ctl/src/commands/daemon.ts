/** reload, shutdown, version, open (CMD-RELOAD-1, CMD-SHUTDOWN-1, CMD-VERSION-1, CMD-OPEN-1). */
import { isSupervisorError } from "@tsupervisord/errors";
import { isBackendConnectionError } from "../backend.js";
import type { Controller } from "../controller.js";
import { HELP_TEXTS } from "../help.js";
import { ExitStatus } from "../states.js";
import { doStatus } from "./status.js";
import { splitWords } from "./types.js";
import { reloadProcesses, selected } from "./operations.js";

function rejectArguments(ctl: Controller, action: string, arg: string): boolean {
  if (arg === "") return false;
  ctl.output(`Error: ${action} accepts no arguments`);
  ctl.exitstatus = ExitStatus.GENERIC;
  for (const line of HELP_TEXTS[action] ?? []) ctl.output(line);
  return true;
}

/** In the shell, destructive daemon commands ask first; an answer starting with y/Y proceeds. */
async function confirmed(ctl: Controller, question: string): Promise<boolean> {
  if (!ctl.options.interactive) return true;
  const answer = await ctl.term.readLine(question);
  return answer !== null && answer.toLowerCase().startsWith("y");
}

export async function doShutdown(ctl: Controller, arg: string): Promise<void> {
  if (rejectArguments(ctl, "shutdown", arg)) return;
  if (!(await confirmed(ctl, "Really shut the remote supervisord process down y/N? "))) return;
  try {
    await ctl.backend().shutdown();
  } catch (err) {
    if (isSupervisorError(err) && err.code === "SHUTDOWN_STATE") {
      ctl.output("ERROR: already shutting down");
      return;
    }
    ctl.exitstatus = ExitStatus.GENERIC;
    if (isBackendConnectionError(err) && err.reason === "refused") {
      ctl.output(`ERROR: ${ctl.serverurl} refused connection (already shut down?)`);
      return;
    }
    if (isBackendConnectionError(err) && err.reason === "no-such-file") {
      ctl.output(`ERROR: ${ctl.serverurl} no such file (already shut down?)`);
      return;
    }
    throw err;
  }
  ctl.output("Shut down");
}

export async function doReload(ctl: Controller, arg: string): Promise<void> {
  // issue 18: `reload NAME…` sends the processes their restartsignal. Plain `reload`, and `reload NAME` without a
  // tsupervisord to do it (unreachable, or a supervisord over XML-RPC), stay supervisorctl's.
  if (arg.trim() !== "" && (await reloadNamed(ctl, arg))) return;
  if (rejectArguments(ctl, "reload", arg)) return;
  if (!(await confirmed(ctl, "Really restart the remote supervisord process y/N? "))) return;
  try {
    await ctl.backend().restart();
  } catch (err) {
    ctl.exitstatus = ExitStatus.GENERIC;
    if (isSupervisorError(err) && err.code === "SHUTDOWN_STATE") {
      ctl.output("ERROR: already shutting down");
      return;
    }
    throw err;
  }
  ctl.output("Restarted supervisord");
}

export async function doVersion(ctl: Controller, arg: string): Promise<void> {
  if (rejectArguments(ctl, "version", arg)) return;
  if (!(await ctl.upcheck())) return;
  ctl.output(await ctl.backend().getSupervisorVersion());
}

/** issue 19 (tsctl only): `whoami` prints the user, role and peer the daemon authenticated us as. */
export async function doWhoami(ctl: Controller, arg: string): Promise<void> {
  if (rejectArguments(ctl, "whoami", arg)) return;
  if (!(await ctl.upcheck())) return;
  const backend = ctl.backend();
  if (backend.whoAmI === undefined) {
    ctl.output("Error: whoami is not available over this connection");
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  const me = await backend.whoAmI();
  // A unix-socket peer already reads `unix uid=N pid=P`.
  ctl.output(`${me.user} (${me.role}) from ${me.peer}`);
}

/** Python urlparse's scheme: letters first, then letters, digits, `+-.`, before the first colon; lower-cased. */
export function urlScheme(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  return m === null ? "" : (m[1] as string).toLowerCase();
}

export async function doOpen(ctl: Controller, arg: string): Promise<void> {
  const url = arg.trim();
  const scheme = urlScheme(url);
  if (scheme !== "unix" && scheme !== "http") {
    ctl.output("ERROR: url must be http:// or unix://");
    ctl.exitstatus = ExitStatus.GENERIC;
    return;
  }
  ctl.retarget({ serverurl: url });
  // The status it shows does not change the run's exit status.
  const before = ctl.exitstatus;
  await doStatus(ctl, "");
  ctl.exitstatus = before;
}

/** False (nothing printed) when no tsupervisord answers over gRPC: the caller then says what supervisorctl says. */
async function reloadNamed(ctl: Controller, arg: string): Promise<boolean> {
  let infos;
  try {
    infos = await ctl.backend().getAllProcessInfo();
  } catch (err) {
    if (isBackendConnectionError(err)) return false;
    throw err;
  }
  // Only tsupervisord's gRPC ProcessInfo carries restartSignal (XML-RPC structs have no such field).
  if (!infos.some((i) => i.restartSignal !== undefined)) return false;
  const names = splitWords(arg);
  // Words that name no process at all are supervisorctl's `reload extra`: its "accepts no arguments" stands.
  if (names.every((n) => selected(infos, n).length === 0)) return false;
  await reloadProcesses(ctl, names);
  return true;
}
