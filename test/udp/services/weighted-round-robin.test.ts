import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InterleavedRoundRobin } from '../../../src/udp/services/weighted-round-robin.js';

function picks(entries: ReadonlyArray<readonly [string, number]>, count: number): Array<string | undefined> {
  const picker = new InterleavedRoundRobin(entries.map(([item, weight]) => ({ item, weight })));
  return Array.from({ length: count }, () => picker.next());
}

describe('UDP interleaved weighted round robin', () => {
  const cases = [
    { description: 'equal weights alternate in declared order', entries: [['a', 1], ['b', 1]], expected: 'a b a b a b' },
    { description: 'weights 3 and 1 give a a a b', entries: [['a', 3], ['b', 1]], expected: 'a a a b a a a b' },
    { description: 'weights 1 and 3 give the heavier one the first turns', entries: [['a', 1], ['b', 3]], expected: 'b b a b b b a b' },
    { description: 'weights 2 and 4 reduce by their common divisor', entries: [['a', 2], ['b', 4]], expected: 'b a b b a b' },
    { description: 'weights 5, 1, 1 interleave by levels', entries: [['a', 5], ['b', 1], ['c', 1]], expected: 'a a a a a b c a a a a a b c' },
    { description: 'a weight of 0 is never picked', entries: [['a', 0], ['b', 2]], expected: 'b b b' },
  ] as const;
  for (const { description, entries, expected } of cases) {
    it(description, () => {
      assert.equal(picks(entries, expected.split(' ').length).join(' '), expected);
    });
  }

  it('picks nothing when every weight is 0', () => {
    assert.deepEqual(picks([['a', 0], ['b', 0]], 2), [undefined, undefined]);
  });

  it('picks nothing from an empty pool', () => {
    assert.deepEqual(picks([], 1), [undefined]);
  });
});
