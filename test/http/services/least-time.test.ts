import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeastTime } from '../../../src/http/services/load-balancer/least-time.js';

const all = (): boolean => true;

describe('LeastTime', () => {
  it('without samples, falls back to Traefik’s round robin among the tied servers (staggered start deadlines)', () => {
    const picker = new LeastTime([1, 1]);
    // Deadlines start at 1 and 2; a tie goes to the first server listed.
    assert.deepEqual(Array.from({ length: 6 }, () => picker.next(all)), [0, 0, 1, 0, 1, 0]);
  });

  it('prefers the server with the lower average time to first byte', () => {
    const picker = new LeastTime([1, 1]);
    picker.recordFirstByte(0, 80);
    picker.recordFirstByte(1, 10);
    assert.equal(picker.next(all), 1);
    assert.equal(picker.next(all), 1);
  });

  it('weighs the average by requests in flight and by weight', () => {
    const picker = new LeastTime([1, 1]);
    picker.recordFirstByte(0, 30);
    picker.recordFirstByte(1, 20);
    picker.started(1);
    picker.started(1);
    // Server 1 scores 20 × 3 = 60 against 30.
    assert.equal(picker.next(all), 0);
    picker.finished(1);
    picker.finished(1);
    assert.equal(picker.next(all), 1);

    const weighted = new LeastTime([4, 1]);
    weighted.recordFirstByte(0, 100);
    weighted.recordFirstByte(1, 30);
    // 100 / 4 = 25 beats 30 / 1.
    assert.equal(weighted.next(all), 0);
  });

  it('skips unavailable and zero-weight servers', () => {
    const picker = new LeastTime([1, 0, 1]);
    assert.equal(picker.next((index) => index !== 0), 2);
    assert.equal(picker.next(() => false), undefined);
  });
});
