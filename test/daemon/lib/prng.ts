/** A small deterministic PRNG for fuzz tests, so a failure replays from its seed. */
export interface Prng {
  /** In [0, 1]. */
  random(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  randomBytes(n: number): Buffer;
}

export function createPrng(seed: number): Prng {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const int = (n: number): number => Math.min(n - 1, Math.floor(random() * n));
  return {
    random,
    int,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    randomBytes: (n: number): Buffer => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
      return b;
    },
  };
}
