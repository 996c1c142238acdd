import type { Predicate } from '../expression/predicate.js';
import { RoundTripMetrics } from './round-trip-metrics.js';
import type { Clock } from './rolling-counter.js';

/** Traefik's names: closed (standby in oxy), open (tripped), recovering. */
export type BreakerState = 'standby' | 'tripped' | 'recovering';

export interface BreakerTimings {
  readonly checkPeriodMs: number;
  readonly fallbackDurationMs: number;
  readonly recoveryDurationMs: number;
}

/**
 * Lets a linearly growing share of requests through while recovering, as oxy's ratio controller does: a
 * request passes when passing it keeps the share of passed requests under 0.5 × elapsed / duration.
 */
export class RatioController {
  readonly #durationMs: number;
  readonly #start: number;
  readonly #now: Clock;
  #allowed = 0;
  #denied = 0;

  constructor(durationMs: number, now: Clock) {
    this.#durationMs = durationMs;
    this.#now = now;
    this.#start = now();
  }

  /** The share of requests to let through by now. */
  targetRatio(): number {
    return (0.5 / this.#durationMs) * (this.#now() - this.#start);
  }

  allowRequest(): boolean {
    const ratio = (this.#allowed + 1) / (this.#allowed + 1 + this.#denied);
    if (ratio < this.targetRatio()) {
      this.#allowed++;
      return true;
    }
    this.#denied++;
    return false;
  }
}

/**
 * The state of one circuit breaker (one per router), as oxy's cbreaker keeps it. Closed, it records every
 * response and, at most once per check period, evaluates the expression after a response; when it holds,
 * the breaker opens for the fallback duration and forgets its metrics. Then it recovers: a growing share of
 * requests passes for the recovery duration, the expression still checked after each; it closes at the end
 * unless the expression opened it again.
 */
export class Breaker {
  readonly metrics: RoundTripMetrics;
  readonly #condition: Predicate<RoundTripMetrics>;
  readonly #timings: BreakerTimings;
  readonly #now: Clock;
  readonly #onChange: (state: BreakerState) => void;
  #state: BreakerState = 'standby';
  #until = 0;
  #lastCheck = Number.NEGATIVE_INFINITY;
  #ratio: RatioController | undefined;

  constructor(condition: Predicate<RoundTripMetrics>, timings: BreakerTimings, now: Clock = Date.now, onChange: (state: BreakerState) => void = () => undefined) {
    this.#condition = condition;
    this.#timings = timings;
    this.#now = now;
    this.#onChange = onChange;
    this.metrics = new RoundTripMetrics(now);
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Tells whether this request gets the fallback answer instead of reaching the service. */
  shouldFallback(): boolean {
    if (this.#state === 'standby') return false;
    const now = this.#now();
    if (this.#state === 'tripped') {
      if (now < this.#until) return true;
      this.#setState('recovering', now + this.#timings.recoveryDurationMs);
      this.#ratio = new RatioController(this.#timings.recoveryDurationMs, this.#now);
    }
    if (now > this.#until) {
      this.#setState('standby', now);
      return false;
    }
    return !this.#ratio!.allowRequest();
  }

  /** Records a response that went through, then checks the expression if a check period has passed. */
  record(status: number, latencyMicroseconds: number): void {
    this.metrics.record(status, latencyMicroseconds);
    const now = this.#now();
    if (now <= this.#lastCheck) return;
    this.#lastCheck = now + this.#timings.checkPeriodMs;
    if (this.#state === 'tripped') return;
    if (!this.#condition(this.metrics)) return;
    this.#setState('tripped', now + this.#timings.fallbackDurationMs);
    this.metrics.reset();
  }

  #setState(state: BreakerState, until: number): void {
    this.#state = state;
    this.#until = until;
    this.#onChange(state);
  }
}
