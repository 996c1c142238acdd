import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Exchange } from '../../../../src/http/exchange.js';
import { errorPageTarget, escapePath, queryEscape } from '../../../../src/http/middlewares/errors/error-page-request.js';

function exchangeFor(host: string, path: string, rawQuery: string, isTls = false): Exchange {
  return { entryPoint: { name: 'web', isTls }, request: { headers: { host } }, path, rawQuery } as unknown as Exchange;
}

describe('queryEscape, as Go\'s url.QueryEscape', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['abc123-_.~', 'abc123-_.~'],
    ['one two', 'one+two'],
    ['http://localhost/test?foo=bar&baz=buz', 'http%3A%2F%2Flocalhost%2Ftest%3Ffoo%3Dbar%26baz%3Dbuz'],
    ["!'()*", '%21%27%28%29%2A'],
    ['caf\u00c3\u00a9', 'caf%C3%A9'],
  ];
  for (const [input, escaped] of cases) {
    it(`escapes ${JSON.stringify(input)} as ${JSON.stringify(escaped)}`, () => {
      assert.equal(queryEscape(input), escaped);
    });
  }
});

describe('escapePath', () => {
  it('keeps what a path may hold and existing escapes', () => {
    assert.equal(escapePath("/a/b%2Fc;d=e@f:g!$&'()*+,[]~"), "/a/b%2Fc;d=e@f:g!$&'()*+,[]~");
  });

  it('escapes spaces, quotes and bytes past ASCII', () => {
    assert.equal(escapePath('/a b"<>\u00e9'), '/a%20b%22%3C%3E%E9');
  });
});

describe('errorPageTarget, as Traefik builds the error page URL', () => {
  const exchange = exchangeFor('localhost', '/test', 'foo=bar&baz=buz');

  it('asks for / without a query', () => {
    assert.deepEqual(errorPageTarget('', 503, 503, exchange), { path: '/', rawQuery: '' });
  });

  it('adds the leading slash a query lacks', () => {
    assert.deepEqual(errorPageTarget('{status}.html', 503, 503, exchange), { path: '/503.html', rawQuery: '' });
  });

  it('keeps one leading slash of a query that has one', () => {
    assert.deepEqual(errorPageTarget('/errors/{status}', 404, 418, exchange), { path: '/errors/404', rawQuery: '' });
  });

  it('fills {status}, {originalStatus} and {url}', () => {
    assert.deepEqual(errorPageTarget('/?status={status}&was={originalStatus}&url={url}', 404, 502, exchange), {
      path: '/',
      rawQuery: 'status=404&was=502&url=http%3A%2F%2Flocalhost%2Ftest%3Ffoo%3Dbar%26baz%3Dbuz',
    });
  });

  it('writes {url} with https on a TLS entryPoint and without ? when there is no query', () => {
    assert.deepEqual(errorPageTarget('/?u={url}', 500, 500, exchangeFor('a.test:8443', '/x%20y', '', true)), { path: '/', rawQuery: 'u=https%3A%2F%2Fa.test%3A8443%2Fx%2520y' });
  });

  it('drops a fragment', () => {
    assert.deepEqual(errorPageTarget('/page#top', 500, 500, exchange), { path: '/page', rawQuery: '' });
  });

  it('escapes what a path cannot hold and sends UTF-8 bytes', () => {
    assert.deepEqual(errorPageTarget('/pages/é {status}', 500, 500, exchange), { path: '/pages/%C3%A9%20500', rawQuery: '' });
  });

  it('refuses an invalid escape in the path, as Go\'s url.Parse', () => {
    assert.equal(errorPageTarget('/%zz', 500, 500, exchange), undefined);
  });

  it('keeps an invalid escape in the query, which Go\'s url.Parse does not check', () => {
    assert.deepEqual(errorPageTarget('/?q=%zz', 500, 500, exchange), { path: '/', rawQuery: 'q=%zz' });
  });

  it('refuses a control character', () => {
    assert.equal(errorPageTarget('/a\tb', 500, 500, exchange), undefined);
  });
});
