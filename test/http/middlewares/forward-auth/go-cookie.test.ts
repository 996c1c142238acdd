import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSetCookie, parseSetCookie, readSetCookies } from '../../../../src/http/middlewares/forward-auth/go-cookie.js';

const roundTrip = (line: string): string | undefined => {
  const cookie = parseSetCookie(line);
  return cookie === undefined ? undefined : formatSetCookie(cookie);
};

describe('Go Set-Cookie handling', () => {
  // Inputs from Go's cookie_test.go readSetCookiesTests, with what Cookie.String() writes for them.
  for (const [line, expected] of [
    ['Cookie-1=v$1', 'Cookie-1=v$1'],
    ['NID=99=YsDT5i3E-CXax-; expires=Wed, 23-Nov-2011 01:05:03 GMT; path=/; domain=.google.ch; HttpOnly', 'NID=99=YsDT5i3E-CXax-; Path=/; Domain=google.ch; Expires=Wed, 23 Nov 2011 01:05:03 GMT; HttpOnly'],
    ['.ASPXAUTH=7E3AA; expires=Wed, 07-Mar-2012 14:25:06 GMT; path=/; HttpOnly', '.ASPXAUTH=7E3AA; Path=/; Expires=Wed, 07 Mar 2012 14:25:06 GMT; HttpOnly'],
    ['ASP.NET_SessionId=foo; path=/; HttpOnly', 'ASP.NET_SessionId=foo; Path=/; HttpOnly'],
    ['samesitedefault=foo; SameSite', 'samesitedefault=foo'],
    ['samesiteinvalidisdefault=foo; SameSite=invalid', 'samesiteinvalidisdefault=foo'],
    ['samesitelax=foo; SameSite=Lax', 'samesitelax=foo; SameSite=Lax'],
    ['samesitestrict=foo; SameSite=Strict', 'samesitestrict=foo; SameSite=Strict'],
    ['samesitenone=foo; SameSite=None', 'samesitenone=foo; SameSite=None'],
    ['special-1=a z', 'special-1="a z"'],
    ['special-2=" z"', 'special-2=" z"'],
    ['special-3="a "', 'special-3="a "'],
    ['special-4=" "', 'special-4=" "'],
    ['special-5=a,z', 'special-5="a,z"'],
    ['special-6=",z"', 'special-6=",z"'],
    ['special-7=a,', 'special-7="a,"'],
    ['special-8=","', 'special-8=","'],
    ['quoted="value"', 'quoted="value"'],
    ['max=1; Max-Age=10', 'max=1; Max-Age=10'],
    ['max=1; Max-Age=0', 'max=1; Max-Age=0'],
    ['max=1; Max-Age=-5', 'max=1; Max-Age=0'],
    ['max=1; Max-Age=010', 'max=1'],
    ['partitioned=1; Secure; Partitioned', 'partitioned=1; Secure; Partitioned'],
    ['domain=1; Domain=bad_domain', 'domain=1'],
    ['domain=1; Domain=127.0.0.1', 'domain=1; Domain=127.0.0.1'],
    ['old=1; Expires=Mon, 01 Jan 1600 00:00:00 GMT', 'old=1'],
    ['bad=1; Expires=tomorrow', 'bad=1'],
  ] as const) {
    it(`writes ${JSON.stringify(line)} as ${JSON.stringify(expected)}`, () => {
      assert.equal(roundTrip(line), expected);
    });
  }

  for (const line of ['', 'noequals', 'bad name=x', '=value', 'a=b"c', 'a=b\\c']) {
    it(`drops ${JSON.stringify(line)}`, () => {
      assert.equal(parseSetCookie(line), undefined);
    });
  }

  it('reads the valid cookies of several lines, in order', () => {
    assert.deepEqual(readSetCookies(['a=1', 'broken', 'b=2']).map((cookie) => cookie.name), ['a', 'b']);
  });
});
