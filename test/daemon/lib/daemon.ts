/**
 * End-to-end tests of the built daemon: a private temp dir per test with the usual file names and a config, the
 * daemon started on it through the one shared harness (test/lib/daemon.ts), its activity log, and /proc helpers.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseProcStat } from "@tsupervisord/reaper/proc-stat";
import { afterEach } from "vitest";
import { Daemon, startWith } from "../../lib/daemon.js";
import { DAEMON, REPO } from "../../lib/paths.js";
import { runCommand } from "../../lib/run.js";
import { waitFor } from "../../lib/wait.js";

export const REPO_ROOT = REPO;
export const DAEMON_MAIN = DAEMON;

export { waitFor, waitForState } from "../../lib/wait.js";
export { socketAccepts } from "../../lib/daemon.js";

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A private directory per test, with the usual file names. Removed by `cleanup()`. */
export class TestDir {
  readonly root: string;
  constructor(prefix = "tsupd-e2e-") {
    // Short paths: unix socket paths are limited to ~107 bytes.
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  }
  get socket(): string {
    return path.join(this.root, "sv.sock");
  }
  get pidfile(): string {
    return path.join(this.root, "sv.pid");
  }
  get logfile(): string {
    return path.join(this.root, "sv.log");
  }
  get conf(): string {
    return path.join(this.root, "supervisord.conf");
  }
  file(name: string): string {
    return path.join(this.root, name);
  }
  /** A config with a unix socket, log, pid file and childlogdir in this dir, plus `body`. */
  writeConfig(body: string, options: { unix?: string | false; supervisord?: string } = {}): string {
    const unix =
      options.unix === false ? "" : `[unix_http_server]\nfile=${this.socket}\n${options.unix ?? ""}\n`;
    const text =
      `${unix}[supervisord]\nlogfile=${this.logfile}\npidfile=${this.pidfile}\nchildlogdir=${this.root}\n` +
      `loglevel=info\n${options.supervisord ?? ""}\n` +
      `[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n` +
      `[supervisorctl]\nserverurl=unix://${this.socket}\n\n${body}\n`;
    fs.writeFileSync(this.conf, text);
    return this.conf;
  }
  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
  /** `using dir = new TestDir()`: removed when the block ends. */
  [Symbol.dispose](): void {
    this.cleanup();
  }
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the daemon binary to completion (for -h, -t, refusals); SIGKILLed after `timeoutMs`. */
export async function runDaemonOnce(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  const r = await runCommand([process.execPath, DAEMON_MAIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    timeoutMs: options.timeoutMs ?? 20_000,
  });
  return { status: r.code, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A daemon on a TestDir's config, with its activity log at hand. */
export class RunningDaemon extends Daemon {
  constructor(
    readonly dir: TestDir,
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string; main?: string; launcher?: readonly string[] },
  ) {
    super({
      conf: dir.conf,
      socket: dir.socket,
      cwd: options.cwd ?? dir.root,
      args,
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.main !== undefined ? { main: options.main } : {}),
      ...(options.launcher !== undefined ? { launcher: options.launcher } : {}),
    });
  }

  activityLog(): string {
    try {
      return fs.readFileSync(this.dir.logfile, "utf8");
    } catch {
      return "";
    }
  }

  async waitForLog(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return waitFor(`activity log to match ${pattern}`, () => {
      const text = this.activityLog();
      return pattern.test(text) ? text : undefined;
    }, timeoutMs);
  }
}

/** Start `tsupervisord -n -c <dir.conf> <args>` and (unless `waitForSocket: false`) wait until its socket accepts. */
export async function startDaemon(
  dir: TestDir,
  args: string[] = [],
  /** `main`: another build of the daemon than the bundle (DAEMON), e.g. tsc's unbundled dist/main.js. */
  options: { env?: NodeJS.ProcessEnv; waitForSocket?: boolean; cwd?: string; main?: string; launcher?: readonly string[] } = {},
): Promise<RunningDaemon> {
  return startWith(new RunningDaemon(dir, args, options), options);
}

/** Pids of the direct children of `pid` (from /proc). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(fs.readFileSync(`/proc/${entry}/stat`, "latin1"));
      if (stat?.ppid === pid) out.push(stat.pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** SIGKILL every process whose argv is exactly `argv` (a grandchild a test left holding a pipe on purpose). */
export function killByArgv(argv: readonly string[]): void {
  const cmdline = argv.map((a) => `${a}\0`).join("");
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8") === cmdline) process.kill(Number(entry), "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
}

/**
 * For tests that start several things each: what a test hands to `track` is cleaned up after it (vitest's
 * afterEach: daemons stopped, stray pids SIGKILLed, dirs removed). A single daemon reads better with `await using`.
 */
export function cleanupAfterEach(): { dir(d?: TestDir): TestDir; daemon(d: RunningDaemon): RunningDaemon; pid(p: number): void } {
  let dirs: TestDir[] = [];
  let daemons: RunningDaemon[] = [];
  let pids: number[] = [];
  afterEach(async () => {
    for (const d of daemons) await d.stop();
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    for (const d of dirs) d.cleanup();
    dirs = [];
    daemons = [];
    pids = [];
  });
  return {
    dir: (d = new TestDir()) => (dirs.push(d), d),
    daemon: (d) => (daemons.push(d), d),
    pid: (p) => void pids.push(p),
  };
}
