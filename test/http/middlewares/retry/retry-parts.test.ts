import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigError } from '../../../../src/config/errors.js';
import { exponentialBackoff, zeroBackoff } from '../../../../src/http/middlewares/retry/backoff.js';
import { isInRanges, parseStatusRanges } from '../../../../src/http/middlewares/retry/status-ranges.js';

// Ported from Traefik's types.NewHTTPCodeRanges tests and retry's status validation.
describe('parseStatusRanges', () => {
  it('reads single codes and ranges, inclusive at both ends', () => {
    const ranges = parseStatusRanges(['503', '500-502'], 'status');
    assert.deepEqual(ranges, [[503, 503], [500, 502]]);
    assert.equal(isInRanges(ranges, 500), true);
    assert.equal(isInRanges(ranges, 502), true);
    assert.equal(isInRanges(ranges, 504), false);
  });

  it('ignores what follows a second dash, as Traefik does', () => {
    assert.deepEqual(parseStatusRanges(['500-599-600'], 'status'), [[500, 599]]);
  });

  it('refuses a code that is no number, naming its index', () => {
    assert.throws(
      () => parseStatusRanges(['503', 'abc'], 'status'),
      (error: unknown) => error instanceof ConfigError && error.message === 'status[1]: invalid status code range "abc"; expected a code such as "503" or a range such as "500-599"',
    );
  });

  it('refuses a range without an upper bound', () => {
    assert.throws(() => parseStatusRanges(['500-'], 'status'), ConfigError);
  });
});

describe('exponentialBackoff', () => {
  it('waits within ±50% of an interval that grows to twice the initial one over the attempts', () => {
    const lowest = exponentialBackoff(100, 3, () => 0);
    assert.equal(lowest.next(), 50);
    assert.ok(Math.abs(lowest.next() - 50 * Math.SQRT2) < 1e-9);
    const highest = exponentialBackoff(100, 3, () => 1);
    assert.ok(Math.abs(highest.next() - 150) < 1e-3);
    assert.ok(Math.abs(highest.next() - 150 * Math.SQRT2) < 1e-3);
  });

  it('caps the interval at one minute', () => {
    const backoff = exponentialBackoff(50_000, 2, () => 0.5);
    backoff.next();
    assert.ok(backoff.next() <= 60_000 + 1e-3);
  });

  it('does not wait without an initial interval', () => {
    assert.equal(zeroBackoff.next(), 0);
  });
});
