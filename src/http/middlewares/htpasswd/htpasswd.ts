import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** Checks a password against one stored hash; bcrypt answers later, the others at once. */
export type PasswordCheck = (password: Buffer) => boolean | Promise<boolean>;

const itoa64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Byte order in which MD5-crypt spells out its final digest. */
const md5CryptOrder = [12, 6, 0, 13, 7, 1, 14, 8, 2, 15, 9, 3, 5, 10, 4, 11];

function md5(...parts: Buffer[]): Buffer {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/**
 * Computes the MD5-crypt string `magic + salt + "$" + digest` (Apache `$apr1$`, FreeBSD `$1$`): one
 * algorithm, the magic only seeds the first round.
 */
export function md5Crypt(password: Buffer, salt: Buffer, magic: Buffer): Buffer {
  const alternate = md5(password, salt, password);
  const first = createHash('md5').update(password).update(magic).update(salt);
  for (let i = 0; i < password.length; i++) first.update(alternate.subarray(i % 16, (i % 16) + 1));
  for (let i = password.length; i !== 0; i >>= 1) first.update((i & 1) === 0 ? password.subarray(0, 1) : Buffer.of(0));
  let final = first.digest();
  for (let round = 0; round < 1000; round++) {
    const hash = createHash('md5');
    hash.update(round % 2 === 0 ? final : password);
    if (round % 3 !== 0) hash.update(salt);
    if (round % 7 !== 0) hash.update(password);
    hash.update(round % 2 === 0 ? password : final);
    final = hash.digest();
  }
  let digest = '';
  let value = 0;
  let bits = 0;
  for (const index of md5CryptOrder) {
    value |= final[index]! << bits;
    for (bits += 8; bits > 6; bits -= 6) {
      digest += itoa64[value & 0x3f];
      value >>>= 6;
    }
  }
  digest += itoa64[value & 0x3f];
  return Buffer.concat([magic, salt, Buffer.from(`$${digest}`, 'latin1')]);
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const bcryptPrefix = /^\$2[abxy]\$/;

/** Tells whether a hash is bcrypt, whose check is slow on purpose. */
export function isSlowHash(hash: string): boolean {
  return bcryptPrefix.test(hash);
}

/**
 * Compiles the check for one htpasswd hash, choosing the scheme by prefix as Traefik's go-http-auth does:
 * `{SHA}`, bcrypt (`$2a$`, `$2b$`, `$2x$`, `$2y$`), and MD5-crypt for anything else. A plain-text
 * password is read as a malformed MD5-crypt string, so it never matches, as in Traefik.
 */
export function compilePasswordCheck(hash: string): PasswordCheck {
  const stored = Buffer.from(hash, 'utf8');
  if (hash.startsWith('{SHA}')) {
    const expected = stored.subarray(5);
    return (password) => constantTimeEqual(expected, Buffer.from(createHash('sha1').update(password).digest('base64'), 'latin1'));
  }
  if (isSlowHash(hash)) {
    // bcryptjs knows $2a$, $2b$ and $2y$; $2x$ hashes the same way for the 7-bit passwords Go's bcrypt gets right.
    const bcryptHash = hash.startsWith('$2x$') ? `$2a$${hash.slice(4)}` : hash;
    return (password) => bcrypt.compare(password.toString('utf8'), bcryptHash).catch(() => false);
  }
  const parts = hash.split('$');
  if (parts.length < 4) return () => false;
  const magic = Buffer.from(`$${parts[1]}$`, 'utf8');
  const salt = Buffer.from(parts[2]!, 'utf8');
  return (password) => constantTimeEqual(stored, md5Crypt(password, salt, magic));
}
