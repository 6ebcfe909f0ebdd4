/**
 * issue 20 ("idle means idle"): nothing may wake an idle daemon, V8's garbage collector included.
 *
 * What woke it: V8's memory reducer. Start-up grows the old generation, which arms the reducer; ~8 s later (once
 * the allocation rate is low, else another 8 s) it runs a full "reduce" GC with incremental marking: ~50 marking
 * steps, each a task that wakes the event loop, plus concurrent marking on the V8 worker thread. Measured with 100
 * sleeps (`/proc/PID/task/*\/stat`): 4–5 clock ticks on two threads, ~16 s after launch, inside any idle window
 * that starts after start-up; a timer check at ~8 s was a sixth wake-up. After that first GC the reducer is only
 * armed again by a full GC that finds the heap 10 MB larger than at its last run, so start-up is what it was for.
 *
 * What the daemon does instead: the node flags switch the reducer off (`--no-memory-reducer`, apps/daemon/node-flags:
 * it cannot be switched off at run time) and the daemon collects start-up's garbage itself, in one compacting full
 * GC, at the moment start-up's burst ends (Supervisor.onStartupSettled: the autostart pass has run, and none of its
 * processes is STARTING or waiting for a dependency that can still be met), while it is awake anyway. Measured the same way: 0–1 ticks on one thread and 0–1 wake-ups in the 30 s
 * after start-up, and the idle RSS of the reducer's run (56.4 MiB); bench/NOTES.md, stop 32. What is lost: the
 * reducer's extra GC after a later full GC that found the heap 10 MB larger; that GC has freed the garbage already.
 *
 * `quietIdleHeap()` stays for a daemon started without the node flags (`node dist/main.js`): there the reducer
 * runs, and one GC after start-up instead of three keeps two thirds of its cost away.
 */
import v8 from "node:v8";
import vm from "node:vm";

export function quietIdleHeap(): void {
  v8.setFlagsFromString("--memory-reducer-single-gc");
}

/** Was `flag` given on node's command line (`--a-b` or `--a_b`)? Then it is not ours to switch off again. */
function givenOnCommandLine(flag: string): boolean {
  return process.execArgv.some((arg) => arg.replace(/_/g, "-") === flag);
}

/** V8's `gc`: the global one when node was started with --expose-gc, else one made for this call only. */
function gcFunction(): (() => void) | null {
  const global = (globalThis as { gc?: unknown }).gc;
  if (typeof global === "function") return global as () => void;
  // A fresh context made while --expose-gc is set gets a `gc` function; ours never does. The flag is reset at
  // once, so no other code sees a `gc`; the context and its function are garbage again after the call.
  v8.setFlagsFromString("--expose-gc");
  try {
    const made: unknown = vm.runInNewContext("typeof gc === 'function' ? gc : undefined");
    return typeof made === "function" ? (made as () => void) : null;
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
}

/**
 * One full, synchronous mark-compact GC that compacts every page, as the reducer's "reduce" GC does.
 *
 * `--compact-on-every-full-gc` is on for this one GC: a plain full GC frees the garbage but leaves the pages it was
 * on half empty (measured with 100 sleeps: heap committed 14.1 MB, idle RSS 58.0 MiB); compacted, 12.3 MB and
 * 56.4 MiB, the reducer's own result, for ~35 ms once instead of ~12. The flags are set back to what they were
 * (off, unless given on the command line), so the flag hash V8 checks code caches against is unchanged. Returns
 * false when V8 gave no `gc` (a runtime that ignores the flag).
 */
export function collectGarbageNow(): boolean {
  const gc = gcFunction();
  if (gc === null) return false;
  const compactAlways = givenOnCommandLine("--compact-on-every-full-gc");
  if (!compactAlways) v8.setFlagsFromString("--compact-on-every-full-gc");
  try {
    gc();
  } finally {
    if (!compactAlways) v8.setFlagsFromString("--no-compact-on-every-full-gc");
  }
  return true;
}
