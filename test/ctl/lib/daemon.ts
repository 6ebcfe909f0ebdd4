/**
 * A real tsupervisord for end-to-end tests: a private copy of a conformance case (or any config text) in a temp
 * dir, the built daemon in the foreground on it, and cleanup that leaves no process behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONFORMANCE, DAEMON, TSCTL } from "./paths.js";
import { caseEnv, runCommand, type RunResult } from "./run.js";

export interface RunningDaemon {
  dir: string;
  conf: string;
  socket: string;
  /** tsctl -c <conf> <args…> in the case dir, with the case environment. */
  ctl(args: readonly string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  stop(): Promise<void>;
  /** `await using d = await startDaemon(dir)`: stopped (and its dir removed) when the block ends. */
  [Symbol.asyncDispose](): Promise<void>;
}

export { waitFor } from "../../lib/wait.js";
import { waitFor } from "../../lib/wait.js";

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

/** A fresh copy of a conformance case, or a dir holding `confText` as supervisord.conf. */
export function prepareCase(source: { caseName: string } | { confText: string; files?: Record<string, string> }): string {
  const dir = mkdtempSync(join(tmpdir(), "tsctl-e2e-"));
  chmodSync(dir, 0o755);
  if ("caseName" in source) {
    cpSync(join(CONFORMANCE, source.caseName), dir, { recursive: true });
    rmSync(join(dir, "case.json"), { force: true });
    rmSync(join(dir, "expected.txt"), { force: true });
  } else {
    writeFileSync(join(dir, "supervisord.conf"), source.confText);
    for (const [name, text] of Object.entries(source.files ?? {})) {
      writeFileSync(join(dir, name), text);
      chmodSync(join(dir, name), 0o755);
    }
  }
  return dir;
}

export async function startDaemon(dir: string, opts: { readyTimeoutMs?: number } = {}): Promise<RunningDaemon> {
  const conf = join(dir, "supervisord.conf");
  const socket = join(dir, "supervisor.sock");
  const env = caseEnv();
  const child: ChildProcess = spawn(process.execPath, [DAEMON, "-n", "-c", conf], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  let exited = false;
  child.on("exit", () => (exited = true));

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill("SIGTERM");
      await waitFor("the daemon to exit", () => exited, 20_000).catch(() => {
        try {
          process.kill(-(child.pid as number), "SIGKILL");
        } catch {
          // already gone
        }
      });
    }
    // Whatever the daemon left in its process group goes too.
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // nothing left
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(
      `the daemon's socket ${socket}`,
      async () => {
        if (exited) throw new Error(`the daemon exited at start:\n${log}`);
        return existsSync(socket) && (await socketAccepts(socket));
      },
      opts.readyTimeoutMs ?? 15_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dir,
    conf,
    socket,
    ctl: (args, o = {}) =>
      runCommand([process.execPath, TSCTL, "-c", conf, ...args], { cwd: dir, env, ...o }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Whether the built daemon can run a trivial config and tsctl can list its program: the e2e suites that need
 * a daemon skip (with this reason) until both exist.
 */
export async function daemonUnavailableReason(): Promise<string | null> {
  if (!existsSync(DAEMON)) return `the daemon is not built (${DAEMON})`;
  if (!existsSync(TSCTL)) return `tsctl is not built (${TSCTL})`;
  if (!readFileSync(DAEMON, "utf8").includes("supervisord")) return "the daemon's main.js is still a stub";
  const dir = prepareCase({
    confText:
      "[unix_http_server]\nfile=%(here)s/supervisor.sock\n[supervisord]\nlogfile=%(here)s/supervisord.log\n" +
      "pidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s\n" +
      "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n" +
      "[supervisorctl]\nserverurl=unix://%(here)s/supervisor.sock\n[program:preflight]\ncommand=sleep 1000\n",
  });
  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon(dir, { readyTimeoutMs: 10_000 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return `the daemon did not start: ${(err as Error).message.split("\n")[0]}`;
  }
  try {
    const r = await daemon.ctl(["status"]);
    return r.stdout.includes("preflight") ? null : `tsctl status did not list the program: ${r.output.trim()}`;
  } finally {
    await daemon.stop();
  }
}
