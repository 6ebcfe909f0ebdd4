/**
 * issue 20: spawning a child through posix_spawn (native/spawn.c) instead of node:child_process, whose libuv
 * fork()s the whole daemon: ~3 ms of CPU per child from a ~70 MiB process, most of `spawn n=500`. libuv knows
 * nothing of these children, so this module waits for them itself: on every SIGCHLD, `waitpid(pid, WNOHANG)` for
 * each pid it started (never -1, which would steal libuv's children). The orphan reaper asks
 * {@link isNativeChild} before it collects a zombie, so it never takes one of these.
 */
import { constants } from "node:os";
import { addonFor, nativeReaper, type NativeSpawnResult } from "./native.js";

/** Set to "1" to spawn every child through node:child_process (the fallback), e.g. to compare or rule this out. */
export const NO_NATIVE_SPAWN_ENV = "TSUPERVISORD_NO_NATIVE_SPAWN";

/**
 * Who the child is beside its pid, read right after the spawn (fields 22 and 5 of /proc/PID/stat): its start time
 * in clock ticks after boot (a pid can be reused, a start time with it cannot) and its process group.
 */
export interface ChildStart {
  startTime: number;
  pgid: number;
}

/** A child just started: its pid, and its start as read in C right after posix_spawn (null when that read failed). */
export interface NativeChild {
  pid: number;
  start: ChildStart | null;
}

/** Exit as node:child_process reports it: a code, or the signal's name. */
export type ExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

export interface NativeSpawner {
  /** A blocking pipe, both ends close-on-exec: [read end (the child's stdin), write end (ours)]. */
  pipe(): [number, number];
  /**
   * posix_spawn `file` with `argv` (argv[0] included) and `env` in `cwd` (null: ours), `fds` dup2'd onto 0, 1, 2,
   * in a new session with default signal actions. `onExit` is called once, after the child was collected.
   * Throws an Error with the errno's `code` when the fork or the exec failed (no child exists then).
   */
  spawn(file: string, argv: readonly string[], env: readonly string[], cwd: string | null, fds: readonly [number, number, number], onExit: ExitListener): NativeChild;
}

const children = new Map<number, ExitListener>();
let listening = false;

/** True while `pid` is a child this module started and has not collected yet. */
export function isNativeChild(pid: number): boolean {
  return children.has(pid);
}

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, num]) => [num, name as NodeJS.Signals]),
);
const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([name, num]) => [num, name]));

/** The addon throws with a numeric `errno`: name it as Node's own errors are named (`code`: ENOENT, ...). */
function named(err: unknown): unknown {
  if (err instanceof Error) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e.errno === "number" && e.code === undefined) e.code = ERRNO_NAMES.get(e.errno) ?? "EIO";
  }
  return err;
}

function collect(): void {
  const addon = nativeReaper();
  if (addon === undefined) return;
  for (const [pid, onExit] of children) {
    const reaped = addon.reap(pid);
    if (reaped === null) continue;
    children.delete(pid);
    onExit(reaped.status, reaped.signal === null ? null : (SIGNAL_NAMES.get(reaped.signal) ?? null));
  }
  // No child left to wait for: no SIGCHLD listener either (an idle daemon keeps no extra signal handle).
  if (children.size === 0) stopListening();
}

function stopListening(): void {
  if (!listening) return;
  process.off("SIGCHLD", collect);
  listening = false;
}

/** For tests: is the SIGCHLD listener installed, and how many children does it wait for. */
export function nativeSpawnState(): { listening: boolean; children: number } {
  return { listening, children: children.size };
}

/** The spawner, or why node:child_process spawns every child (no addon, an old addon, or the env switch). */
export function nativeSpawner(env: NodeJS.ProcessEnv = process.env): { spawner: NativeSpawner } | { reason: string } {
  const found = addonFor(env, NO_NATIVE_SPAWN_ENV, "spawn", "posix_spawn");
  if ("reason" in found) return found;
  const { addon } = found;
  return {
    spawner: {
      pipe() {
        try {
          return addon.spawnPipe();
        } catch (err) {
          throw named(err);
        }
      },
      spawn(file, argv, childEnv, cwd, fds, onExit) {
        // Listening before the fork: a child that exits at once still finds its SIGCHLD handled.
        if (!listening) {
          process.on("SIGCHLD", collect);
          listening = true;
        }
        let spawned: NativeSpawnResult | number;
        try {
          spawned = addon.spawn(file, argv, childEnv, cwd, fds);
        } catch (err) {
          // glibc already waited for a child whose exec failed; nothing to collect. Stop listening if idle.
          if (children.size === 0) stopListening();
          throw named(err);
        }
        // A bare number: an addon built before the start was read in C (the caller reads /proc itself then).
        const result = typeof spawned === "number" ? { pid: spawned, startTime: null, pgid: null } : spawned;
        children.set(result.pid, onExit);
        const start = result.startTime !== null && result.pgid !== null ? { startTime: result.startTime, pgid: result.pgid } : null;
        return { pid: result.pid, start };
      },
    },
  };
}
