import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fnv64Hex, readCookie, stickyCookieName, stickyValue } from '../../../src/http/services/sticky/sticky-cookie.js';

describe('sticky cookie names and values', () => {
  it('derives the default name from the service as Traefik does (Traefik’s own test vector)', () => {
    assert.equal(stickyCookieName(undefined, '/my/BACKEND-v1.0~rc1'), '_5f7bc');
    assert.equal(stickyCookieName('', '/my/BACKEND-v1.0~rc1'), '_5f7bc');
  });

  it('keeps a configured name, with characters outside an HTTP token replaced by "_"', () => {
    assert.equal(stickyCookieName('/my/BACKEND-v1.0~rc1', ''), '_my_BACKEND-v1.0~rc1');
    assert.equal(stickyCookieName('cookie', 'backend'), 'cookie');
  });

  it('writes the first 16 hex digits of SHA-256 of the server name', () => {
    assert.equal(stickyValue('first'), 'a7937b64b8caa58f');
  });

  it('reads legacy values hashed with FNV-64 (not FNV-1a)', () => {
    assert.equal(fnv64Hex('a'), 'af63bd4c8601b7be');
    assert.equal(fnv64Hex(''), 'cbf29ce484222325');
  });

  it('reads the first cookie with the name, as Go’s Request.Cookie', () => {
    assert.equal(readCookie('a=1; pin=x; pin=y', 'pin'), 'x');
    assert.equal(readCookie('pinned=1', 'pin'), undefined);
    assert.equal(readCookie('pin="quoted"', 'pin'), 'quoted');
    assert.equal(readCookie(undefined, 'pin'), undefined);
  });
});
