import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goRedirect } from '../../../../src/http/middlewares/forward-auth/go-redirect.js';

describe('goRedirect', () => {
  for (const { target, path, location } of [
    { target: 'https://auth.example.com/login', path: '/a/b', location: 'https://auth.example.com/login' },
    { target: '/login', path: '/a/b', location: '/login' },
    { target: 'login', path: '/a/b', location: '/a/login' },
    { target: '../login/', path: '/a/b/c', location: '/a/login/' },
    { target: './x?y=../z', path: '/a/', location: '/a/x?y=../z' },
    { target: '', path: '/a/b', location: '/a/' },
    { target: '//other.test/login', path: '/a', location: '//other.test/login' },
    { target: '/caf\u00e9', path: '/', location: '/caf%C3%A9' },
  ]) {
    it(`sends ${JSON.stringify(target)} requested from ${path} to ${location}`, () => {
      assert.equal(goRedirect(target, 'GET', path).location, location);
    });
  }

  it('writes the HTML body for GET only, and the Content-Type for GET and HEAD', () => {
    const forGet = goRedirect('/a?b=1&c="2"', 'GET', '/');
    assert.equal(forGet.body.toString(), '<a href="/a?b=1&amp;c=&#34;2&#34;">Found</a>.\n\n');
    assert.equal(forGet.contentType, 'text/html; charset=utf-8');
    assert.equal(goRedirect('/a', 'HEAD', '/').contentType, 'text/html; charset=utf-8');
    assert.equal(goRedirect('/a', 'HEAD', '/').body.length, 0);
    assert.equal(goRedirect('/a', 'POST', '/').contentType, undefined);
    assert.equal(goRedirect('/a', 'POST', '/').body.length, 0);
  });
});
