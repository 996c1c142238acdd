import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { HdrCounts, RollingHdrHistogram, valueAtQuantile } from '../../../../src/http/middlewares/circuit-breaker/hdr-histogram.js';
import { RollingCounter } from '../../../../src/http/middlewares/circuit-breaker/rolling-counter.js';
import { RoundTripMetrics } from '../../../../src/http/middlewares/circuit-breaker/round-trip-metrics.js';

/** A clock that moves only when told, starting on a second boundary. */
function frozenClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

describe('RollingCounter', () => {
  // Ported from oxy's TestRollingCounter_cleanup.
  it('keeps ten seconds of counts and forgets each second as it leaves the window', () => {
    const clock = frozenClock();
    const counter = new RollingCounter(clock.now);
    counter.increment(1);
    for (let i = 0; i < 9; i++) {
      clock.advance(1000);
      counter.increment(10 ** (i + 1));
    }
    assert.equal(counter.count(), 1111111111);

    clock.advance(9000);

    assert.equal(counter.count(), 1000000000);
  });

  it('counts nothing once ten quiet seconds passed', () => {
    const clock = frozenClock();
    const counter = new RollingCounter(clock.now);
    counter.increment(5);
    clock.advance(9999);
    assert.equal(counter.count(), 5);
    clock.advance(1);
    assert.equal(counter.count(), 0);
  });

  it('aligns its buckets on wall-clock seconds', () => {
    const clock = frozenClock(1_700_000_000_900);
    const counter = new RollingCounter(clock.now);
    counter.increment();
    clock.advance(9100);
    assert.equal(counter.count(), 0);
  });

  it('starts from zero after a reset', () => {
    const clock = frozenClock();
    const counter = new RollingCounter(clock.now);
    counter.increment(3);
    counter.reset();
    assert.equal(counter.count(), 0);
    counter.increment();
    assert.equal(counter.count(), 1);
  });
});

describe('HDR histogram', () => {
  // Ported from oxy's TestHDRHistogram_Merge.
  it('reads quantiles over several histograms merged', () => {
    const a = new HdrCounts();
    a.record(1);
    a.record(1);
    const b = new HdrCounts();
    b.record(2);
    assert.equal(valueAtQuantile([a, b], 50), 1);
    assert.equal(valueAtQuantile([a, b], 100), 2);
  });

  it('answers with the highest value equivalent to the recorded one, at two significant figures', () => {
    const histogram = new HdrCounts();
    histogram.record(1_500_000);
    assert.equal(valueAtQuantile([histogram], 50), 1_507_327);
  });

  it('answers 0 at quantile 0, since the rank rounds down to no value', () => {
    const histogram = new HdrCounts();
    histogram.record(1_500_000);
    assert.equal(valueAtQuantile([histogram], 0), 0);
  });

  it('keeps unit precision below 256', () => {
    const histogram = new HdrCounts();
    for (const value of [3, 255, 200]) histogram.record(value);
    assert.equal(valueAtQuantile([histogram], 50), 200);
    assert.equal(valueAtQuantile([histogram], 100), 255);
  });

  it('answers 0 when nothing was recorded', () => {
    assert.equal(valueAtQuantile([new HdrCounts()], 50), 0);
  });

  it('drops values beyond its range of about 71 minutes', () => {
    const histogram = new HdrCounts();
    assert.equal(histogram.record(2 ** 32), false);
    assert.equal(histogram.record(2 ** 32 - 1), true);
    assert.equal(histogram.total, 1);
  });

  it('rounds the rank half up, as HdrHistogram-go does', () => {
    const histogram = new HdrCounts();
    for (const value of [10, 20, 30, 40]) histogram.record(value);
    assert.equal(valueAtQuantile([histogram], 50), 20);
    assert.equal(valueAtQuantile([histogram], 62.5), 30);
  });
});

describe('RollingHdrHistogram', () => {
  it('keeps six periods of ten seconds, clearing the oldest when it moves on', () => {
    const clock = frozenClock();
    const histogram = new RollingHdrHistogram(clock.now);
    histogram.record(5);
    for (let period = 0; period < 5; period++) {
      clock.advance(10_000);
      histogram.record(1);
    }
    assert.equal(histogram.valueAtQuantile(100), 5);

    clock.advance(10_000);
    histogram.record(1);

    assert.equal(histogram.valueAtQuantile(100), 1);
  });

  it('moves on only when a value is recorded', () => {
    const clock = frozenClock();
    const histogram = new RollingHdrHistogram(clock.now);
    histogram.record(7);
    clock.advance(120_000);
    assert.equal(histogram.valueAtQuantile(50), 7);
  });

  it('forgets everything on reset', () => {
    const clock = frozenClock();
    const histogram = new RollingHdrHistogram(clock.now);
    histogram.record(9);
    histogram.reset();
    assert.equal(histogram.valueAtQuantile(100), 0);
  });
});

describe('RoundTripMetrics', () => {
  it('counts 502 and 504 as network errors', () => {
    const metrics = new RoundTripMetrics(frozenClock().now);
    for (const status of [200, 502, 504, 500]) metrics.record(status, 0);
    assert.equal(metrics.networkErrorRatio(), 0.5);
    assert.equal(metrics.totalCount(), 4);
  });

  it('gives ratios of 0 without responses', () => {
    const metrics = new RoundTripMetrics(frozenClock().now);
    assert.equal(metrics.networkErrorRatio(), 0);
    assert.equal(metrics.responseCodeRatio(500, 600, 0, 600), 0);
    assert.equal(metrics.latencyAtQuantileMs(50), 0);
  });

  it('reads latencies in whole milliseconds', () => {
    const metrics = new RoundTripMetrics(frozenClock().now);
    metrics.record(200, 51_000);
    assert.equal(metrics.latencyAtQuantileMs(50), 51);
  });

  it('forgets responses older than ten seconds', () => {
    const clock = frozenClock();
    const metrics = new RoundTripMetrics(clock.now);
    metrics.record(500, 0);
    clock.advance(10_000);
    metrics.record(200, 0);
    assert.equal(metrics.responseCodeRatio(500, 600, 0, 600), 0);
    assert.equal(metrics.totalCount(), 1);
  });
});
