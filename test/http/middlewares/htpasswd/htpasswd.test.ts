import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePasswordCheck, isSlowHash, md5Crypt } from '../../../../src/http/middlewares/htpasswd/htpasswd.js';

function check(hash: string, password: string): Promise<boolean> {
  return Promise.resolve(compilePasswordCheck(hash)(Buffer.from(password)));
}

describe('md5Crypt', () => {
  // go-http-auth's vectors.
  for (const [password, hash] of [
    ['apache', '$apr1$J.w5a/..$IW9y6DR0oO/ADuhlMF5/X1'],
    ['pass', '$1$YeNsbWdH$wvOF8JdqsoiLix754LTW90'],
    ['topsecret', '$apr1$JI4wh3am$AmhephVqLTUyAVpFQeHZC0'],
  ] as const) {
    it(`hashes "${password}" to ${hash}`, () => {
      const [, magic, salt] = hash.split('$');
      assert.equal(md5Crypt(Buffer.from(password), Buffer.from(salt!), Buffer.from(`$${magic}$`)).toString(), hash);
    });
  }

  it('hashes an empty password', () => {
    assert.equal(md5Crypt(Buffer.alloc(0), Buffer.from('salt'), Buffer.from('$apr1$')).toString().startsWith('$apr1$salt$'), true);
  });
});

describe('compilePasswordCheck', () => {
  const cases = [
    { description: 'SHA1', hash: '{SHA}qvTGHdzF6KLavt4PO0gs2a6pQ00=', password: 'hello' },
    { description: 'Apache MD5', hash: '$apr1$a0j62R97$mYqFkloXH0/UOaUnAiV2b0', password: 'hello2' },
    { description: 'Apache MD5 with a dot in the salt', hash: '$apr1$0.KbAJur$4G9MiqUjDLCuihkMfmg6e1', password: 'hello' },
    { description: 'bcrypt $2y$', hash: '$2y$05$ih3C91zUBSTFcAh2mQnZYuob0UOZVEf16wl/ukgjDhjvj.xgM1WwS', password: 'hello3' },
    { description: 'bcrypt $2x$, checked as $2a$', hash: '$2x$04$.8sTYfcxbSplCtoxt5TdJOgpBYkarKtZYsYfYxQ1edbYRuO1DNi0e', password: 'test' },
  ];
  for (const { description, hash, password } of cases) {
    it(`accepts the password of a ${description} hash and refuses another`, async () => {
      assert.equal(await check(hash, password), true);
      assert.equal(await check(hash, `${password}!`), false);
    });
  }

  it('tells bcrypt hashes from the fast ones', () => {
    assert.deepEqual(['$2a$04$x', '$2b$04$x', '$2x$04$x', '$2y$04$x', '$2$04$x', '$apr1$x$y', '{SHA}x'].map(isSlowHash), [true, true, true, true, false, false, false]);
  });

  it('answers MD5 and SHA1 at once and bcrypt later', () => {
    assert.equal(typeof compilePasswordCheck('{SHA}qvTGHdzF6KLavt4PO0gs2a6pQ00=')(Buffer.from('hello')), 'boolean');
    assert.ok(compilePasswordCheck('$2y$05$ih3C91zUBSTFcAh2mQnZYuob0UOZVEf16wl/ukgjDhjvj.xgM1WwS')(Buffer.from('hello3')) instanceof Promise);
  });

  for (const { description, hash, password } of [
    { description: 'a plain-text password', hash: 'hello', password: 'hello' },
    { description: 'a broken MD5 hash without its second dollar', hash: '$apr10.KbAJur$4G9MiqUjDLCuihkMfmg6e1', password: 'hello' },
    { description: 'a bcrypt hash without a minor version, which go-http-auth reads as MD5', hash: '$2$04$.8sTYfcxbSplCtoxt5TdJOgpBYkarKtZYsYfYxQ1edbYRuO1DNi0e', password: 'test' },
    { description: 'a truncated bcrypt hash', hash: '$2y$05$ih3C91zUBSTF', password: 'hello3' },
    { description: 'an empty hash', hash: '', password: '' },
  ]) {
    it(`never matches ${description}`, async () => {
      assert.equal(await check(hash, password), false);
    });
  }
});
