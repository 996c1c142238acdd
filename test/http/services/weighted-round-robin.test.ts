import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WeightedRoundRobin } from '../../../src/http/services/load-balancer/weighted-round-robin.js';

function picks(weights: Record<string, number>, count: number): string[] {
  const picker = new WeightedRoundRobin(Object.entries(weights).map(([item, weight]) => ({ item, weight })));
  return Array.from({ length: count }, () => picker.next()!);
}

describe('WeightedRoundRobin', () => {
  it('spreads 11:3 evenly from the start, in the exact order of Traefik\'s TestBalancerBias', () => {
    assert.deepEqual(picks({ A: 11, B: 3 }, 14), ['A', 'A', 'A', 'B', 'A', 'A', 'A', 'A', 'B', 'A', 'A', 'A', 'B', 'A']);
  });

  it('gives exactly 3 of every 4 picks to a server weighted 3 against 1', () => {
    const sequence = picks({ heavy: 3, light: 1 }, 400);
    assert.equal(sequence.filter((item) => item === 'heavy').length, 300);
    assert.deepEqual(sequence.slice(0, 8), ['heavy', 'heavy', 'light', 'heavy', 'heavy', 'heavy', 'heavy', 'light']);
  });

  it('gives each of three equal servers one pick in every round of three', () => {
    const sequence = picks({ a: 1, b: 1, c: 1 }, 9);
    for (let round = 0; round < 3; round++) assert.deepEqual([...sequence.slice(round * 3, round * 3 + 3)].sort(), ['a', 'b', 'c']);
  });

  it('skips servers with a weight of zero and returns nothing when none is left', () => {
    assert.deepEqual(picks({ on: 1, off: 0 }, 3), ['on', 'on', 'on']);
    assert.equal(new WeightedRoundRobin([{ item: 'off', weight: 0 }]).next(), undefined);
  });

  it('passes over unavailable servers', () => {
    const picker = new WeightedRoundRobin([{ item: 'down', weight: 5 }, { item: 'up', weight: 1 }]);
    assert.deepEqual([picker.next((item) => item !== 'down'), picker.next((item) => item !== 'down')], ['up', 'up']);
  });
});
