import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from '../../../../src/http/middlewares/rate-limit/token-bucket.js';

const second = 1e9;
const millisecond = 1e6;

describe('TokenBucket', () => {
  it('starts full: average 1, burst 5 serves five at once, then asks the sixth to wait a second', () => {
    const bucket = new TokenBucket(1, 5);

    const delays = Array.from({ length: 6 }, () => bucket.reserve(0).delayFrom(0));

    assert.deepEqual(delays, [0, 0, 0, 0, 0, second]);
  });

  it('queues reservations: each one waits a token period longer than the previous', () => {
    const bucket = new TokenBucket(2, 1);

    const delays = Array.from({ length: 4 }, () => bucket.reserve(0).delayFrom(0));

    assert.deepEqual(delays, [0, 500 * millisecond, 1000 * millisecond, 1500 * millisecond]);
  });

  it('measures the delay from the time it is asked', () => {
    const bucket = new TokenBucket(1, 1);
    bucket.reserve(0);

    const reservation = bucket.reserve(0);

    assert.equal(reservation.delayFrom(300 * millisecond), 700 * millisecond);
    assert.equal(reservation.delayFrom(2 * second), 0);
  });

  it('refills at the rate and never beyond the burst', () => {
    const bucket = new TokenBucket(1, 5);
    for (let i = 0; i < 5; i++) bucket.reserve(0);

    assert.equal(bucket.tokensAt(0), 0);
    assert.equal(bucket.tokensAt(600 * millisecond), 0.6);
    assert.equal(bucket.tokensAt(3 * second), 3);
    assert.equal(bucket.tokensAt(60 * second), 5);
  });

  it('gives a cancelled token back, so a refused request costs nothing', () => {
    const bucket = new TokenBucket(1, 1);
    bucket.reserve(0);
    const refused = bucket.reserve(0);

    refused.cancelAt(0);

    assert.equal(bucket.tokensAt(0), 0);
    assert.equal(bucket.reserve(600 * millisecond).delayFrom(600 * millisecond), 400 * millisecond);
  });

  it('keeps tokens reserved after a cancelled reservation taken', () => {
    const bucket = new TokenBucket(1, 1);
    bucket.reserve(0);
    const first = bucket.reserve(0);
    const later = bucket.reserve(0);

    first.cancelAt(0);

    assert.equal(later.delayFrom(0), 2 * second);
    assert.equal(bucket.tokensAt(0), -2);
  });

  it('does nothing when a reservation is cancelled after its time to act', () => {
    const bucket = new TokenBucket(1, 1);
    bucket.reserve(0);
    const late = bucket.reserve(0);

    late.cancelAt(1500 * millisecond);

    assert.equal(bucket.tokensAt(1500 * millisecond), 0.5);
  });

  it('lets everything through at once with an infinite rate', () => {
    const bucket = new TokenBucket(Infinity, 1);

    const delays = Array.from({ length: 100 }, () => bucket.reserve(0).delayFrom(0));

    assert.ok(delays.every((delay) => delay === 0));
  });

  it('refuses every reservation when the burst is 0, as Go does', () => {
    const bucket = new TokenBucket(1, 0);

    const reservation = bucket.reserve(0);

    assert.equal(reservation.isOk, false);
    assert.equal(reservation.delayFrom(0), Infinity);
  });

  it('reads a clock that went back as the last time it saw', () => {
    const bucket = new TokenBucket(1, 1);
    bucket.reserve(5 * second);

    assert.equal(bucket.reserve(4 * second).delayFrom(5 * second), second);
  });

  it('truncates durations to whole nanoseconds as Go does: 1 token per 3s waits 2.999999999s after 1ns', () => {
    const bucket = new TokenBucket(1 / 3, 1);
    bucket.reserve(0);

    assert.equal(bucket.reserve(1).delayFrom(1), 3 * second - 1);
  });
});
