/**
 * The same config under Debian's real supervisord 4.2.5 and under tsupervisord, each in its own temp dir (the
 * config text's `%(here)s` is that dir), in the foreground; with the ctl of one's choice run against either.
 * For side-by-side checks of what a supervisorctl user sees (issue 21).
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDaemon, type ServerKind } from "../../lib/daemon.js";
import { SUPERVISORCTL, SUPERVISORD } from "./paths.js";
import { caseEnv, type RunResult } from "./run.js";

export { SUPERVISORD } from "./paths.js";
export const HAVE_SUPERVISORD = existsSync(SUPERVISORD) && existsSync(SUPERVISORCTL);

export type { ServerKind } from "../../lib/daemon.js";

export interface Server {
  kind: ServerKind;
  dir: string;
  conf: string;
  socket: string;
  /** The daemon's own output so far. */
  output(): string;
  exited(): boolean;
  /** Resolves when the daemon process has exited (e.g. after `shutdown`). */
  whenExited(): Promise<void>;
  tsctl(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  supervisorctl(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * `body` is the config after the standard head (unix socket, log, pid, childlogdir, rpcinterface, supervisorctl);
 * `head: false` leaves the head out (the body is then the whole file, `%(here)s` still works).
 */
export async function startServer(kind: ServerKind, body: string, opts: { head?: boolean; files?: Record<string, string> } = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), kind === "supervisord" ? "sbs-sd-" : "sbs-ts-"));
  const socket = join(dir, "s.sock");
  const head =
    `[unix_http_server]\nfile=${socket}\n\n[supervisord]\nlogfile=${dir}/d.log\npidfile=${dir}/d.pid\nchildlogdir=${dir}\n\n` +
    `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n` +
    `[supervisorctl]\nserverurl=unix://${socket}\n\n`;
  const conf = join(dir, "supervisord.conf");
  writeFileSync(conf, (opts.head === false ? "" : head) + body.split("%(here)s").join(dir));
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, name), text, { mode: 0o755 });
  const daemon = await startDaemon({
    conf,
    socket,
    cwd: dir,
    env: caseEnv(),
    server: kind,
    processGroup: true,
    removeOnStop: dir,
    readyTimeoutMs: 20_000,
    stopTimeoutMs: 15_000,
  });
  const stop = async (): Promise<void> => {
    await daemon.stop();
  };
  return {
    kind,
    dir,
    conf,
    socket,
    output: () => daemon.output,
    exited: () => daemon.hasExited,
    whenExited: () => daemon.exited.then(() => undefined),
    tsctl: (args, o) => daemon.ctl(args, o),
    supervisorctl: (args, o) => daemon.supervisorctl(args, o),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Output with the server's temp dir replaced by `<dir>`, so two servers' transcripts compare. */
export function normalized(r: RunResult, server: Server): string {
  return `${r.output.split(server.dir).join("<dir>")}[exit ${String(r.code)}]`;
}
