/**
 * issue 18: the one clock for deadlines. Wall-clock time (Date.now) jumps with NTP and manual changes; a deadline
 * measured on it can fire at once or never. Deadlines (stop_deadline, the leftover sweep's grace) are measured on
 * this monotonic clock; Date.now stays for what is shown (start times, event timestamps, supervisord's fields).
 */
export function monotonicNow(): number {
  return performance.now();
}
