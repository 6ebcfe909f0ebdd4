/**
 * `*_rate_limit = 10MB/s` (+ `_burst`): a token bucket per output channel. In `block` mode the channel simply
 * does not accept the next chunk until tokens are back (one timer, no tick), so Node's pipe backpressure pauses
 * the child's pipe and the child blocks in write(2): nothing is lost. `drop` mode (only when asked for) discards
 * what is over the limit; the caller counts and logs it.
 */
import type { RateLimit } from "../types.js";
import type { Clock } from "../rotation/time-trigger.js";

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {
    this.tokens = limit.burstBytes;
    this.last = clock.now();
  }

  /**
   * Take `n` bytes' worth of tokens: 0 when they may pass now (taken), else the ms to wait before asking again.
   * A chunk larger than the burst passes once the bucket is full and leaves it in debt, so the average rate holds
   * and nothing can wait forever.
   */
  take(n: number): number {
    const now = this.clock.now();
    const { bytesPerSecond, burstBytes } = this.limit;
    this.tokens = Math.min(burstBytes, this.tokens + ((now - this.last) * bytesPerSecond) / 1000);
    this.last = now;
    const need = Math.min(n, burstBytes);
    if (this.tokens >= need) {
      this.tokens -= n;
      return 0;
    }
    return Math.max(1, Math.ceil(((need - this.tokens) * 1000) / bytesPerSecond));
  }
}

/** `10MB/s` style, for messages. */
export function formatRate(bytesPerSecond: number): string {
  const units: Array<[number, string]> = [
    [1024 * 1024 * 1024, "GB"],
    [1024 * 1024, "MB"],
    [1024, "KB"],
  ];
  for (const [size, unit] of units) if (bytesPerSecond >= size && bytesPerSecond % size === 0) return `${bytesPerSecond / size}${unit}/s`;
  return `${bytesPerSecond}B/s`;
}
