/** Gives the wait before each retry, in milliseconds. */
export interface Backoff {
  next(): number;
}

const RANDOMIZATION_FACTOR = 0.5;
const MAX_INTERVAL_MS = 60_000;

/** No wait: retries follow each other at once (no `initialInterval`). */
export const zeroBackoff: Backoff = { next: () => 0 };

/**
 * The exponential backoff Traefik's retry uses (cenkalti/backoff with Traefik's settings): waits start at
 * `initialInterval`, each randomized by ±50%, and grow by a factor chosen so that the interval reaches twice
 * `initialInterval` over the attempts. Differs from Traefik: its 15-minute cap on the whole series is not
 * applied, as no retry series here comes close to it.
 */
export function exponentialBackoff(initialIntervalMs: number, attempts: number, random: () => number = Math.random): Backoff {
  const multiplier = 2 ** (1 / (attempts - 1));
  let current = initialIntervalMs;
  return {
    next() {
      const delta = RANDOMIZATION_FACTOR * current;
      const low = current - delta;
      const high = current + delta;
      // cenkalti/backoff picks in [low, high] counted in nanoseconds, so the interval is one nanosecond wider.
      const wait = low + random() * (high - low + 1e-6);
      current = current >= MAX_INTERVAL_MS / multiplier ? MAX_INTERVAL_MS : current * multiplier;
      return wait;
    },
  };
}
