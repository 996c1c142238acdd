import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHeaderName, checkHeaderValue, firstHeaderValue, wireValue } from '../../../../src/http/middlewares/headers/header-fields.js';

describe('checkHeaderName', () => {
  for (const name of ['X-Custom', 'Content-Type', "x!#$%&'*+.^_`|~9"]) {
    it(`accepts ${JSON.stringify(name)}`, () => {
      assert.equal(checkHeaderName(name), undefined);
    });
  }
  for (const name of ['', 'X Custom', 'X-Host:', 'Ünicode', 'a\nb']) {
    it(`refuses ${JSON.stringify(name)}`, () => {
      assert.equal(checkHeaderName(name), `invalid header name ${JSON.stringify(name)}`);
    });
  }
});

describe('checkHeaderValue', () => {
  it('accepts text, tabs, UTF-8 and the empty value', () => {
    for (const value of ['', 'a value', 'a\tb', 'héllo ☃']) assert.equal(checkHeaderValue(value), undefined);
  });

  it('refuses line breaks and other control characters', () => {
    for (const value of ['a\nb', 'a\rb', 'a\u0000b', 'a\u007fb']) {
      assert.equal(checkHeaderValue(value), `invalid header value ${JSON.stringify(value)}: control characters are not allowed`);
    }
  });
});

describe('wireValue', () => {
  it('leaves ASCII as it is', () => {
    assert.equal(wireValue('max-age=1; preload'), 'max-age=1; preload');
  });

  it('spells UTF-8 bytes as Latin-1 characters, which Node writes one byte each', () => {
    assert.equal(wireValue('é'), '\u00c3\u00a9');
  });
});

describe('firstHeaderValue, as Go\'s Header.Get', () => {
  it('gives a single value as it is, commas included', () => {
    assert.equal(firstHeaderValue({ headers: { origin: 'a, b' }, headersDistinct: { origin: ['a, b'] } }, 'origin'), 'a, b');
  });

  it('gives the first of values Node joined', () => {
    assert.equal(firstHeaderValue({ headers: { 'access-control-request-method': 'GET, OPTIONS' }, headersDistinct: { 'access-control-request-method': ['GET', 'OPTIONS'] } }, 'access-control-request-method'), 'GET');
  });

  it('gives the value a middleware set when it no longer matches what arrived', () => {
    assert.equal(firstHeaderValue({ headers: { origin: 'x, y' }, headersDistinct: { origin: ['a', 'b'] } }, 'origin'), 'x, y');
  });

  it('gives the first element of a list and undefined for a missing header', () => {
    assert.equal(firstHeaderValue({ headers: { 'set-cookie': ['a=1', 'b=2'] }, headersDistinct: {} }, 'set-cookie'), 'a=1');
    assert.equal(firstHeaderValue({ headers: {}, headersDistinct: {} }, 'origin'), undefined);
  });
});
