import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration } from '../../../../src/http/middlewares/rate-limit/go-duration.js';

describe('formatGoDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [1, '1ns'],
    [1100, '1.1µs'],
    [2_200_000, '2.2ms'],
    [3_300_000_000, '3.3s'],
    [4 * 60e9 + 5e9, '4m5s'],
    [4 * 60e9 + 5_001_000_000, '4m5.001s'],
    [5 * 3600e9 + 6 * 60e9 + 7_001_000_000, '5h6m7.001s'],
    [8 * 60e9 + 1, '8m0.000000001s'],
    [3600e9, '1h0m0s'],
    [999_999_999, '999.999999ms'],
    [999_872_123, '999.872123ms'],
    [2_999_999_999, '2.999999999s'],
    [-1, '-1ns'],
    [-1_500_000_000, '-1.5s'],
  ];
  for (const [nanoseconds, expected] of cases) {
    it(`writes ${nanoseconds}ns as ${expected}`, () => {
      assert.equal(formatGoDuration(nanoseconds), expected);
    });
  }
});
