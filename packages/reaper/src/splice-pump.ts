/**
 * issue 20: the splice log pump of native/pump.c, as the object `@tsupervisord/logs` takes (its `SplicePumpApi`,
 * structurally): the daemon hands it over, so the logs package never loads native code itself.
 */
import { addonFor, type PumpReport } from "./native.js";

export type { PumpReport } from "./native.js";

/** An opaque running pump. */
export type PumpHandle = object;

export interface SplicePump {
  /** A pipe for one child channel: [read end (non-blocking, the pump's), write end (the child's fd 1/2)]. */
  pipe(): [number, number];
  /** Start moving readFd -> fd (the pump takes readFd and a dup of fd); `room` -1 = no size limit. */
  start(readFd: number, fd: number, room: number, onReport: (report: PumpReport) => void): PumpHandle;
  /** Continue on another file (rotation, reopen); fd -1 discards and counts. */
  setFile(handle: PumpHandle, fd: number, room: number): void;
  /** Move what the pipe holds now, then end. */
  stop(handle: PumpHandle): void;
  /** The capacity of the pipe either end of which is fd (F_GETPIPE_SZ): 64 KiB, 256 KiB once its child flooded it. */
  pipeSize(fd: number): number;
}

/** Set to "1" to run every channel through the JS writer (the fallback), e.g. to compare or to rule the pump out. */
export const NO_SPLICE_ENV = "TSUPERVISORD_NO_SPLICE";

/** The pump, or why not: the addon was not built, it is not Linux, or TSUPERVISORD_NO_SPLICE=1. */
export function splicePump(env: NodeJS.ProcessEnv = process.env): { pump: SplicePump } | { reason: string } {
  const found = addonFor(env, NO_SPLICE_ENV, "pumpStart", "the splice pump");
  if ("reason" in found) return found;
  const { addon } = found;
  return {
    pump: {
      pipe: () => addon.pumpPipe(),
      start: (readFd, fd, room, onReport) => addon.pumpStart(readFd, fd, room, onReport),
      setFile: (handle, fd, room) => addon.pumpSetFile(handle, fd, room),
      stop: (handle) => addon.pumpStop(handle),
      pipeSize: (fd) => addon.pipeSize(fd),
    },
  };
}
