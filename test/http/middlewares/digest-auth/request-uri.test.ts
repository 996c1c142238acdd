import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUriPath, unescapePath } from '../../../../src/http/middlewares/digest-auth/request-uri.js';

describe('parseUriPath', () => {
  for (const { uri, path } of [
    { uri: '/dir/index.html', path: '/dir/index.html' },
    { uri: '/dir/index.html?x=1#top', path: '/dir/index.html' },
    { uri: 'http://127.0.0.1:8080/a%20b', path: '/a b' },
    { uri: 'http://example.com', path: '' },
    { uri: '//host/p', path: '/p' },
    { uri: 'mailto:someone', path: '' },
    { uri: '*', path: '*' },
    { uri: 'relative/path', path: 'relative/path' },
    { uri: '', path: '' },
  ]) {
    it(`reads the path of ${JSON.stringify(uri)} as ${JSON.stringify(path)}`, () => {
      assert.equal(parseUriPath(uri), path);
    });
  }

  for (const uri of ['/%zz', '/a\x01', ':foo', '1a:b/c', 'http://host:port/', '/ok#%g0']) {
    it(`refuses ${JSON.stringify(uri)}, as Go's url.Parse does`, () => {
      assert.equal(parseUriPath(uri), undefined);
    });
  }
});

describe('unescapePath', () => {
  it('decodes to one character per byte', () => {
    assert.equal(unescapePath('/caf%C3%A9'), '/caf\xc3\xa9');
    assert.equal(unescapePath('/café'), '/caf\xc3\xa9');
    assert.equal(unescapePath('/a+b%2F'), '/a+b/');
    assert.equal(unescapePath('/%4'), undefined);
  });
});
