import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Breaker, RatioController, type BreakerState } from '../../../../src/http/middlewares/circuit-breaker/breaker.js';
import { compileBreakerExpression } from '../../../../src/http/middlewares/circuit-breaker/breaker-expression.js';

function frozenClock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

const defaults = { checkPeriodMs: 100, fallbackDurationMs: 10_000, recoveryDurationMs: 10_000 };

/** A breaker on `NetworkErrorRatio() > 0.5`, with the transitions it went through. */
function networkBreaker(clock: ReturnType<typeof frozenClock>, timings = defaults): { breaker: Breaker; states: BreakerState[] } {
  const states: BreakerState[] = [];
  const breaker = new Breaker(compileBreakerExpression('NetworkErrorRatio() > 0.5'), timings, clock.now, (state) => states.push(state));
  return { breaker, states };
}

/** Sends `count` requests: those let through are answered with `status`; returns how many went through. */
function send(breaker: Breaker, count: number, status: number): number {
  let passed = 0;
  for (let i = 0; i < count; i++) {
    if (breaker.shouldFallback()) continue;
    passed++;
    breaker.record(status, 0);
  }
  return passed;
}

// Ported from oxy's cbreaker_test.go.
describe('Breaker', () => {
  it('stays closed while the expression does not hold', () => {
    const clock = frozenClock();
    const { breaker } = networkBreaker(clock);
    assert.equal(send(breaker, 10, 200), 10);
    assert.equal(breaker.state, 'standby');
  });

  it('goes through a full cycle: open for the fallback duration, recovering, then closed', () => {
    const clock = frozenClock();
    const { breaker, states } = networkBreaker(clock);
    send(breaker, 1, 504);
    assert.equal(breaker.state, 'tripped');

    clock.advance(9000);
    assert.equal(breaker.shouldFallback(), true);
    assert.equal(breaker.state, 'tripped');

    clock.advance(1001);
    assert.equal(breaker.shouldFallback(), true);
    assert.equal(breaker.state, 'recovering');

    clock.advance(5000);
    const allowed = send(breaker, 100, 200);
    assert.ok(allowed > 0 && allowed < 100, `allowed ${allowed}`);

    clock.advance(5001);
    assert.equal(breaker.shouldFallback(), false);
    assert.equal(breaker.state, 'standby');
    assert.deepEqual(states, ['tripped', 'recovering', 'standby']);
  });

  it('opens again when the expression holds while recovering', () => {
    const clock = frozenClock();
    const { breaker, states } = networkBreaker(clock, { ...defaults, checkPeriodMs: 0.001 });
    send(breaker, 1, 504);
    clock.advance(10_001);
    assert.equal(breaker.shouldFallback(), true);
    assert.equal(breaker.state, 'recovering');

    clock.advance(5000);
    let allowed = 0;
    for (let i = 0; i < 100; i++) {
      if (breaker.shouldFallback()) continue;
      allowed++;
      breaker.record(504, 0);
      clock.advance(1);
    }

    assert.notEqual(allowed, 0);
    assert.equal(breaker.state, 'tripped');
    assert.deepEqual(states, ['tripped', 'recovering', 'tripped']);
  });

  it('checks the expression at most once per check period', () => {
    const clock = frozenClock();
    const { breaker } = networkBreaker(clock);
    breaker.record(200, 0);
    breaker.record(504, 0);
    breaker.record(504, 0);
    assert.equal(breaker.state, 'standby');
    clock.advance(100);
    breaker.record(504, 0);
    assert.equal(breaker.state, 'standby');
    clock.advance(1);
    breaker.record(504, 0);
    assert.equal(breaker.state, 'tripped');
  });

  it('forgets its metrics when it opens', () => {
    const clock = frozenClock();
    const { breaker } = networkBreaker(clock);
    send(breaker, 1, 504);
    assert.equal(breaker.metrics.totalCount(), 0);
  });

  it('requires a minimum of requests with RequestThreshold()', () => {
    const clock = frozenClock();
    const breaker = new Breaker(compileBreakerExpression('NetworkErrorRatio() > 0.5 && RequestThreshold() >= 20'), defaults, clock.now);
    for (let i = 0; i < 18; i++) breaker.metrics.record(504, 0);
    breaker.record(504, 0);
    assert.equal(breaker.state, 'standby');
    clock.advance(101);
    breaker.record(504, 0);
    assert.equal(breaker.state, 'tripped');
  });
});

// Ported from oxy's Test_ratioController_rampUp.
describe('RatioController', () => {
  it('lets through a share of requests that follows the target ratio to within 0.05', () => {
    const clock = frozenClock();
    const controller = new RatioController(10_000, clock.now);
    let allowed = 0;
    let denied = 0;
    for (let i = 0; i < 10_000; i++) {
      if (controller.allowRequest()) allowed++;
      else denied++;
      const ratio = allowed / (allowed + denied);
      assert.ok(Math.abs(controller.targetRatio() - ratio) < 0.05, `at ${i} ms: ${ratio} vs ${controller.targetRatio()}`);
      clock.advance(1);
    }
  });

  it('denies the first request', () => {
    const controller = new RatioController(10_000, frozenClock().now);
    assert.equal(controller.allowRequest(), false);
  });
});
