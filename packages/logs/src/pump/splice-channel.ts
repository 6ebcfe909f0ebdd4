import { closeSync } from "node:fs";
import type { RotatingFile } from "../rotating-file.js";
import type { PumpLink, PumpReport, SplicePumpApi } from "./pump-link.js";

/**
 * issue 20: one channel of one spawn on the splice path: a fresh pipe whose write end the child gets, and a
 * native pump moving the read end into the channel's RotatingFile (which keeps rotation, counters, followers).
 * The pump starts without a file and asks for one with its first bytes, so the writer's own open has settled.
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

  constructor(api: SplicePumpApi, file: RotatingFile) {
    const [readFd, writeFd] = api.pipe();
    this.childFd = writeFd;
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
    let resolveDone: () => void = () => {};
    this.done = new Promise((resolve) => (resolveDone = resolve));
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
      handle = api.start(readFd, -1, 0, onReport);
    } catch (err) {
      file.detachPump(link);
      closeSync(readFd);
      closeSync(writeFd);
      throw err;
    }
    this.handle = handle;
    this.api = api;
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
