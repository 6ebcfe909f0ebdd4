/**
 * The engine's ports to the machine around it, each with the default the daemon uses. Tests and features plug
 * other implementations in through SupervisorOptions; the engine's own modules never reach past these.
 */
import type { EngineLogger } from "./logger.js";
import { FcgiSocket, checkFcgiSocket } from "./fcgi-socket.js";
import type { FcgiSocketConfig } from "./fcgi-socket.js";
import { ProcessTreeSampler } from "./proc-stats.js";
import type { TreeStats } from "./proc-stats.js";

export type { TreeStats };

/** CPU/RSS of process trees, read on request only (never polled). */
export interface ProcessStatsPort {
  /** Stats of each root pid's tree that could be read; CPU is a rate since the previous sample of that root. */
  sample(rootPids: number[], nowMs: number): Map<number, TreeStats>;
}

/** `[fcgi-program:x]` sockets (spec §1.5.8). */
export interface FcgiSocketPort {
  /** FastCGIProcessGroup.__init__'s fail-early check: bind, listen and close synchronously; throws FcgiSocketError. */
  check(config: FcgiSocketConfig, logger: EngineLogger): void;
  /** The reference-counted socket of one group: the first acquire creates it, the last release closes it. */
  open(config: FcgiSocketConfig, logger: EngineLogger): FcgiSocket;
}

/** /proc, walked from the supervised pids down (see proc-stats.ts). */
export function procStatsPort(): ProcessStatsPort {
  return new ProcessTreeSampler();
}

/** Real sockets: the in-process check and the socket-creating helper process (see fcgi-socket.ts). */
export const realFcgiSockets: FcgiSocketPort = {
  check: checkFcgiSocket,
  open: (config, logger) => new FcgiSocket(config, logger),
};

// issue 14: the sd_notify port (declared with its parser in readiness/notify-port.ts; the daemon plugs in
// @tsupervisord/reaper's datagram sockets through SupervisorOptions.notify).
export type { NotifyPort, NotifyReceiver } from "./readiness/notify-port.js";
