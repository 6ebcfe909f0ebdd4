/**
 * Starting one child the way supervisord's spawn() does (SPN-03…16), with Node's child_process:
 *
 * - `detached: true`: the child calls setsid(), so it leads its own process group (pgid = pid, SPN-09) and
 *   `stopasgroup`/`killasgroup` can signal `-pid`.
 * - stdin/stdout/stderr are pipes; the output pipes are piped into the output sink with `{ end: false }` so
 *   Node's backpressure pauses the child's pipe while the disk is behind.
 * - `redirect_stderr`: Node cannot hand one pipe to both fd 1 and fd 2, so the child is started through
 *   `/bin/sh -c 'exec 2>&1; exec "$@"'` — the program then writes both streams into the same pipe and ordering is
 *   kept exactly (supervisord's dup2). The pid is still the program's (exec). Difference: argv[0] is then the
 *   resolved path instead of the word as written (SPN-15); the wrapper's fd 2 is /dev/null.
 * - `umask=`: set with process.umask() immediately around the synchronous fork/exec and restored right after; no
 *   other JavaScript can run in between, so only the child sees it.
 * - `user=`: uid/gid spawn options when the daemon is root. Node/libuv clear the supplementary groups
 *   (setgroups(0, NULL)) instead of setting the user's groups as supervisord does (SPN-11) — a documented
 *   difference; programs needing group membership should use a primary group or `sg`.
 * - Child-side failures supervisord reports from inside the fork (chdir, setuid, exec: SPN-11/14/15/16) are
 *   detected in the parent and reproduced by a stand-in child (`/bin/sh` printing the same two lines to the
 *   same pipe and exiting 127), so the observable result is identical: a real pid, the lines in the log, an
 *   exit status 127, and the process goes STARTING -> BACKOFF -> … -> FATAL.
 * - issue 20: where both output channels go to splice pumps (nothing in the daemon reads the bytes: a log file, or
 *   NONE, whose pump drops them in the kernel; the child still gets a pipe, as supervisord's), no other user,
 *   no fcgi socket and the daemon has the native addon, the child is started with posix_spawn (`spec.native`)
 *   instead: libuv fork()s the whole daemon, ~3 ms of CPU per child. Same session, fds, environment, argv0, cwd
 *   and umask; its exit comes from reaper's waitpid on SIGCHLD; exec errors take the same stand-in path.
 */
import { spawn as nodeSpawn } from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { accessSync, closeSync, constants, statSync } from "node:fs";
import { Socket } from "node:net";
import type { ChildExitListener as ExitListener, ChildSpawnerPort, ChildStart } from "./spawner-port.js";
import type { ProcessConfig } from "@tsupervisord/config";
import { CommandError, resolveCommand, searchPath } from "./command.js";
import { withRlimits } from "./limits/rlimits.js";
import type { DirectOutput, ProcessOutputSink } from "./output-port.js";

/** How long to wait for the pipes to reach EOF after the child exited (a grandchild may hold them open). */
const DRAIN_GRACE_MS = 100;

export interface SpawnSpec {
  config: ProcessConfig;
  daemonEnv: Record<string, string | undefined>;
  serverUrl: string | null;
  sink: ProcessOutputSink;
  /** Called once, after the exit and after the pipes were drained (RAP-02). */
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Also hand every stdout chunk here (event listeners: the protocol channel), besides the sink. */
  onStdout?: (chunk: Buffer) => void;
  /** issue 14: every stdout and stderr chunk, as written (log checks). */
  onOutput?: (chunk: Buffer) => void;
  /** issue 14: variables set last (NOTIFY_SOCKET, WATCHDOG_USEC). */
  extraEnv?: Record<string, string>;
  /**
   * fcgi programs (SPN-10): the group's listening socket becomes the child's fd 0 instead of a stdin pipe, so the
   * process has no stdin channel (sendProcessStdin answers NO_FILE, as supervisord's write hits EPIPE).
   */
  stdinFd?: number;
  /** issue 20: posix_spawn for children whose output goes to splice pumps (null: node:child_process only). */
  native?: ChildSpawnerPort | null;
}

export interface RunningChild {
  readonly pid: number;
  /** issue 20: how it was started (the daemon log says so at debug level). */
  readonly via: "posix_spawn" | "node:child_process";
  /** issue 20: its start time and process group as the spawner read them (posix_spawn); null on node:child_process. */
  readonly start: ChildStart | null;
  /** False once stdin is closed (EPIPE or the child exited). */
  readonly stdinOpen: boolean;
  writeStdin(data: string | Uint8Array): void;
  /** process.kill(pid or -pid); throws the OS error (callers ignore ESRCH). */
  kill(signal: number, group: boolean): void;
}

export type SpawnResult =
  | { kind: "spawned"; child: RunningChild }
  | { kind: "failed"; message: string }
  /** libuv reported the failure asynchronously; the outcome follows. */
  | { kind: "deferred"; outcome: Promise<SpawnResult> };

/** SPN-12/13: daemon env, then SUPERVISOR_*, then the merged environment= overrides everything. */
export function childEnvironment(
  config: ProcessConfig,
  daemonEnv: Record<string, string | undefined>,
  serverUrl: string | null,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(daemonEnv)) if (value !== undefined) env[key] = value;
  env.SUPERVISOR_ENABLED = "1";
  const url = config.serverurl ?? serverUrl;
  if (url !== null && url !== undefined) env.SUPERVISOR_SERVER_URL = url;
  env.SUPERVISOR_PROCESS_NAME = config.name;
  env.SUPERVISOR_GROUP_NAME = config.groupName;
  Object.assign(env, config.environment);
  return env;
}

function errnoName(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" ? code : "EIO";
}

/** The parent-side equivalent of the child's chdir(): null when it would succeed, else the errno name. */
function chdirProblem(directory: string, runsAsOtherUser: boolean): string | null {
  try {
    if (!statSync(directory).isDirectory()) return "ENOTDIR";
    if (!runsAsOtherUser) accessSync(directory, constants.X_OK);
    return null;
  } catch (err) {
    return errnoName(err);
  }
}

const EXEC_ERRNOS = new Set(["ENOENT", "EACCES", "ENOEXEC", "ENOTDIR", "ELOOP", "E2BIG", "ETXTBSY", "EISDIR", "EPERM"]);

export function spawnChild(spec: SpawnSpec): SpawnResult {
  const { config, sink } = spec;
  const env = childEnvironment(config, spec.daemonEnv, spec.serverUrl);
  if (spec.extraEnv !== undefined) Object.assign(env, spec.extraEnv);

  let resolved;
  try {
    resolved = resolveCommand(config.command, searchPath(config.environment, spec.daemonEnv));
  } catch (err) {
    if (err instanceof CommandError) return { kind: "failed", message: err.message };
    throw err;
  }
  // supervisord makes a process's dispatchers (opening explicit log files) only once the command checked out,
  // right before the fork: a program that never spawns leaves no explicit log file behind.
  sink.prepare?.();

  const stdin = spec.stdinFd ?? "pipe";
  const options: SpawnOptions = { env, detached: true, stdio: [stdin, "pipe", "pipe"] };
  const myUid = typeof process.getuid === "function" ? process.getuid() : 0;
  let otherUser = false;
  if (config.user !== null && config.user.uid !== myUid) {
    if (myUid !== 0) {
      return standIn(spec, env, `couldn't setuid to ${config.user.uid}: Can't drop privilege as nonroot user`);
    }
    options.uid = config.user.uid;
    options.gid = config.user.gid;
    otherUser = true;
  }
  if (config.directory !== null) {
    const problem = chdirProblem(config.directory, otherUser);
    if (problem !== null) return standIn(spec, env, `couldn't chdir to ${config.directory}: ${problem}`);
    options.cwd = config.directory;
  }

  let file = resolved.file;
  let args = resolved.argv.slice(1);
  // issue 20: channels a splice pump drains get the pump's pipe as an fd (only when no tap needs the bytes in JS).
  const direct = spec.onStdout === undefined && spec.onOutput === undefined ? (sink.directOutput?.() ?? null) : null;
  const out = direct?.stdout ?? null;
  if (out !== null) options.stdio = [stdin, out, config.redirectStderr ? out : (direct?.stderr ?? "pipe")];
  else if (direct?.stderr != null) options.stdio = [stdin, "pipe", direct.stderr];
  if (config.redirectStderr && out !== null) {
    // One fd for both, as supervisord's dup2: no shell wrapper needed.
    options.argv0 = resolved.argv[0] as string;
  } else if (config.redirectStderr) {
    args = ["-c", 'exec 2>&1; exec "$@"', "sh", file, ...args];
    file = "/bin/sh";
    options.stdio = [stdin, "pipe", "ignore"];
  } else {
    options.argv0 = resolved.argv[0] as string;
  }

  // Issue 17: rlimit_* through prlimit (or a sh ulimit wrapper) that execs the program: the pid stays its own.
  const limited = withRlimits(config.limits, file, args);
  if (limited.wrapped) {
    ({ file, args } = limited);
    delete options.argv0;
  }

  const argv0 = resolved.argv[0] as string;
  const errFd = config.redirectStderr ? out : (direct?.stderr ?? null);
  if (spec.native != null && direct !== null && out !== null && errFd !== null && spec.stdinFd === undefined && !otherUser) {
    return spawnNative(spec, spec.native, direct, { file, argv: [options.argv0 ?? file, ...args], argv0, env, out, err: errFd });
  }
  let child: ChildProcess;
  try {
    child = spawnWithUmask(file, args, options, config.umask);
  } catch (err) {
    direct?.release();
    // Node throws (instead of emitting 'error') for errno values other than EACCES/EAGAIN/EMFILE/ENFILE/ENOENT,
    // e.g. a child-side exec failure such as ENOEXEC or a setuid EPERM.
    const code = errnoName(err);
    if (EXEC_ERRNOS.has(code)) return standIn(spec, env, `couldn't exec ${argv0}: ${code}`);
    return { kind: "failed", message: forkFailureMessage(config.name, code) };
  }
  direct?.release();
  if (child.pid === undefined) {
    const outcome = new Promise<SpawnResult>((resolve) => {
      child.once("error", (err) => {
        const code = errnoName(err);
        if (EXEC_ERRNOS.has(code)) resolve(standIn(spec, env, `couldn't exec ${argv0}: ${code}`));
        else resolve({ kind: "failed", message: forkFailureMessage(config.name, code) });
      });
    });
    return { kind: "deferred", outcome };
  }
  return {
    kind: "spawned",
    child: attach(child, sink, config.redirectStderr, spec.onExit, spec.onStdout, spec.onOutput, direct),
  };
}

interface NativeCommand {
  file: string;
  argv: string[];
  /** The command's first word as written (the exec error text names it, as on the child_process path). */
  argv0: string;
  env: Record<string, string>;
  out: number;
  err: number;
}

/** issue 20: the posix_spawn path of spawnChild (see the header); the same outcomes as the child_process path. */
function spawnNative(spec: SpawnSpec, native: ChildSpawnerPort, direct: DirectOutput, cmd: NativeCommand): SpawnResult {
  const { config } = spec;
  let stdin: [number, number];
  try {
    stdin = native.pipe();
  } catch (err) {
    direct.release();
    return { kind: "failed", message: forkFailureMessage(config.name, errnoName(err)) };
  }
  const env = Object.entries(cmd.env).map(([key, value]) => `${key}=${value}`);
  // The exit is reported from a SIGCHLD handler, never during spawn(): `child` is always set by then.
  let child: (RunningChild & { exited: ExitListener }) | null = null;
  let spawned: { pid: number; start: ChildStart | null };
  // As spawnWithUmask: the child inherits the umask at the clone; no other JavaScript runs in between.
  const previousUmask = config.umask === null ? null : process.umask(config.umask);
  const onExit: ExitListener = (code, signal) => child?.exited(code, signal);
  const fds = [stdin[0], cmd.out, cmd.err] as const;
  try {
    try {
      spawned = native.spawn(cmd.file, cmd.argv, env, config.directory, fds, onExit);
    } catch (err) {
      // An executable without `#!`: libuv's execvp() runs it with /bin/sh (glibc's script fallback, argv
      // ["/bin/sh", file, args...]); posix_spawn does not. Do the same, so the program runs on either path.
      if (errnoName(err) !== "ENOEXEC") throw err;
      spawned = native.spawn("/bin/sh", ["/bin/sh", cmd.file, ...cmd.argv.slice(1)], env, config.directory, fds, onExit);
    }
  } catch (err) {
    direct.release();
    closeSync(stdin[1]);
    const code = errnoName(err);
    if (EXEC_ERRNOS.has(code)) return standIn(spec, cmd.env, `couldn't exec ${cmd.argv0}: ${code}`);
    return { kind: "failed", message: forkFailureMessage(config.name, code) };
  } finally {
    if (previousUmask !== null) process.umask(previousUmask);
    closeSync(stdin[0]);
  }
  direct.release();
  child = attachNative(spawned, stdin[1], direct, spec.onExit);
  return { kind: "spawned", child };
}

/** The RunningChild of a posix_spawn'd child: its stdin pipe, its exit after the pumps drained (RAP-02). */
function attachNative(
  { pid, start }: { pid: number; start: ChildStart | null },
  stdinFd: number,
  direct: DirectOutput,
  onExit: SpawnSpec["onExit"],
): RunningChild & { exited: ExitListener } {
  // The write end becomes a stream only when something is written (sendProcessStdin is rare): 500 children
  // cost 500 fds, not 500 sockets.
  let stdin: Socket | null = null;
  let stdinOpen = true;
  let stdinClosed = false;
  const closeStdin = (): void => {
    stdinOpen = false;
    if (stdinClosed) return;
    stdinClosed = true;
    if (stdin !== null) stdin.destroy();
    else closeSync(stdinFd);
  };
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let grace: NodeJS.Timeout | null = null;
  let pumped = false;
  let finished = false;
  const finish = (): void => {
    if (finished || exit === null || !pumped) return;
    finished = true;
    if (grace !== null) clearTimeout(grace);
    closeStdin();
    onExit(exit.code, exit.signal);
  };
  void direct.drained.then(() => {
    pumped = true;
    finish();
  });
  // As the child_process path: a pump still moving bytes is the disk being behind (wait on); a silent one has a
  // grandchild holding the pipe (stop it: what the pipe holds is moved, then the pump ends and finish() runs).
  const waitForPumps = (): void => {
    grace = null;
    if (pumped) return;
    if (direct.progressed()) {
      grace = setTimeout(waitForPumps, DRAIN_GRACE_MS);
      return;
    }
    direct.stop();
  };
  return {
    pid,
    via: "posix_spawn",
    start,
    exited(code, signal) {
      exit = { code, signal };
      if (pumped) finish();
      else grace = setTimeout(waitForPumps, DRAIN_GRACE_MS);
    },
    get stdinOpen() {
      return stdinOpen;
    },
    writeStdin(data) {
      if (!stdinOpen) return;
      if (stdin === null) {
        stdin = new Socket({ fd: stdinFd, readable: false, writable: true });
        stdin.on("error", () => {
          stdinOpen = false;
        });
        stdin.on("close", () => {
          stdinOpen = false;
        });
      }
      stdin.write(data);
    },
    kill(signal, group) {
      process.kill(group ? -pid : pid, signal);
    },
  };
}

/** SPN-06 texts for pipe/fork failures. */
export function forkFailureMessage(name: string, code: string): string {
  if (code === "EMFILE") return `too many open files to spawn '${name}'`;
  if (code === "EAGAIN") return `Too many processes in process table to spawn '${name}'`;
  return `unknown error during fork for '${name}': ${code}`;
}

function spawnWithUmask(file: string, args: string[], options: SpawnOptions, umask: number | null): ChildProcess {
  if (umask === null) return nodeSpawn(file, args, options);
  const previous = process.umask(umask);
  try {
    return nodeSpawn(file, args, options);
  } finally {
    process.umask(previous);
  }
}

/** A real child that prints supervisord's child-side failure lines (SPN-16) into the right pipe and exits 127. */
function standIn(spec: SpawnSpec, env: Record<string, string>, message: string): SpawnResult {
  const fd = spec.config.redirectStderr ? 1 : 2;
  const script = `printf '%s\\n' "$1" 'supervisor: child process was not spawned' >&${fd}; exit 127`;
  let child: ChildProcess;
  try {
    child = nodeSpawn("/bin/sh", ["-c", script, "sh", `supervisor: ${message}`], {
      env,
      detached: true,
      stdio: [spec.stdinFd ?? "pipe", "pipe", "pipe"],
    });
  } catch (err) {
    return { kind: "failed", message: forkFailureMessage(spec.config.name, errnoName(err)) };
  }
  if (child.pid === undefined) {
    return {
      kind: "deferred",
      outcome: new Promise((resolve) => {
        child.once("error", (err) => resolve({ kind: "failed", message: forkFailureMessage(spec.config.name, errnoName(err)) }));
      }),
    };
  }
  return { kind: "spawned", child: attach(child, spec.sink, false, spec.onExit, spec.onStdout) };
}

function attach(
  child: ChildProcess,
  sink: ProcessOutputSink,
  redirectStderr: boolean,
  onExit: SpawnSpec["onExit"],
  onStdout?: (chunk: Buffer) => void,
  onOutput?: (chunk: Buffer) => void,
  direct: DirectOutput | null = null,
): RunningChild {
  const pid = child.pid as number;
  child.stdout?.pipe(sink.stdout, { end: false });
  if (onStdout !== undefined) child.stdout?.on("data", onStdout);
  if (onOutput !== undefined) {
    // issue 14: log checks see the output as written; a second "data" listener does not change the pipe's flow.
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", onOutput);
  }
  if (!redirectStderr) child.stderr?.pipe(sink.stderr, { end: false });
  let stdinOpen = child.stdin !== null;
  child.stdin?.on("error", () => {
    stdinOpen = false;
  });
  child.stdin?.on("close", () => {
    stdinOpen = false;
  });
  // Errors after a successful spawn (a failed kill via child.kill, a read error on a pipe) must not crash the
  // daemon: the exit path below still runs and reports the process.
  child.on("error", () => {});
  child.stdout?.on("error", () => {});
  child.stderr?.on("error", () => {});

  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let grace: NodeJS.Timeout | null = null;
  let finished = false;
  // issue 20: pumps end at EOF; once the grace period forced a stop, their end alone finishes the exit.
  let pumped = direct === null;
  let forced = false;
  let closed = false;
  void direct?.drained.then(() => {
    pumped = true;
    if (closed || forced) finish();
  });
  const finish = (): void => {
    if (finished || exit === null || !pumped) return;
    finished = true;
    if (grace !== null) clearTimeout(grace);
    stdinOpen = false;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      stream.unpipe();
      stream.destroy();
    }
    child.stdin?.destroy();
    onExit(exit.code, exit.signal);
  };
  // A pipe paused by the sink's backpressure (slow disk, `*_rate_limit`) still holds the child's last output:
  // the grace period starts over once the sink takes data again, so those bytes are never cut off.
  const finishUnlessBackpressured = (): void => {
    if (!pumped && direct !== null) {
      // A pump still moving bytes is the disk being behind: wait on; a silent one has a grandchild holding the pipe.
      if (direct.progressed()) {
        grace = setTimeout(finishUnlessBackpressured, DRAIN_GRACE_MS);
        return;
      }
      forced = true;
      direct.stop();
    }
    const paused = [child.stdout, child.stderr].find((s) => s !== null && !s.readableEnded && s.readableFlowing === false);
    if (paused === undefined || paused === null) {
      finish();
      return;
    }
    paused.once("resume", () => {
      if (grace !== null) clearTimeout(grace);
      grace = setTimeout(finishUnlessBackpressured, DRAIN_GRACE_MS);
    });
  };
  child.once("exit", (code, signal) => {
    exit = { code, signal };
    // Usually 'close' follows at once (both pipes at EOF). If a grandchild keeps them open, stop waiting: like
    // supervisord, read what is there and close our ends.
    grace = setTimeout(finishUnlessBackpressured, DRAIN_GRACE_MS);
  });
  child.once("close", () => {
    closed = true;
    finish();
  });

  return {
    pid,
    via: "node:child_process",
    start: null,
    get stdinOpen() {
      return stdinOpen && child.stdin !== null && !child.stdin.destroyed;
    },
    writeStdin(data) {
      child.stdin?.write(data);
    },
    kill(signal, group) {
      process.kill(group ? -pid : pid, signal);
    },
  };
}
