import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { SpillBuffer } from '../../../../src/http/middlewares/buffering/spill-buffer.js';

async function readAll(buffer: SpillBuffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of buffer.chunks()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('SpillBuffer', () => {
  it('keeps a body under the threshold in memory', async () => {
    const buffer = new SpillBuffer(10);
    assert.equal(buffer.append(Buffer.from('hello')), true);
    assert.equal(buffer.isInMemory, true);
    assert.equal(buffer.contents().toString(), 'hello');
    assert.equal((await readAll(buffer)).toString(), 'hello');
  });

  it('writes what exceeds the threshold to a file and reads it back whole, as often as asked', async () => {
    const buffer = new SpillBuffer(4);
    const body = Buffer.from('0123456789'.repeat(20_000));
    for (let offset = 0; offset < body.length; offset += 7000) buffer.append(body.subarray(offset, offset + 7000));
    await buffer.settled();
    assert.equal(buffer.isInMemory, false);
    assert.equal(buffer.size, body.length);
    assert.deepEqual(await readAll(buffer), body);
    assert.deepEqual(await readAll(buffer), body);
    buffer.close();
  });

  it('tells when a file write is under way and when it is done', async () => {
    const buffer = new SpillBuffer(1);
    assert.equal(buffer.append(Buffer.from('abc')), false);
    await new Promise<void>((resolve) => buffer.onceWritten(resolve));
    assert.equal((await readAll(buffer)).toString(), 'abc');
    buffer.close();
  });
});
