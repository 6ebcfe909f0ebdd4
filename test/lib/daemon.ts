/**
 * The one harness that runs a daemon for end-to-end tests: the built tsupervisord (or Debian's supervisord, for
 * side-by-side checks) in the foreground (`-n -c <conf>`) as our child, ready once its socket accepts
 * connections, with tsctl/supervisorctl and gRPC clients against it. `await using daemon = await startDaemon(…)`
 * stops it when the block ends, whatever happened in it: SIGTERM, SIGKILL if it does not exit in time, then
 * whatever it left in its own process group, then its directory if it owns one.
 *
 * test/daemon/lib/daemon.ts (TestDir configs, activity log) and test/ctl/lib (conformance cases, both servers)
 * are thin layers over this.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import net from "node:net";
import { connect, type ConnectOptions, type SupervisorClient } from "@tsupervisord/protocol";
import { DAEMON, SUPERVISORCTL, SUPERVISORD, TSCTL } from "./paths.js";
import { runCommand, type RunResult } from "./run.js";
import { waitFor } from "./wait.js";

export type ServerKind = "supervisord" | "tsupervisord";

export interface ExitStatus {
  status: number | null;
  signal: NodeJS.Signals | null;
}

export interface DaemonSpec {
  conf: string;
  /** The unix socket it serves (readiness, default client URL). */
  socket: string;
  cwd: string;
  /** Arguments after `-n -c <conf>`. */
  args?: readonly string[];
  /** The daemon's environment, also given to ctl()/supervisorctl(); default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Default tsupervisord (the built apps/daemon). */
  server?: ServerKind;
  /** tsupervisord's main.js, if not the built apps/daemon (a smoke run of another build). */
  main?: string;
  /**
   * Words run in front of tsupervisord's own argv, which they must end by exec'ing, so the child stays the
   * daemon (e.g. `unshare --mount … sh -c '…; exec "$@"'` for a private mount namespace). tsupervisord only.
   */
  launcher?: readonly string[];
  /** Start it as the leader of its own process group, so stop() also ends what it leaves behind. */
  processGroup?: boolean;
  /** Default true: resolve once the socket accepts a connection (reject if the daemon exits first). */
  waitForSocket?: boolean;
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
  /** A directory stop() removes (a case copy the daemon owns). */
  removeOnStop?: string;
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

/** A daemon running in the foreground as our child. */
export class Daemon {
  stdout = "";
  stderr = "";
  /** stdout and stderr in arrival order. */
  output = "";
  readonly exited: Promise<ExitStatus>;
  readonly child: ChildProcess;
  readonly conf: string;
  readonly socket: string;
  readonly cwd: string;
  private clients: SupervisorClient[] = [];
  private gone = false;

  constructor(private readonly spec: DaemonSpec) {
    this.conf = spec.conf;
    this.socket = spec.socket;
    this.cwd = spec.cwd;
    const argv =
      spec.server === "supervisord"
        ? [SUPERVISORD, "-n", "-c", spec.conf, ...(spec.args ?? [])]
        : [...(spec.launcher ?? []), process.execPath, spec.main ?? DAEMON, "-n", "-c", spec.conf, ...(spec.args ?? [])];
    this.child = spawn(argv[0] as string, argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: spec.processGroup === true,
    });
    this.child.stdout?.on("data", (d: Buffer) => {
      this.stdout += d.toString();
      this.output += d.toString();
    });
    this.child.stderr?.on("data", (d: Buffer) => {
      this.stderr += d.toString();
      this.output += d.toString();
    });
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (status, signal) => {
        this.gone = true;
        resolve({ status, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Whether the daemon process has exited (e.g. after `shutdown`). */
  get hasExited(): boolean {
    return this.gone;
  }

  /** Resolve once the socket accepts connections; reject (with its output) if the daemon exits first. */
  async ready(timeoutMs = this.spec.readyTimeoutMs ?? 15_000): Promise<void> {
    await waitFor(`the daemon's socket ${this.socket}`, async () => this.gone || (await socketAccepts(this.socket)), timeoutMs);
    if (this.gone) {
      const { status, signal } = await this.exited;
      throw new Error(`the daemon exited at start (${String(status ?? signal)}):\n${this.output}`);
    }
  }

  /** A gRPC client (closed by stop()); default: the daemon's unix socket. */
  client(url = `unix://${this.socket}`, options: ConnectOptions = {}): SupervisorClient {
    const c = connect(url, options);
    this.clients.push(c);
    return c;
  }

  /** `tsctl -c <conf> <args…>` in the daemon's directory and environment. */
  ctl(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return runCommand([process.execPath, TSCTL, "-c", this.conf, ...args], { cwd: this.cwd, env: this.spec.env ?? process.env, ...opts });
  }

  /** Debian's `supervisorctl -c <conf> <args…>`, likewise. */
  supervisorctl(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    return runCommand([SUPERVISORCTL, "-c", this.conf, ...args], { cwd: this.cwd, env: this.spec.env ?? process.env, ...opts });
  }

  /** SIGTERM and wait for the exit, SIGKILL if it does not come (the test then fails on the status). */
  async stop(timeoutMs = this.spec.stopTimeoutMs ?? 30_000): Promise<ExitStatus> {
    for (const c of this.clients) c.close();
    this.clients = [];
    if (!this.gone) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.kill(), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    // Whatever the daemon left in its process group goes too.
    if (this.spec.processGroup === true) this.kill();
    if (this.spec.removeOnStop !== undefined) rmSync(this.spec.removeOnStop, { recursive: true, force: true });
    return result;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** SIGKILL the daemon (its whole process group when it leads one). */
  private kill(): void {
    try {
      if (this.spec.processGroup === true) process.kill(-this.pid, "SIGKILL");
      else this.child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Start a daemon and (unless `waitForSocket: false`) wait until it serves; on failure it is stopped. */
export async function startDaemon(spec: DaemonSpec): Promise<Daemon> {
  return startWith(new Daemon(spec), spec);
}

/** The same for a subclass instance (test/daemon/lib's RunningDaemon). */
export async function startWith<D extends Daemon>(daemon: D, spec: Pick<DaemonSpec, "waitForSocket">): Promise<D> {
  if (spec.waitForSocket === false) return daemon;
  try {
    await daemon.ready();
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  return daemon;
}
