/**
 * Issue 19: failed logins rate limited per peer, as a token bucket with lazy refill (no timer: each check
 * brings the bucket up to date from the clock). A peer starts with `burst` tries; every failure takes one; one
 * comes back every `refillMs`. With none left the peer is refused before its password is even looked at (429 /
 * RESOURCE_EXHAUSTED) until a token is back. A success does not refill: a guesser who also knows one valid
 * password gains nothing.
 *
 * Each peer's failures are logged once per `logWindowMs` (the first one of a window, saying how many went
 * unlogged since), so a flood cannot flood the log.
 */

export interface LoginLimiterOptions {
  burst?: number;
  refillMs?: number;
  logWindowMs?: number;
  now?: () => number;
  /** Peers tracked at most; past it, peers whose bucket is full again are forgotten. */
  maxPeers?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  /** When the current log window of this peer started (null: none yet). */
  loggedAt: number | null;
  /** Failures since the last logged one. */
  unlogged: number;
}

export interface FailureVerdict {
  /** Log this failure now; `unlogged` failures of this peer were not logged since the previous line. */
  log: boolean;
  unlogged: number;
}

export class LoginLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly refillMs: number;
  private readonly logWindowMs: number;
  private readonly now: () => number;
  private readonly maxPeers: number;

  constructor(options: LoginLimiterOptions = {}) {
    this.burst = options.burst ?? 5;
    this.refillMs = options.refillMs ?? 12_000;
    this.logWindowMs = options.logWindowMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.maxPeers = options.maxPeers ?? 10_000;
  }

  /** True while `peer` has no try left. */
  isLimited(peer: string): boolean {
    const bucket = this.buckets.get(peer);
    return bucket !== undefined && this.refill(bucket) < 1;
  }

  /** Takes a token for a failed login and says whether to log it. */
  recordFailure(peer: string): FailureVerdict {
    const now = this.now();
    let bucket = this.buckets.get(peer);
    if (bucket === undefined) {
      this.forgetIdlePeers();
      bucket = { tokens: this.burst, updatedAt: now, loggedAt: null, unlogged: 0 };
      this.buckets.set(peer, bucket);
    }
    this.refill(bucket);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    if (bucket.loggedAt === null || now - bucket.loggedAt >= this.logWindowMs) {
      const unlogged = bucket.unlogged;
      bucket.loggedAt = now;
      bucket.unlogged = 0;
      return { log: true, unlogged };
    }
    bucket.unlogged += 1;
    return { log: false, unlogged: bucket.unlogged };
  }

  private refill(bucket: Bucket): number {
    const now = this.now();
    const earned = Math.floor((now - bucket.updatedAt) / this.refillMs);
    if (earned > 0) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + earned);
      bucket.updatedAt += earned * this.refillMs;
    }
    if (bucket.tokens >= this.burst) bucket.updatedAt = now;
    return bucket.tokens;
  }

  private forgetIdlePeers(): void {
    if (this.buckets.size < this.maxPeers) return;
    for (const [peer, bucket] of this.buckets) {
      if (this.refill(bucket) >= this.burst && bucket.unlogged === 0) this.buckets.delete(peer);
    }
    // Every tracked peer is still limited (a spread-out attack): drop the oldest rather than grow without bound.
    while (this.buckets.size >= this.maxPeers) this.buckets.delete(this.buckets.keys().next().value as string);
  }
}
