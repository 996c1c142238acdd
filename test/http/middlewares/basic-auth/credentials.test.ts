import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBasicCredentials } from '../../../../src/http/middlewares/basic-auth/credentials.js';

const encode = (text: string): string => Buffer.from(text, 'latin1').toString('base64');

describe('parseBasicCredentials', () => {
  it('reads user and password, splitting at the first colon', () => {
    const credentials = parseBasicCredentials(`Basic ${encode('user:pa:ss')}`);

    assert.equal(credentials?.user, 'user');
    assert.equal(credentials?.password.toString(), 'pa:ss');
  });

  it('matches the scheme case-insensitively and ignores line breaks in the base64', () => {
    const encoded = encode('user:password');
    assert.equal(parseBasicCredentials(`bAsIc ${encoded.slice(0, 4)}\r\n${encoded.slice(4)}`)?.user, 'user');
  });

  it('keeps an empty user and an empty password', () => {
    const credentials = parseBasicCredentials(`Basic ${encode(':')}`);
    assert.equal(credentials?.user, '');
    assert.equal(credentials?.password.length, 0);
  });

  it('keeps the bytes of a non-UTF-8 name for headers', () => {
    assert.equal(parseBasicCredentials(`Basic ${encode('caf\xe9:x')}`)?.rawUser, 'caf\xe9');
    assert.equal(parseBasicCredentials(`Basic ${Buffer.from('café:x').toString('base64')}`)?.user, 'café');
  });

  for (const { description, header } of [
    { description: 'no header', header: undefined },
    { description: 'another scheme', header: 'Bearer abc' },
    { description: 'the scheme alone', header: 'Basic' },
    { description: 'missing padding', header: 'Basic dXNlcjpwYXNzd29yZDE' },
    { description: 'URL-safe base64', header: `Basic ${Buffer.from('u:??>').toString('base64url')}` },
    { description: 'no colon', header: `Basic ${encode('userpassword')}` },
    { description: 'padding in the middle', header: 'Basic dXN=cjpw' },
  ]) {
    it(`refuses ${description}`, () => {
      assert.equal(parseBasicCredentials(header), undefined);
    });
  }
});
