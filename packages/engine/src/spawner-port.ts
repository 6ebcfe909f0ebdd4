/**
 * issue 20: the engine's port for starting children without node:child_process (the daemon plugs in
 * @tsupervisord/reaper's posix_spawn; null: every child through node:child_process). The engine decides which
 * children may use it (spawn.ts) and owns what follows: pumps, stdin, the exit after the pipes drained.
 */
export type ChildExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

/**
 * Who a child is beside its pid, as the spawner read it right after starting it (fields 22 and 5 of
 * /proc/PID/stat): its start time in clock ticks after boot (a pid can be reused, a start time with it cannot) and
 * its process group. Hooks that follow children (the daemon's children file) take it from here instead of reading
 * /proc on the event loop right after the spawn, where that read is slow.
 */
export interface ChildStart {
  startTime: number;
  pgid: number;
}

export interface ChildSpawnerPort {
  /** A blocking pipe, both ends close-on-exec: [read end (the child's stdin), write end (ours)]. */
  pipe(): [number, number];
  /**
   * Start `file` with `argv` (argv[0] included) and `env` ("K=V") in `cwd` (null: ours), `fds` onto 0, 1, 2, in a
   * new session with default signal actions; `onExit` once after the child was collected. Throws an Error with
   * the errno's `code` when the fork, chdir or exec failed (no child exists then). Returns the pid and, when the
   * spawner could read it, the child's start (null: whoever needs it reads /proc).
   */
  spawn(
    file: string,
    argv: readonly string[],
    env: readonly string[],
    cwd: string | null,
    fds: readonly [number, number, number],
    onExit: ChildExitListener,
  ): { pid: number; start: ChildStart | null };
}
