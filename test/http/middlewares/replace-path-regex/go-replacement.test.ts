import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../../../src/config/errors.js';
import { compileOption, decodeUtf8, GoRegexp } from '../../../../src/http/middlewares/replace-path-regex/go-replacement.js';

/**
 * Go's regexp ReplaceAllString table (all_test.go) and cases on references and invalid UTF-8, with the
 * answers of go1.26; inputs and results hold one character per byte.
 */
const cases = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../../../test/http/middlewares/replace-path-regex/fixtures/replace-all.json', import.meta.url)), 'utf8'),
) as ReadonlyArray<{ readonly pattern: string; readonly replacement: string; readonly input: string; readonly expected: string }>;

describe('Go ReplaceAllString', () => {
  for (const { pattern, replacement, input, expected } of cases) {
    it(`replaces /${pattern}/ in ${JSON.stringify(input)} with ${JSON.stringify(replacement)}: ${JSON.stringify(expected)}`, () => {
      assert.equal(new GoRegexp(pattern).replacer(replacement)(input), expected);
    });
  }
});

describe('Go regexp on bytes', () => {
  it('finds the leftmost match and returns its bytes', () => {
    const expression = new GoRegexp('/b/([a-z0-9]+)/');

    assert.equal(expression.find('/b/api/test'), '/b/api/');
    assert.equal(expression.find('/b/api'), undefined);
  });

  it('returns the raw bytes of a match over invalid UTF-8, which matched as U+FFFD', () => {
    assert.equal(new GoRegexp('^/.').find('/\u00ffx'), '/\u00ff');
    assert.equal(new GoRegexp('^/\uFFFD').find('/\u00ffx'), '/\u00ff');
  });

  it('tells whether an expression matches', () => {
    assert.equal(new GoRegexp('^/api').matches('/api/x'), true);
    assert.equal(new GoRegexp('^/api').matches('/x/api'), false);
  });

  it('decodes bytes as Go: one U+FFFD per invalid or truncated byte, with byte offsets', () => {
    const decoded = decodeUtf8('a\u00e2\u0082b\u00c3\u00a9');

    assert.equal(decoded.text, 'a\uFFFD\uFFFDbé');
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((index) => decoded.byteOffset(index)), [0, 1, 2, 3, 4, 6]);
  });

  it('refuses an expression Go refuses, with the configuration path and Go\'s reason', () => {
    assert.throws(
      () => compileOption('^(?err)/x', 'regex'),
      (error: unknown) => error instanceof ConfigError && error.message === 'regex: invalid regular expression "^(?err)/x": invalid or unsupported Perl syntax "(?e"',
    );
  });
});
