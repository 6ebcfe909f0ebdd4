/**
 * Helpers for end-to-end tests of the built daemon: temp dirs, configs, starting `node apps/daemon/dist/main.js`
 * as a real child, waiting on conditions with deadlines, and cleaning every process up.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { connect, type ConnectOptions, type SupervisorClient } from "@tsupervisord/protocol";
import { parseProcStat } from "@tsupervisord/reaper/proc-stat";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const DAEMON_MAIN = path.join(REPO_ROOT, "apps/daemon/dist/main.js");

export { waitFor, waitForState } from "../../lib/wait.js";
import { waitFor } from "../../lib/wait.js";

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

/** Run the daemon binary to completion (for -h, -t, refusals). */
export function runDaemonOnce(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DAEMON_MAIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`daemon ${args.join(" ")} did not exit; stderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.once("error", reject);
    child.once("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** Can we open a connection to this unix socket? */
export function socketAccepts(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createConnection({ path: file });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** A daemon running in the foreground (`-n`) as our child. */
export class RunningDaemon {
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  private clients: SupervisorClient[] = [];

  constructor(
    readonly child: ChildProcess,
    readonly dir: TestDir,
  ) {
    child.stdout?.on("data", (d: Buffer) => (this.stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => child.once("exit", (status, signal) => resolve({ status, signal })));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  client(url = `unix://${this.dir.socket}`, options: ConnectOptions = {}): SupervisorClient {
    const c = connect(url, options);
    this.clients.push(c);
    return c;
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

  /** `await using daemon = await startDaemon(dir)`: stopped when the block ends, whatever happened in it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** SIGTERM and wait for the exit; SIGKILL if it does not come (the test then fails on the status). */
  async stop(timeoutMs = 30_000): Promise<{ status: number | null; signal: NodeJS.Signals | null }> {
    for (const c of this.clients) c.close();
    this.clients = [];
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

/** Start `tsupervisord -n -c <conf>` and wait until its socket accepts connections. */
export async function startDaemon(
  dir: TestDir,
  args: string[] = [],
  options: { env?: NodeJS.ProcessEnv; waitForSocket?: boolean; cwd?: string } = {},
): Promise<RunningDaemon> {
  const child = spawn(process.execPath, [DAEMON_MAIN, "-n", "-c", dir.conf, ...args], {
    cwd: options.cwd ?? dir.root,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const daemon = new RunningDaemon(child, dir);
  if (options.waitForSocket !== false) {
    await Promise.race([
      waitFor("the daemon's socket", () => socketAccepts(dir.socket)),
      daemon.exited.then((r) => {
        throw new Error(`daemon exited early (${String(r.status)}): ${daemon.stderr}`);
      }),
    ]);
  }
  return daemon;
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

