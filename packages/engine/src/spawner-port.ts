/**
 * issue 20: the engine's port for starting children without node:child_process (the daemon plugs in
 * @tsupervisord/reaper's posix_spawn; null: every child through node:child_process). The engine decides which
 * children may use it (spawn.ts) and owns what follows: pumps, stdin, the exit after the pipes drained.
 */
export type ChildExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

export interface ChildSpawnerPort {
  /** A blocking pipe, both ends close-on-exec: [read end (the child's stdin), write end (ours)]. */
  pipe(): [number, number];
  /**
   * Start `file` with `argv` (argv[0] included) and `env` ("K=V") in `cwd` (null: ours), `fds` onto 0, 1, 2, in a
   * new session with default signal actions; `onExit` once after the child was collected. Throws an Error with
   * the errno's `code` when the fork, chdir or exec failed (no child exists then).
   */
  spawn(
    file: string,
    argv: readonly string[],
    env: readonly string[],
    cwd: string | null,
    fds: readonly [number, number, number],
    onExit: ChildExitListener,
  ): number;
}
