import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../../src/config/errors.js';
import { RateLimiter, rateLimitParameters } from '../../../../src/http/middlewares/rate-limit/rate-limit.js';
import type { RateLimitConfig } from '../../../../src/http/middlewares/rate-limit/rate-limit-schema.js';
import type { Clock } from '../../../../src/http/middlewares/rate-limit/source-buckets.js';

const second = 1e9;
const millisecond = 1e6;

function config(options: Partial<RateLimitConfig>): RateLimitConfig {
  return { average: 0, period: 1000, burst: 1, ...options };
}

/** A clock the test moves, in nanoseconds; Unix seconds follow it from a whole second. */
function manualClock(): Clock & { advance(ns: number): void; readonly time: number } {
  let time = 0;
  return {
    now: () => time,
    unixSeconds: () => 1_000_000 + Math.floor(time / second),
    advance(ns) {
      time += Math.round(ns);
    },
    get time() {
      return time;
    },
  };
}

describe('rateLimitParameters', () => {
  it('does not limit when average is 0', () => {
    assert.equal(rateLimitParameters(config({ average: 0, burst: 10 }), 1).rate, Infinity);
  });

  it('holds for at most half a token period: average 200 gives 2.5ms', () => {
    const parameters = rateLimitParameters(config({ average: 200, burst: 10 }), 1);

    assert.equal(parameters.rate, 200);
    assert.equal(parameters.maxDelay, 2.5 * millisecond);
  });

  it('holds for at most 500ms below one token a second: average 2 per 10s', () => {
    const parameters = rateLimitParameters(config({ average: 2, period: 10_000, burst: 10 }), 1);

    assert.equal(parameters.rate, 0.2);
    assert.equal(parameters.maxDelay, 500 * millisecond);
  });

  it('truncates the rate to whole tokens a second for maxDelay, as Traefik: average 3 per 2s gives 500ms', () => {
    assert.equal(rateLimitParameters(config({ average: 3, period: 2000 }), 1).maxDelay, 500 * millisecond);
  });

  it('raises a burst below 1 to 1', () => {
    assert.equal(rateLimitParameters(config({ average: 1, burst: 0 }), 1).burst, 1);
    assert.equal(rateLimitParameters(config({ average: 1, burst: -3 }), 1).burst, 1);
  });

  it('reads a period of 0 as one second', () => {
    assert.equal(rateLimitParameters(config({ average: 5, period: 0 }), 1).rate, 5);
  });

  it('refuses a negative period', () => {
    assert.throws(() => rateLimitParameters(config({ average: 5, period: -1000 }), 1), new ConfigError('period', 'negative value "-1s" is not valid'));
  });

  it('keeps buckets 2s at one token a second or more, and a token period plus 1s below', () => {
    assert.equal(rateLimitParameters(config({ average: 100 }), 1).ttlSeconds, 2);
    assert.equal(rateLimitParameters(config({ average: 1, period: 3000 }), 1).ttlSeconds, 4);
    assert.equal(rateLimitParameters(config({ average: 1, period: 60_000 }), 1).ttlSeconds, 61);
  });

  it('shares the rate among worker processes so that the average holds for the instance', () => {
    const parameters = rateLimitParameters(config({ average: 100, burst: 10 }), 4);

    assert.equal(parameters.rate, 25);
    assert.equal(parameters.burst, 10);
    assert.equal(parameters.maxDelay, 20 * millisecond);
  });
});

describe('RateLimiter', () => {
  it('average 1, burst 5: five at once, then a one-second wait that is refused and costs no token', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(rateLimitParameters(config({ average: 1, burst: 5 }), 1), clock);

    const delays = Array.from({ length: 7 }, () => limiter.allow('10.0.0.1'));
    clock.advance(600 * millisecond);

    assert.deepEqual(delays, [0, 0, 0, 0, 0, second, second]);
    assert.equal(limiter.allow('10.0.0.1'), 400 * millisecond);
    assert.equal(limiter.allow('10.0.0.1'), 1400 * millisecond);
  });

  it('keeps one bucket per source', () => {
    const limiter = new RateLimiter(rateLimitParameters(config({ average: 1, burst: 1 }), 1), manualClock());

    assert.deepEqual([limiter.allow('a'), limiter.allow('b'), limiter.allow('a')], [0, 0, second]);
  });

  it('forgets an idle source after its TTL: it starts again with a full bucket', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(rateLimitParameters(config({ average: 1, burst: 5 }), 1), clock);
    for (let i = 0; i < 5; i++) limiter.allow('a');

    clock.advance(1100 * millisecond);
    const afterOneSecond = [limiter.allow('a'), limiter.allow('a')];
    clock.advance(2 * second);
    const afterTtl = Array.from({ length: 5 }, () => limiter.allow('a'));

    // 0.1 token short: Go's float arithmetic makes it 1ns less than 900ms.
    assert.deepEqual(afterOneSecond, [0, 900 * millisecond - 1]);
    assert.deepEqual(afterTtl, [0, 0, 0, 0, 0]);
  });

  /**
   * Traefik's TestInMemoryRateLimit on a simulated clock: requests arrive at `incomingLoad` a second
   * (the first `burst` of them as fast as they are served); a held request keeps the sender waiting as the Go handler does.
   * The count that went through must be rate × duration + burst, within 5% below and 2% above.
   */
  const loads: Array<{ description: string; average: number; periodMs?: number; burst?: number; loadSeconds: number; incomingLoad: number; initialBurst?: number }> = [
    { description: 'average is respected', average: 100, burst: 1, loadSeconds: 2, incomingLoad: 400 },
    { description: 'burst allowed, no bursty traffic', average: 100, burst: 100, loadSeconds: 2, incomingLoad: 200 },
    { description: 'burst allowed, initial burst, under capacity', average: 100, burst: 100, loadSeconds: 2, incomingLoad: 200, initialBurst: 50 },
    { description: 'burst allowed, initial burst, over capacity', average: 100, burst: 100, loadSeconds: 2, incomingLoad: 200, initialBurst: 150 },
    { description: 'burst over average, initial burst, over capacity', average: 100, burst: 200, loadSeconds: 2, incomingLoad: 200, initialBurst: 300 },
    { description: 'lower than 1/s', average: 5, periodMs: 10_000, loadSeconds: 2, incomingLoad: 100 },
    { description: 'lower than 1/s, longer', average: 5, periodMs: 10_000, loadSeconds: 60, incomingLoad: 100 },
    { description: 'lower than 1/s, longer, harsher', average: 1, periodMs: 60_000, loadSeconds: 60, incomingLoad: 100 },
    { description: 'period below 1 second', average: 50, periodMs: 500, loadSeconds: 2, incomingLoad: 300 },
  ];
  for (const load of loads) {
    it(`lets the expected share of a load through: ${load.description}`, () => {
      const clock = manualClock();
      const parameters = rateLimitParameters(config({ average: load.average, period: load.periodMs ?? 1000, burst: load.burst ?? 0 }), 1);
      const limiter = new RateLimiter(parameters, clock);
      const tick = second / load.incomingLoad;
      const end = load.loadSeconds * second;
      let passed = 0;
      let nextTick = tick;
      while (clock.time <= end) {
        const delay = limiter.allow('127.0.0.1')!;
        // Serving a request takes a little time, as it does in Go.
        clock.advance(20_000);
        if (delay <= parameters.maxDelay) {
          clock.advance(delay);
          passed += 1;
        }
        if (load.initialBurst !== undefined && passed < load.initialBurst) continue;
        // A ticker drops the ticks its reader missed and delivers the next one.
        while (nextTick <= clock.time) nextTick += tick;
        clock.advance(nextTick - clock.time);
      }

      const rate = load.average / ((load.periodMs ?? 1000) / 1000);
      const wanted = Math.trunc(rate * load.loadSeconds) + Math.max(load.burst ?? 0, 1);
      assert.ok(passed >= (wanted * 95) / 100 && passed <= (wanted * 102) / 100, `${passed} went through, wanted about ${wanted}`);
    });
  }
});
