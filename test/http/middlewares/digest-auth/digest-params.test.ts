import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MalformedDigestParameterError, parseDigestParams, parseList, parsePairs } from '../../../../src/http/middlewares/digest-auth/digest-params.js';

describe('parseList', () => {
  // go-http-auth's cases.
  for (const { input, expected } of [
    { input: 'foo, bar', expected: ['foo', 'bar'] },
    { input: 'foo, "bar, baz"', expected: ['foo', '"bar, baz"'] },
    { input: 'a, "b\\"c", d', expected: ['a', '"b"c"', 'd'] },
    { input: 'a,,b', expected: ['a', '', 'b'] },
    { input: 'a, ', expected: ['a', ''] },
    { input: '', expected: [] },
  ]) {
    it(`splits ${JSON.stringify(input)} into ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parseList(input), expected);
    });
  }
});

describe('parsePairs', () => {
  it('unquotes values and keeps bare keys with an empty value', () => {
    assert.deepEqual([...parsePairs('foo=bar, "x", baz="qux, quux", nc=00000001, flag')], [
      ['foo', 'bar'],
      ['"x"', ''],
      ['baz', 'qux, quux'],
      ['nc', '00000001'],
      ['flag', ''],
    ]);
  });

  it('keeps a space before the equals sign in the key', () => {
    assert.deepEqual([...parsePairs('username ="x"')], [['username ', 'x']]);
  });

  it('keeps a value with one quote only', () => {
    assert.deepEqual([...parsePairs('a="b, c=d"')], [['a', 'b, c=d']]);
    assert.deepEqual([...parsePairs('a="b')], [['a', '"b']]);
  });

  for (const input of ['username=', 'username="', 'a=1, b=']) {
    it(`fails on ${JSON.stringify(input)}, where go-http-auth panics`, () => {
      assert.throws(() => parsePairs(input), MalformedDigestParameterError);
    });
  }
});

describe('parseDigestParams', () => {
  it('reads the parameters after a case-sensitive Digest scheme', () => {
    assert.equal(parseDigestParams('Digest username="a"')?.get('username'), 'a');
    assert.equal(parseDigestParams('digest username="a"'), undefined);
    assert.equal(parseDigestParams('Digest'), undefined);
    assert.equal(parseDigestParams(undefined), undefined);
  });
});
