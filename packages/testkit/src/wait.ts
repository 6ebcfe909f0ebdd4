/**
 * How every test in the tree waits, in one copy. Prefer `waitForSignal` wherever the thing under test can say that
 * something changed (a store's subscribe, an emitter): the check runs again on that signal and nowhere else.
 * `waitFor` is for conditions with nothing to subscribe to (a file's contents, a pid vanishing from /proc, a
 * socket that starts accepting): it re-checks on a short interval. Both give up at a deadline, saying what they
 * waited for and the last error a check threw.
 */

/** A condition: done once it returns a value other than undefined, null or false (that value is the result). */
export type Check<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

function timedOut(what: string, lastError: unknown): Error {
  return new Error(`timed out waiting for ${what}${lastError === undefined ? "" : `: ${String(lastError)}`}`);
}

/**
 * Resolve with `check()`'s value once it is done, re-checking every `intervalMs`; reject after `timeoutMs`. A
 * check that throws counts as not yet (a file that does not exist yet); its error is in the timeout's message.
 */
export async function waitFor<T>(what: string, check: Check<T>, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw timedOut(what, lastError);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Resolve with `check()`'s value once it is done: checked at once, then again each time `subscribe`'s listener is
 * called (no polling); reject after `timeoutMs`. `subscribe` returns its unsubscribe function.
 */
export async function waitForSignal<T>(
  what: string,
  subscribe: (listener: () => void) => () => void,
  check: Check<T>,
  timeoutMs = 15_000,
): Promise<T> {
  let lastError: unknown;
  const attempt = async (): Promise<T | undefined> => {
    try {
      const value = await check();
      return value === undefined || value === null || value === false ? undefined : value;
    } catch (err) {
      lastError = err;
      return undefined;
    }
  };
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      outcome();
    };
    const recheck = (): void => {
      void attempt().then((value) => {
        if (value !== undefined) finish(() => resolve(value));
      });
    };
    const timer = setTimeout(() => finish(() => reject(timedOut(what, lastError))), timeoutMs);
    const unsubscribe = subscribe(recheck);
    recheck();
  });
}
