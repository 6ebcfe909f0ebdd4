/**
 * issue 20 ("idle means idle"): the only thing that wakes an idle daemon is V8's memory reducer. About 8 s after
 * start-up (the heap grew, then the mutator went quiet) it runs up to three full "reduce" GCs, 0.6 s apart, with
 * concurrent marking on the V8 worker threads. Measured with 100 sleeps (per-thread ticks from
 * /proc/PID/task/*\/stat, 1 tick = 10 ms): 5–7 ticks at 8–10 s, then 0 ticks for good. The first GC returns
 * the start-up garbage (heap 18.7 → 14.0 MB); the second and third find nothing (14.0 → 13.9 MB). One GC keeps
 * the memory win for a third of the CPU (2 ticks, same RSS); `--no-memory-reducer` would cost ~9 MB of RSS.
 *
 * Set at run time, not on the command line, so `node dist/main.js`, the shebang and bin/ all get it. V8 reads
 * this flag each time the reducer schedules a GC, which is long after this call.
 */
import v8 from "node:v8";

export function quietIdleHeap(): void {
  v8.setFlagsFromString("--memory-reducer-single-gc");
}
