import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readBody, tooLarge } from '../../../../src/http/middlewares/forward-auth/request-body.js';

describe('readBody', () => {
  it('reads a stream to its end when no limit is set', async () => {
    assert.deepEqual(await readBody(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), -1), Buffer.from('abcd'));
  });

  it('accepts a body of exactly the limit and refuses one byte more', async () => {
    assert.deepEqual(await readBody(Readable.from([Buffer.from('abcd')]), 4), Buffer.from('abcd'));
    assert.equal(await readBody(Readable.from([Buffer.from('abcde')]), 4), tooLarge);
    assert.equal(await readBody(Buffer.from('abcde'), 4), tooLarge);
  });

  it('pauses a stream it stops reading instead of destroying it', async () => {
    const stream = Readable.from([Buffer.from('abc'), Buffer.from('def')]);

    assert.equal(await readBody(stream, 1), tooLarge);
    assert.equal(stream.destroyed, false);
    assert.equal(stream.isPaused(), true);
  });

  it('reads an ended stream as empty', async () => {
    const stream = Readable.from([]);
    stream.resume();
    await new Promise((resolve) => stream.once('end', resolve));

    assert.deepEqual(await readBody(stream, 10), Buffer.alloc(0));
  });
});
