/**
 * A token bucket with the arithmetic of Go's `golang.org/x/time/rate.Limiter`, which Traefik's rateLimit
 * uses: the same float64 token counts and the same whole-nanosecond durations, so delays, `Retry-After` and
 * `X-Retry-In` come out as Traefik computes them. Times are monotonic nanoseconds given by the caller.
 */

/** Nanoseconds needed to gather `tokens` at `limit` tokens a second, truncated as Go converts to a Duration. */
function durationFromTokens(limit: number, tokens: number): number {
  return Math.trunc(1e9 * (tokens / limit));
}

/** Tokens gathered in `duration` nanoseconds; whole seconds and the rest apart, as Go does against rounding. */
function tokensFromDuration(limit: number, duration: number): number {
  const remainder = duration % 1e9;
  const seconds = (duration - remainder) / 1e9;
  return seconds * limit + (remainder * limit) / 1e9;
}

/** A reservation of one token: when it may be used, or that it cannot be granted. */
export class Reservation {
  readonly isOk: boolean;
  /** Monotonic time at which the request may proceed. */
  readonly timeToAct: number;
  readonly #bucket: TokenBucket;
  readonly #tokens: number;
  readonly #limit: number;

  constructor(bucket: TokenBucket, isOk: boolean, tokens: number, timeToAct: number, limit: number) {
    this.#bucket = bucket;
    this.isOk = isOk;
    this.#tokens = tokens;
    this.timeToAct = timeToAct;
    this.#limit = limit;
  }

  /** Returns the nanoseconds to wait from `now`; Infinity when the reservation is not OK. */
  delayFrom(now: number): number {
    if (!this.isOk) return Infinity;
    return Math.max(0, this.timeToAct - now);
  }

  /** Gives the token back, as far as later reservations allow (Go's `CancelAt`). */
  cancelAt(now: number): void {
    if (!this.isOk) return;
    this.#bucket.restore(now, this.#tokens, this.timeToAct, this.#limit);
  }
}

/** A bucket of `burst` tokens, initially full, refilled at `limit` tokens a second; Infinity means no limit. */
export class TokenBucket {
  readonly #limit: number;
  readonly #burst: number;
  #tokens = 0;
  /** When `#tokens` was last updated; minus infinity stands for Go's zero time (a full bucket). */
  #last = -Infinity;
  /** The latest time of a rate-limited event, past or future. */
  #lastEvent = -Infinity;

  constructor(limit: number, burst: number) {
    this.#limit = limit;
    this.#burst = burst;
  }

  /** Reserves one token at `now` (Go's `Reserve`): the reservation says how long to wait before acting. */
  reserve(now: number): Reservation {
    if (this.#limit === Infinity) return new Reservation(this, true, 1, now, this.#limit);
    const advanced = this.#advance(now);
    const tokens = advanced.tokens - 1;
    const wait = tokens < 0 ? durationFromTokens(this.#limit, -tokens) : 0;
    const isOk = 1 <= this.#burst;
    if (!isOk) {
      this.#last = advanced.last;
      return new Reservation(this, false, 0, 0, this.#limit);
    }
    const timeToAct = advanced.now + wait;
    this.#last = advanced.now;
    this.#tokens = tokens;
    this.#lastEvent = timeToAct;
    return new Reservation(this, true, 1, timeToAct, this.#limit);
  }

  /** Tokens available at `now`, without changing the bucket (for tests and diagnostics). */
  tokensAt(now: number): number {
    return this.#limit === Infinity ? this.#burst : this.#advance(now).tokens;
  }

  /** Undoes a reservation made at `timeToAct` for `count` tokens (Go's `Reservation.CancelAt`). */
  restore(now: number, count: number, timeToAct: number, limit: number): void {
    if (this.#limit === Infinity || count === 0 || timeToAct < now) return;
    // Tokens reserved after this reservation stay taken.
    const restored = count - tokensFromDuration(limit, this.#lastEvent - timeToAct);
    if (restored <= 0) return;
    const advanced = this.#advance(now);
    this.#last = advanced.now;
    this.#tokens = Math.min(this.#burst, advanced.tokens + restored);
    if (timeToAct === this.#lastEvent) {
      const previousEvent = timeToAct + durationFromTokens(limit, -count);
      if (previousEvent >= advanced.now) this.#lastEvent = previousEvent;
    }
  }

  /** The bucket's state after time passed until `now`, not stored (Go's `advance`). */
  #advance(now: number): { now: number; last: number; tokens: number } {
    const last = this.#last;
    if (now < last) return { now: last, last, tokens: this.#tokens };
    // Capping the elapsed time avoids overflowing when the last update is long ago.
    const maxElapsed = durationFromTokens(this.#limit, this.#burst - this.#tokens);
    const elapsed = Math.min(now - last, maxElapsed);
    const tokens = Math.min(this.#burst, this.#tokens + tokensFromDuration(this.#limit, elapsed));
    return { now, last, tokens };
  }
}
