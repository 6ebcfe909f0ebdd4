import { getSystemErrorName } from "node:util";

/**
 * issue 20: the native splice pump as `@tsupervisord/logs` sees it (structurally `@tsupervisord/reaper`'s
 * SplicePump; the daemon hands it over, so this package loads no native code).
 */
export interface SplicePumpApi {
  /** [read end (the pump's), write end (the child's fd 1/2)]. */
  pipe(): [number, number];
  start(readFd: number, fd: number, room: number, onReport: (report: PumpReport) => void): object;
  setFile(handle: object, fd: number, room: number): void;
  stop(handle: object): void;
}

/** One coalesced report of the pump's thread (counters since the previous one). */
export interface PumpReport extends PumpProgress {
  /**
   * The room is used up and the pipe holds bytes: the thread waits for `setFile`. Never set while a file handed
   * over since (a rotation of the writer's own) is on its way to the thread: that file answers the request.
   */
  full: boolean;
  /** The last report: EOF, or a stop drained the pipe. */
  done: boolean;
}

export interface PumpProgress {
  /** Bytes that reached the current file. */
  written: number;
  /** Bytes that reached a file the writer already switched away from. */
  stale: number;
  /** Bytes discarded (no file, or the file failed). */
  dropped: number;
  /** errno of the first failure of a streak, else 0. */
  error: number;
}

/** How the RotatingFile talks to the pump writing it: hand it a file (`fd` -1: discard) and its room. */
export interface PumpLink {
  setFile(fd: number, room: number): void;
  /** How many times setFile was called (the writer checks it answered a request). */
  readonly switches: number;
}

/** The pump's errno as the Error the JS writer would report (`ENOSPC: ... <path>`). */
export function pumpError(errno: number, path: string): Error {
  let code = `errno ${errno}`;
  try {
    code = getSystemErrorName(-errno);
  } catch {
    // An errno Node does not name: keep the number.
  }
  return Object.assign(new Error(`${code}: write failed (splice pump), '${path}'`), { code, errno: -errno });
}
