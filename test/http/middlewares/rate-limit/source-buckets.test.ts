import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceBuckets, type Clock } from '../../../../src/http/middlewares/rate-limit/source-buckets.js';
import { TokenBucket } from '../../../../src/http/middlewares/rate-limit/token-bucket.js';

/** A clock the test moves: monotonic nanoseconds and Unix seconds from one wall time. */
function manualClock(startUnixMs = 1_000_000): Clock & { advance(ms: number): void } {
  let wallMs = startUnixMs;
  return {
    now: () => (wallMs - startUnixMs) * 1e6,
    unixSeconds: () => Math.floor(wallMs / 1000),
    advance(ms) {
      wallMs += ms;
    },
  };
}

function bucketsWith(clock: Clock, ttlSeconds: number, capacity?: number): SourceBuckets {
  return new SourceBuckets({ create: () => new TokenBucket(1, 1), ttlSeconds, clock, ...(capacity !== undefined ? { capacity } : {}) });
}

describe('SourceBuckets', () => {
  it('returns the same bucket for a source while it is used', () => {
    const clock = manualClock();
    const buckets = bucketsWith(clock, 2);

    const first = buckets.touch('10.0.0.1');
    clock.advance(1400);
    const second = buckets.touch('10.0.0.1');
    clock.advance(1400);

    assert.equal(buckets.touch('10.0.0.1'), first);
    assert.equal(second, first);
  });

  it('forgets a bucket once the Unix second of its expiry is reached, as Traefik\'s ttlmap', () => {
    const clock = manualClock(1_000_900);
    const buckets = bucketsWith(clock, 2);
    const first = buckets.touch('10.0.0.1');

    // Last use at second 1000.9: the entry expires at second 1002, 1.1s later.
    clock.advance(1000);
    assert.equal(buckets.touch('10.0.0.1'), first);
    clock.advance(1100);
    assert.notEqual(buckets.touch('10.0.0.1'), first);
  });

  it('keeps a bucket until its TTL when the last use was at the start of a second', () => {
    const clock = manualClock(1_000_000);
    const buckets = bucketsWith(clock, 2);
    const first = buckets.touch('10.0.0.1');

    clock.advance(1999);

    assert.equal(buckets.touch('10.0.0.1'), first);
  });

  it('keeps a bucket per source', () => {
    const buckets = bucketsWith(manualClock(), 2);

    assert.notEqual(buckets.touch('10.0.0.1'), buckets.touch('10.0.0.2'));
    assert.equal(buckets.size, 2);
  });

  it('drops the source closest to expiry to make room when full', () => {
    const clock = manualClock();
    const buckets = bucketsWith(clock, 10, 2);
    const first = buckets.touch('a');
    clock.advance(1000);
    const second = buckets.touch('b');
    clock.advance(1000);
    buckets.touch('a');

    buckets.touch('c');

    assert.equal(buckets.size, 2);
    assert.equal(buckets.touch('a'), first);
    assert.notEqual(buckets.touch('b'), second);
  });

  it('drops expired sources as it goes', () => {
    const clock = manualClock();
    const buckets = bucketsWith(clock, 2);
    for (let i = 0; i < 100; i++) buckets.touch(`10.0.0.${i}`);

    clock.advance(5000);
    buckets.touch('10.0.1.1');

    assert.equal(buckets.size, 1);
  });
});
