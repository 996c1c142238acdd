/** Milliseconds since the epoch; tests pass a frozen clock. */
export type Clock = () => number;

const BUCKETS = 10;
const RESOLUTION_MS = 1000;

/**
 * Counts events over the last 10 seconds in 10 one-second buckets aligned on wall-clock seconds, as oxy's
 * RollingCounter does: a bucket is cleared when time moves past it, so the window slides a second at a time.
 */
export class RollingCounter {
  readonly #values = new Array<number>(BUCKETS).fill(0);
  readonly #now: Clock;
  #lastUpdated = Number.NEGATIVE_INFINITY;

  constructor(now: Clock) {
    this.#now = now;
  }

  increment(amount = 1): void {
    const now = this.#now();
    this.#cleanup(now);
    this.#values[bucketOf(now)]! += amount;
    this.#lastUpdated = now;
  }

  count(): number {
    this.#cleanup(this.#now());
    let sum = 0;
    for (const value of this.#values) sum += value;
    return sum;
  }

  reset(): void {
    this.#values.fill(0);
    this.#lastUpdated = Number.NEGATIVE_INFINITY;
  }

  /** Clears the buckets of the seconds that passed since the last update. */
  #cleanup(now: number): void {
    const lastSecond = Math.floor(this.#lastUpdated / RESOLUTION_MS);
    for (let i = 0; i < BUCKETS; i++) {
      const checkPoint = now - i * RESOLUTION_MS;
      if (Math.floor(checkPoint / RESOLUTION_MS) <= lastSecond) break;
      this.#values[bucketOf(checkPoint)] = 0;
    }
  }
}

function bucketOf(time: number): number {
  return ((Math.floor(time / RESOLUTION_MS) % BUCKETS) + BUCKETS) % BUCKETS;
}
