import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoUrl, parseGoUrl, resolveGoUrl } from '../../../../src/http/middlewares/forward-auth/go-url.js';

function resolve(base: string, reference: string): string | undefined {
  const parsedReference = parseGoUrl(reference);
  return parsedReference === undefined ? undefined : formatGoUrl(resolveGoUrl(parseGoUrl(base)!, parsedReference));
}

describe('Go URL resolution', () => {
  // Cases from Go's url_test.go resolveReferenceTests.
  const base = 'http://a/b/c/d;p?q';
  for (const [reference, expected] of [
    ['g:h', 'g:h'],
    ['g', 'http://a/b/c/g'],
    ['./g', 'http://a/b/c/g'],
    ['g/', 'http://a/b/c/g/'],
    ['/g', 'http://a/g'],
    ['//g', 'http://g'],
    ['?y', 'http://a/b/c/d;p?y'],
    ['g?y', 'http://a/b/c/g?y'],
    ['#s', 'http://a/b/c/d;p?q#s'],
    ['g#s', 'http://a/b/c/g#s'],
    [';x', 'http://a/b/c/;x'],
    ['', 'http://a/b/c/d;p?q'],
    ['.', 'http://a/b/c/'],
    ['./', 'http://a/b/c/'],
    ['..', 'http://a/b/'],
    ['../', 'http://a/b/'],
    ['../g', 'http://a/b/g'],
    ['../..', 'http://a/'],
    ['../../g', 'http://a/g'],
    ['../../../g', 'http://a/g'],
    ['/./g', 'http://a/g'],
    ['/../g', 'http://a/g'],
    ['g.', 'http://a/b/c/g.'],
    ['.g', 'http://a/b/c/.g'],
    ['g..', 'http://a/b/c/g..'],
    ['..g', 'http://a/b/c/..g'],
    ['./../g', 'http://a/b/g'],
    ['./g/.', 'http://a/b/c/g/'],
    ['g/./h', 'http://a/b/c/g/h'],
    ['g/../h', 'http://a/b/c/h'],
    ['g;x=1/./y', 'http://a/b/c/g;x=1/y'],
    ['g;x=1/../y', 'http://a/b/c/y'],
    ['http://example.com', 'http://example.com'],
    ['http://example.com/a/../b', 'http://example.com/b'],
    ['HTTPS://Example.com/x', 'https://Example.com/x'],
    ['/a b', 'http://a/a%20b'],
  ] as const) {
    it(`resolves ${JSON.stringify(reference)} against ${base} to ${expected}`, () => {
      assert.equal(resolve(base, reference), expected);
    });
  }

  it('resolves against a base without a path', () => {
    assert.equal(resolve('http://127.0.0.1:8080', 'login'), 'http://127.0.0.1:8080/login');
    assert.equal(resolve('http://127.0.0.1:8080', '?x=1'), 'http://127.0.0.1:8080?x=1');
  });

  for (const reference of ['/%zz', 'http://a:port/', ':x', '1a:b', '/a\x7f', '/a#%zz']) {
    it(`refuses ${JSON.stringify(reference)}, as Go's url.Parse does`, () => {
      assert.equal(parseGoUrl(reference), undefined);
    });
  }

  it('formats a parsed URL back as it was written', () => {
    for (const text of ['/index.html', '//other.test/x', 'http://user@h:1/p?q#f', 'mailto:a@b', '/p?', 'rel/path']) assert.equal(formatGoUrl(parseGoUrl(text)!), text);
  });
});
