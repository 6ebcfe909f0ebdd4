/**
 * The same config under Debian's real supervisord 4.2.5 and under tsupervisord, each in its own temp dir (the
 * config text's `%(here)s` is that dir), in the foreground; with the ctl of one's choice run against either.
 * For side-by-side checks of what a supervisorctl user sees (issue 21).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./daemon.js";
import { DAEMON, SUPERVISORCTL, TSCTL } from "./paths.js";
import { caseEnv, runCommand, type RunResult } from "./run.js";

export const SUPERVISORD = process.env["SUPERVISORD_BIN"] ?? "/usr/bin/supervisord";
export const HAVE_SUPERVISORD = existsSync(SUPERVISORD) && existsSync(SUPERVISORCTL);

export type ServerKind = "supervisord" | "tsupervisord";

export interface Server {
  kind: ServerKind;
  dir: string;
  conf: string;
  socket: string;
  /** The daemon's own output so far. */
  output(): string;
  exited(): boolean;
  tsctl(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  supervisorctl(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  stop(): Promise<void>;
}

function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
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
  const argv = kind === "supervisord" ? [SUPERVISORD, "-n", "-c", conf] : [process.execPath, DAEMON, "-n", "-c", conf];
  const child: ChildProcess = spawn(argv[0] as string, argv.slice(1), { cwd: dir, env: caseEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  let exited = false;
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  await waitFor(`${kind} to listen`, async () => exited || (await socketAccepts(socket)), 20_000);
  if (exited) throw new Error(`${kind} exited at start: ${out}`);
  const run = (cli: readonly string[], args: readonly string[], o: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> =>
    runCommand([...cli, "-c", conf, ...args], { cwd: dir, env: caseEnv(), ...o });
  return {
    kind,
    dir,
    conf,
    socket,
    output: () => out,
    exited: () => exited,
    tsctl: (args, o) => run([process.execPath, TSCTL], args, o),
    supervisorctl: (args, o) => run([SUPERVISORCTL], args, o),
    stop: async () => {
      if (!exited) {
        try {
          process.kill(-(child.pid as number), "SIGTERM");
        } catch {
          // gone
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-(child.pid as number), "SIGKILL");
          } catch {
            // gone
          }
        }, 15_000);
        await exit;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Output with the server's temp dir replaced by `<dir>`, so two servers' transcripts compare. */
export function normalized(r: RunResult, server: Server): string {
  return `${r.output.split(server.dir).join("<dir>")}[exit ${String(r.code)}]`;
}
