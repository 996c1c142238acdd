import { RollingHdrHistogram } from './hdr-histogram.js';
import { RollingCounter, type Clock } from './rolling-counter.js';

// Records of latencies beyond the histogram (about 71 minutes) are dropped from it, as oxy's are.

/**
 * What a circuit breaker knows about the responses it let through, as oxy's RTMetrics keeps it: counts over
 * a rolling 10-second window (all responses, network errors, each status code) and latencies in a rolling
 * histogram of about a minute.
 */
export class RoundTripMetrics {
  readonly #now: Clock;
  readonly #total: RollingCounter;
  readonly #networkErrors: RollingCounter;
  #statusCodes = new Map<number, RollingCounter>();
  readonly #latencies: RollingHdrHistogram;

  constructor(now: Clock) {
    this.#now = now;
    this.#total = new RollingCounter(now);
    this.#networkErrors = new RollingCounter(now);
    this.#latencies = new RollingHdrHistogram(now);
  }

  /** Records one response. 502 and 504 count as network errors, whoever wrote them, as in oxy. */
  record(status: number, latencyMicroseconds: number): void {
    this.#total.increment();
    if (status === 502 || status === 504) this.#networkErrors.increment();
    let counter = this.#statusCodes.get(status);
    if (counter === undefined) {
      counter = new RollingCounter(this.#now);
      this.#statusCodes.set(status, counter);
    }
    counter.increment();
    this.#latencies.record(latencyMicroseconds);
  }

  /** Network errors over all responses in the window; 0 when there were none. */
  networkErrorRatio(): number {
    const total = this.#total.count();
    return total === 0 ? 0 : this.#networkErrors.count() / total;
  }

  /** Responses with a status in [from, to) over those in [dividedByFrom, dividedByTo); 0 when the divisor is 0. */
  responseCodeRatio(from: number, to: number, dividedByFrom: number, dividedByTo: number): number {
    let dividend = 0;
    let divisor = 0;
    for (const [status, counter] of this.#statusCodes) {
      if (status >= from && status < to) dividend += counter.count();
      if (status >= dividedByFrom && status < dividedByTo) divisor += counter.count();
    }
    return divisor === 0 ? 0 : dividend / divisor;
  }

  /** Responses recorded in the window. */
  totalCount(): number {
    return this.#total.count();
  }

  /** Latency at a quantile (0-100), in whole milliseconds. */
  latencyAtQuantileMs(quantile: number): number {
    return Math.trunc(this.#latencies.valueAtQuantile(quantile) / 1000);
  }

  reset(): void {
    this.#latencies.reset();
    this.#total.reset();
    this.#networkErrors.reset();
    this.#statusCodes = new Map();
  }
}
