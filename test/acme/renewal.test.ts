import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDueForRenewal, nextCheckDelay, renewDurations, retryDelay } from '../../src/acme/renewal.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

describe('ACME renewal timing', () => {
  const cases: Array<{ description: string; hours: number; periodMs: number; intervalMs: number }> = [
    { description: 'a year or more: 4 months before, weekly', hours: 365 * 24, periodMs: 120 * day, intervalMs: 7 * day },
    { description: '90 days (the default): 30 days before, daily', hours: 2160, periodMs: 30 * day, intervalMs: day },
    { description: '30 days: 10 days before, every 12 hours', hours: 30 * 24, periodMs: 10 * day, intervalMs: 12 * hour },
    { description: '7 days: 2 days before, every 2 hours', hours: 7 * 24, periodMs: 2 * day, intervalMs: 2 * hour },
    { description: 'a day: 6 hours before, every 10 minutes', hours: 24, periodMs: 6 * hour, intervalMs: 10 * minute },
    { description: 'an hour: 20 minutes before, every minute', hours: 1, periodMs: 20 * minute, intervalMs: minute },
  ];
  for (const { description, hours, periodMs, intervalMs } of cases) {
    it(`renews certificates lasting ${description}, as Traefik`, () => {
      assert.deepEqual(renewDurations(hours), { periodMs, intervalMs });
    });
  }

  it('is due once within the renewal period', () => {
    const durations = renewDurations(2160);
    assert.equal(isDueForRenewal(31 * day, 0, durations), false);
    assert.equal(isDueForRenewal(30 * day, 0, durations), true);
  });

  it('checks again when the next certificate becomes due, if before the interval, ignoring those already due', () => {
    const durations = renewDurations(1);
    assert.equal(nextCheckDelay([], 0, durations), minute);
    assert.equal(nextCheckDelay([20 * minute + 10_000], 0, durations), 10_000);
    assert.equal(nextCheckDelay([5 * minute], 0, durations), minute);
  });

  it('doubles the wait after each failed order, capped at six hours', () => {
    assert.deepEqual([1, 2, 3, 4].map(retryDelay), [30_000, 60_000, 120_000, 240_000]);
    assert.equal(retryDelay(30), 6 * hour);
  });
});
