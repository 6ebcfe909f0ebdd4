/**
 * The engine's ports to the machine around it, each with the default the daemon uses. Tests and features plug
 * other implementations in through SupervisorOptions; the engine's own modules never reach past these.
 */
import type { EngineLogger } from "./logger.js";
import { FcgiSocket, checkFcgiSocket } from "./fcgi-socket.js";
import type { FcgiSocketConfig } from "./fcgi-socket.js";
import { readGroupMembers, readTree, type TreeReading } from "./stats/tree.js";

/**
 * Reads one program's process tree (issue 17): the stats sampler (stats/sampler.ts) reads through this, only while
 * someone watches; CPU rates are the sampler's, between two of its passes.
 */
export interface ProcessTreePort {
  /** The tree under `root` (members, CPU seconds, RSS, fds), null when `root` is gone. */
  readTree(root: number): TreeReading | null;
  /** The same for a cgroup's member list (descendants re-parented away included). */
  readMembers(root: number, pids: readonly number[]): TreeReading | null;
}

/** `[fcgi-program:x]` sockets (spec §1.5.8). */
export interface FcgiSocketPort {
  /** FastCGIProcessGroup.__init__'s fail-early check: bind, listen and close synchronously; throws FcgiSocketError. */
  check(config: FcgiSocketConfig, logger: EngineLogger): void;
  /** The reference-counted socket of one group: the first acquire creates it, the last release closes it. */
  open(config: FcgiSocketConfig, logger: EngineLogger): FcgiSocket;
}

/** /proc, walked from the supervised pids down (stats/tree.ts, on proc-stats.ts's readers). */
export function procTreePort(): ProcessTreePort {
  return { readTree: (root) => readTree(root), readMembers: (root, pids) => readGroupMembers(root, pids) };
}

/** Real sockets: the in-process check and the socket-creating helper process (see fcgi-socket.ts). */
export const realFcgiSockets: FcgiSocketPort = {
  check: checkFcgiSocket,
  open: (config, logger) => new FcgiSocket(config, logger),
};

// issue 14: the sd_notify port (declared with its parser in readiness/notify-port.ts; the daemon plugs in
// @tsupervisord/reaper's datagram sockets through SupervisorOptions.notify).
export type { NotifyPort, NotifyReceiver } from "./readiness/notify-port.js";
