import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NonceTable, type NonceEntry } from '../../../../src/http/middlewares/digest-auth/nonces.js';

const key = Buffer.alloc(32, 7);

describe('NonceTable', () => {
  it('hands out 16-character base64 nonces and knows them again', () => {
    const table = new NonceTable(key, false);

    const nonce = table.issue();

    assert.match(nonce, /^[A-Za-z0-9+/]{16}$/);
    assert.equal((table.lookup(nonce) as NonceEntry).nc, 0n);
    assert.match(table.opaque, /^[A-Za-z0-9+/]{16}$/);
  });

  it('derives the same opaque value from the same key in every process', () => {
    assert.equal(new NonceTable(key, false).opaque, new NonceTable(key, true).opaque);
    assert.notEqual(new NonceTable(key, false).opaque, new NonceTable(Buffer.alloc(32, 8), false).opaque);
  });

  it('knows only its own nonces with one process', () => {
    const nonce = new NonceTable(key, false).issue();

    assert.equal(new NonceTable(key, false).lookup(nonce), 'unknown');
  });

  it('adopts a recent nonce of another worker with the same key, and refuses other keys and forgeries', () => {
    const issued = 1_700_000_000_000;
    const nonce = new NonceTable(key, true).issue(issued);
    const other = new NonceTable(key, true);

    assert.equal(new NonceTable(Buffer.alloc(32, 8), true).lookup(nonce, issued), 'unknown');
    assert.equal(other.lookup(`${nonce.slice(0, 15)}${nonce[15] === 'A' ? 'B' : 'A'}`, issued), 'unknown');
    assert.equal(other.lookup('not a nonce', issued), 'unknown');
    assert.equal(other.lookup(nonce, issued + 10 * 60_000), 'expired');
    const adopted = other.lookup(nonce, issued + 1000);
    assert.notEqual(typeof adopted, 'string');
    assert.equal(other.lookup(nonce, issued + 2000), adopted);
  });

  it('forgets the least recently seen nonces past 1100, 200 at a time', () => {
    const table = new NonceTable(key, false);
    const nonces = Array.from({ length: 1101 }, (_, index) => table.issue(1_000_000 + index));
    // Seen lately: survives the purge although issued first.
    (table.lookup(nonces[0]!) as { lastSeen: number }).lastSeen = 9_000_000;

    table.issue(2_000_000);

    assert.equal(table.size, 1101 - 200 + 1);
    assert.notEqual(table.lookup(nonces[0]!), 'unknown');
    assert.equal(table.lookup(nonces[1]!), 'unknown');
    assert.notEqual(table.lookup(nonces[201]!), 'unknown');
  });
});
