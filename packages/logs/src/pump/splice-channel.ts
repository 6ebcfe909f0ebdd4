import { closeSync } from "node:fs";
import type { RotatingFile } from "../rotating-file.js";
import type { PumpLink, PumpReport, SplicePumpApi } from "./pump-link.js";

/**
 * issue 20: one channel of one spawn on the splice path: a fresh pipe whose write end the child gets, and a
 * native pump moving the read end into the channel's RotatingFile (which keeps rotation, counters, followers).
 * The pump starts without a file and asks for one with its first bytes, so the writer's own open has settled.
 *
 * Without a file (a NONE channel, PumpPath `discard`) the pump splices everything to /dev/null from the start and
 * never asks for a file. Its reports count those bytes as `dropped`: here that is the design, not a loss, so they
 * only mark progress (the drain grace period) and reach no writer, counter, metric or warning.
 */
export class SpliceChannel {
  /** The write end to hand to spawn() as the child's fd 1 (and 2 with redirect_stderr). */
  readonly childFd: number;
  /** Settles when the pump ended (EOF once every writer closed the pipe, or a stop drained it). */
  readonly done: Promise<void>;
  private readonly handle: object;
  private readonly api: SplicePumpApi;
  private moved = false;
  private released = false;

  constructor(api: SplicePumpApi, file: RotatingFile | null) {
    const [readFd, writeFd] = api.pipe();
    this.childFd = writeFd;
    let resolveDone: () => void = () => {};
    this.done = new Promise((resolve) => (resolveDone = resolve));
    this.api = api;
    if (file === null) {
      const onReport = (report: PumpReport): void => {
        if (report.written + report.stale + report.dropped > 0) this.moved = true;
        if (report.done) resolveDone();
      };
      // fd -1 with room -1: no file, never a request for one; every byte goes to /dev/null in the kernel.
      this.handle = SpliceChannel.start(api, readFd, writeFd, -1, onReport);
      return;
    }
    let switches = 0;
    let handle: object | null = null;
    const link: PumpLink = {
      setFile: (fd, room) => {
        switches += 1;
        if (handle !== null) api.setFile(handle, fd, room);
      },
      get switches() {
        return switches;
      },
    };
    file.attachPump(link);
    const onReport = (report: PumpReport): void => {
      if (report.written + report.stale + report.dropped > 0) this.moved = true;
      file.pumpProgress(report);
      if (report.full && !report.done) file.pumpWantsFile(link);
      if (report.done) {
        file.detachPump(link);
        resolveDone();
      }
    };
    try {
      handle = SpliceChannel.start(api, readFd, writeFd, 0, onReport);
    } catch (err) {
      file.detachPump(link);
      throw err;
    }
    this.handle = handle;
  }

  /** api.start, closing both ends of the pipe when it throws. */
  private static start(api: SplicePumpApi, readFd: number, writeFd: number, room: number, onReport: (report: PumpReport) => void): object {
    try {
      return api.start(readFd, -1, room, onReport);
    } catch (err) {
      closeSync(readFd);
      closeSync(writeFd);
      throw err;
    }
  }

  /** Close the daemon's copy of the write end (the child has its own now, or the spawn failed). */
  release(): void {
    if (this.released) return;
    this.released = true;
    closeSync(this.childFd);
  }

  /** True when bytes moved since the previous call. */
  progressed(): boolean {
    const moved = this.moved;
    this.moved = false;
    return moved;
  }

  /** Move what the pipe holds now, then end (a grandchild keeps the pipe open past the exit). */
  stop(): void {
    this.release();
    this.api.stop(this.handle);
  }
}
