import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RendezvousHash } from '../../../src/http/services/highest-random-weight/rendezvous-hash.js';

function ip(index: number): string {
  return `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
}

describe('highest random weight', () => {
  it('gives the same key the same entry every time', () => {
    const hash = new RendezvousHash([{ name: 'first', weight: 1 }, { name: 'second', weight: 1 }, { name: 'third', weight: 1 }]);
    for (let i = 0; i < 50; i++) assert.equal(hash.next(ip(i), () => true), hash.next(ip(i), () => true));
  });

  it('spreads keys by weight: 4:1 gives about 80 % / 20 %', () => {
    const hash = new RendezvousHash([{ name: 'first', weight: 4 }, { name: 'second', weight: 1 }]);
    const counts = [0, 0];
    for (let i = 0; i < 2000; i++) counts[hash.next(ip(i * 7919), () => true)!]!++;
    assert.ok(Math.abs(counts[0]! / 2000 - 0.8) < 0.05, `first got ${counts[0]}`);
  });

  it('moves only the keys of an entry that becomes unavailable', () => {
    const hash = new RendezvousHash([{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }, { name: 'c', weight: 1 }]);
    for (let i = 0; i < 300; i++) {
      const before = hash.next(ip(i), () => true)!;
      const after = hash.next(ip(i), (index) => index !== 2)!;
      if (before !== 2) assert.equal(after, before);
      else assert.notEqual(after, 2);
    }
  });

  it('skips entries with weight 0 and answers nothing when none is available', () => {
    const hash = new RendezvousHash([{ name: 'a', weight: 0 }, { name: 'b', weight: 1 }]);
    assert.equal(hash.next('1.2.3.4', () => true), 1);
    assert.equal(hash.next('1.2.3.4', () => false), undefined);
  });
});
