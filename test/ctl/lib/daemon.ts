/**
 * A real tsupervisord on a conformance case (or any config text) in a private temp dir, through the shared
 * harness (test/lib/daemon.ts): in its own process group, with the case environment, its dir removed on stop.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDaemon as startShared, type Daemon } from "../../lib/daemon.js";
import { CONFORMANCE, DAEMON, TSCTL } from "./paths.js";
import { caseEnv } from "./run.js";

/** The shared Daemon (ctl(), stop(), `await using`), plus the case dir it owns. */
export type RunningDaemon = Daemon & { readonly dir: string };

export { waitFor } from "../../lib/wait.js";

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

/** tsupervisord on `dir`'s supervisord.conf (socket `supervisor.sock`); stopping it removes `dir`. */
export async function startDaemon(dir: string, opts: { readyTimeoutMs?: number } = {}): Promise<RunningDaemon> {
  const daemon = await startShared({
    conf: join(dir, "supervisord.conf"),
    socket: join(dir, "supervisor.sock"),
    cwd: dir,
    env: caseEnv(),
    processGroup: true,
    removeOnStop: dir,
    stopTimeoutMs: 20_000,
    ...(opts.readyTimeoutMs !== undefined ? { readyTimeoutMs: opts.readyTimeoutMs } : {}),
  });
  return Object.assign(daemon, { dir });
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
