import { TokenBucket } from './token-bucket.js';

/** Where the rate limiter reads time: monotonic nanoseconds for the buckets, wall-clock seconds for expiry. */
export interface Clock {
  /** Monotonic time in whole nanoseconds. */
  now(): number;
  /** Unix time in whole seconds. */
  unixSeconds(): number;
}

const origin = process.hrtime.bigint();

/** The process clock. */
export const systemClock: Clock = {
  now: () => Number(process.hrtime.bigint() - origin),
  unixSeconds: () => Math.floor(Date.now() / 1000),
};

/** Sources a rate limiter tracks at most, as in Traefik; the one closest to expiry makes room for a new one. */
export const maxSources = 65536;

interface Entry {
  readonly bucket: TokenBucket;
  expiry: number;
}

/**
 * The token buckets of one rate limiter, one per source, as Traefik's ttlmap keeps them: a bucket not used
 * for `ttlSeconds` (counted in whole Unix seconds) is forgotten, so the source starts again with a full bucket.
 * Every use pushes the expiry back and all entries share one TTL, so insertion order is expiry order.
 */
export class SourceBuckets {
  readonly #entries = new Map<string, Entry>();
  readonly #create: () => TokenBucket;
  readonly #ttlSeconds: number;
  readonly #capacity: number;
  readonly #clock: Clock;

  constructor(options: { create: () => TokenBucket; ttlSeconds: number; clock?: Clock; capacity?: number }) {
    this.#create = options.create;
    this.#ttlSeconds = options.ttlSeconds;
    this.#clock = options.clock ?? systemClock;
    this.#capacity = options.capacity ?? maxSources;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Returns the source's bucket (a fresh full one when it is new or expired) and refreshes its expiry. */
  touch(source: string): TokenBucket {
    const now = this.#clock.unixSeconds();
    const entries = this.#entries;
    let entry = entries.get(source);
    if (entry !== undefined && entry.expiry <= now) entry = undefined;
    entries.delete(source);
    // Expired entries at the front are gone already for every lookup; dropping them keeps memory bounded.
    for (const [key, first] of entries) {
      if (first.expiry > now) break;
      entries.delete(key);
    }
    if (entries.size >= this.#capacity) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    const bucket = entry?.bucket ?? this.#create();
    entries.set(source, { bucket, expiry: now + this.#ttlSeconds });
    return bucket;
  }
}
