import type { Clock } from './rolling-counter.js';

// The layout oxy gives its latency histograms: values in microseconds from 1 to one hour, two significant
// figures. With these, a value's bucket keeps 256 sub-buckets (unit resolution up to 256, then a relative
// precision under 1%), and 25 buckets cover the range.
const SUB_BUCKET_COUNT = 256;
const SUB_BUCKET_HALF_COUNT = 128;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
const BUCKET_COUNT = 25;
const COUNTS_LENGTH = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

/** Number of bits needed to write `value` (a non-negative integer below 2^53). */
function bitLength(value: number): number {
  if (value < 2 ** 32) return 32 - Math.clz32(value);
  return 32 + (32 - Math.clz32(Math.floor(value / 2 ** 32)));
}

function bucketIndexOf(value: number): number {
  // value | subBucketMask, with the mask 255: values under 256 land in bucket 0.
  return bitLength(Math.max(value, SUB_BUCKET_COUNT - 1)) - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
}

function countsIndexOf(value: number): number {
  const bucket = bucketIndexOf(value);
  const subBucket = Math.floor(value / 2 ** bucket);
  return (bucket + 1) * SUB_BUCKET_HALF_COUNT + subBucket - SUB_BUCKET_HALF_COUNT;
}

function valueAt(bucket: number, subBucket: number): number {
  return subBucket * 2 ** bucket;
}

function lowestEquivalentValue(value: number): number {
  const bucket = bucketIndexOf(value);
  return valueAt(bucket, Math.floor(value / 2 ** bucket));
}

function highestEquivalentValue(value: number): number {
  const bucket = bucketIndexOf(value);
  return lowestEquivalentValue(value) + 2 ** bucket - 1;
}

/**
 * One HDR histogram's counts (HdrHistogram-go's layout), enough to record values and read quantiles the way
 * oxy reads its latency histogram.
 */
export class HdrCounts {
  readonly counts = new Uint32Array(COUNTS_LENGTH);
  total = 0;

  /** Records a value; returns false (and records nothing) when it is beyond the histogram's range. */
  record(value: number): boolean {
    const index = countsIndexOf(Math.max(0, Math.floor(value)));
    if (index < 0 || index >= COUNTS_LENGTH) return false;
    this.counts[index]! += 1;
    this.total += 1;
    return true;
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
  }
}

/**
 * The value at a quantile (0-100) over several histograms merged, as HdrHistogram-go's ValueAtQuantile
 * computes it: the highest value equivalent to the recorded value at that rank, 0 when nothing was recorded.
 */
export function valueAtQuantile(histograms: readonly HdrCounts[], quantile: number): number {
  const percentile = Math.min(quantile, 100);
  let total = 0;
  for (const histogram of histograms) total += histogram.total;
  const countAtPercentile = Math.trunc((percentile / 100) * total + 0.5);
  let countToIndex = 0;
  let value = 0;
  let bucket = 0;
  let subBucket = -1;
  while (countToIndex < countAtPercentile) {
    subBucket++;
    if (subBucket >= SUB_BUCKET_COUNT) {
      subBucket = SUB_BUCKET_HALF_COUNT;
      bucket++;
    }
    const index = (bucket + 1) * SUB_BUCKET_HALF_COUNT + subBucket - SUB_BUCKET_HALF_COUNT;
    if (index >= COUNTS_LENGTH) break;
    for (const histogram of histograms) countToIndex += histogram.counts[index]!;
    value = valueAt(bucket, subBucket);
  }
  return percentile === 0 ? lowestEquivalentValue(value) : highestEquivalentValue(value);
}

const ROLL_PERIOD_MS = 10_000;
const ROLLING_BUCKETS = 6;

/**
 * oxy's RollingHDRHistogram: six histograms, moving to the next (and clearing it) when 10 seconds passed
 * since the last move, checked on each record; quantiles read all six merged.
 */
export class RollingHdrHistogram {
  readonly #buckets = Array.from({ length: ROLLING_BUCKETS }, () => new HdrCounts());
  readonly #now: Clock;
  #index = 0;
  #lastRoll = Number.NEGATIVE_INFINITY;

  constructor(now: Clock) {
    this.#now = now;
  }

  record(value: number): void {
    const now = this.#now();
    if (now - this.#lastRoll >= ROLL_PERIOD_MS) {
      this.#index = (this.#index + 1) % ROLLING_BUCKETS;
      this.#buckets[this.#index]!.reset();
      this.#lastRoll = now;
    }
    this.#buckets[this.#index]!.record(value);
  }

  valueAtQuantile(quantile: number): number {
    return valueAtQuantile(this.#buckets, quantile);
  }

  reset(): void {
    this.#index = 0;
    this.#lastRoll = this.#now();
    for (const bucket of this.#buckets) bucket.reset();
  }
}
