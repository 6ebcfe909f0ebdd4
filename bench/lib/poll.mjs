// Waiting for a condition by asking the system under test (the benchmark client's business):
// a short interval and a hard deadline so a stuck run fails instead of hanging.
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export class TimeoutError extends Error {}

/** An error that ends a wait at once (the thing waited on can no longer happen). */
export function fatal(message) {
  return Object.assign(new Error(message), { fatal: true });
}

/**
 * Calls `probe` every `intervalMs` until it returns a non-undefined value; returns that value.
 * Probe errors count as "not yet" (a socket that does not exist yet) until the deadline.
 */
export async function waitFor(probe, { intervalMs = 100, timeoutMs = 60_000, what = 'condition' } = {}) {
  const deadline = performance.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      if (e?.fatal) throw e; // e.g. the daemon is gone: no point waiting for the deadline
      lastError = e;
    }
    if (performance.now() > deadline) {
      throw new TimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError.message})` : ''}`);
    }
    await sleep(intervalMs);
  }
}
