/**
 * issue 20: the daemon's autostart in turns of the event loop. Each spawn is synchronous work (fork + exec in
 * libuv, pipes, the first log lines), so a config of hundreds of programs started in one step would keep the
 * API silent until the last one is spawned. supervisord answers its API while it starts programs; here the
 * first `perTurn` processes start at once (a small config behaves exactly as before: same step, same log order
 * as supervisord's single transition pass) and the rest follow one batch per turn, in the same order, with
 * connections, signals and exits served in between.
 */
import type { ManagedProcess } from "./process.js";

/** As many as the largest conformance case starts (8 programs); a batch of sleeps costs ~20 ms. */
export const AUTOSTART_PER_TURN = 8;

/**
 * Call `start` for each of `procs` in order, `perTurn` per turn of the event loop. A deferred process is skipped
 * when `stillWanted` says it is not any more (the daemon is shutting down, an update removed it): the start
 * itself is idempotent (a process started by hand in between is not started twice). `done` runs once, right
 * after the last batch (within this call when one batch covers them all).
 */
export function autostartInTurns(
  procs: readonly ManagedProcess[],
  stillWanted: (proc: ManagedProcess) => boolean,
  start: (proc: ManagedProcess) => void,
  done: () => void = () => undefined,
  perTurn = AUTOSTART_PER_TURN,
): void {
  let next = 0;
  const runBatch = (): void => {
    const end = Math.min(procs.length, next + perTurn);
    while (next < end) {
      const proc = procs[next++] as ManagedProcess;
      if (stillWanted(proc)) start(proc);
    }
  };
  const scheduleRest = (): void => {
    if (next < procs.length) setImmediate(deferredBatch);
    else done();
  };
  // A start that throws in a later batch (it reaches the daemon as an uncaught exception) neither stops the
  // batches after it nor keeps `done` from running; one in the first batch throws out of start(), as before.
  const deferredBatch = (): void => {
    try {
      runBatch();
    } finally {
      scheduleRest();
    }
  };
  runBatch();
  scheduleRest();
}
