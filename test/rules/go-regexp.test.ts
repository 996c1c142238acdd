import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GoRegexpError, compileGoRegexp, quoteGoMeta, translateGoRegexp } from '../../src/rules/go-regexp.js';
import { readFixture } from './support/fixtures.js';

/** Go expressions with what Go's regexp.MatchString answers for each input, and the ones Go refuses. */
interface GoRegexpFixture {
  readonly matching: ReadonlyArray<{
    readonly description: string;
    readonly pattern: string;
    readonly caseInsensitive?: boolean;
    readonly matches: Readonly<Record<string, boolean>>;
  }>;
  readonly refused: ReadonlyArray<{ readonly description: string; readonly pattern: string; readonly error: string }>;
}

const fixture = readFixture<GoRegexpFixture>('go-regexp.json');

describe('compileGoRegexp matches what Go matches', () => {
  for (const { description, pattern, caseInsensitive, matches } of fixture.matching) {
    it(description, () => {
      const regexp = compileGoRegexp(pattern, { caseInsensitive });
      const outcomes = Object.fromEntries(Object.keys(matches).map((input) => [input, regexp.test(input)]));
      assert.deepEqual(outcomes, matches);
    });
  }
});

describe('compileGoRegexp refuses', () => {
  for (const { description, pattern, error } of fixture.refused) {
    it(description, () => {
      assert.throws(() => compileGoRegexp(pattern), (thrown: unknown) => {
        assert.ok(thrown instanceof GoRegexpError);
        assert.equal(thrown.message, error);
        return true;
      });
    });
  }
});

describe('translateGoRegexp', () => {
  const cases: ReadonlyArray<{ description: string; pattern: string; caseInsensitive?: boolean; source: string; flags: string }> = [
    { description: 'keeps plain syntax as it is', pattern: '^/api/v[0-9]+$', source: '^\\/api\\/v[0-9]+$', flags: 'u' },
    { description: 'spells out the dot without (?s)', pattern: 'a.b', source: 'a[^\\n]b', flags: 'u' },
    { description: 'spells out the dot with (?s)', pattern: '(?s)a.b', source: 'a[\\s\\S]b', flags: 'u' },
    { description: 'spells out multi-line anchors', pattern: '(?m)^a$', source: '(?<![^\\n])a(?![^\\n])', flags: 'u' },
    { description: 'turns \\A and \\z into text anchors', pattern: '\\Aa\\z', source: '^a$', flags: 'u' },
    { description: 'uses the i flag when the whole expression folds case', pattern: '(?i)ab', source: 'ab', flags: 'ui' },
    { description: 'uses the i flag for the caseInsensitive option', pattern: 'ab', caseInsensitive: true, source: 'ab', flags: 'ui' },
    { description: 'spells out case folding limited to a group', pattern: '(?i:a)b', source: '(?:[Aa])b', flags: 'u' },
    { description: 'spells out Kelvin sign and long s in a folded class', pattern: '(?i:[ks])x', source: '(?:[KSks\\u{17f}\\u{212a}])x', flags: 'u' },
    { description: 'swaps greediness under (?U)', pattern: '(?U)a*b*?', source: 'a*?b*', flags: 'u' },
    { description: 'wraps a repeated assertion in a group', pattern: '^*a', source: '(?:^)*a', flags: 'u' },
    { description: 'wraps a repeated repetition in a group', pattern: 'a*(?i)+', source: '(?:a*)+', flags: 'u' },
    { description: 'escapes literal braces', pattern: '{a}', source: '\\{a\\}', flags: 'u' },
    { description: 'writes \\s as Go defines it', pattern: '\\s', source: '[\\u{9}\\u{a}\\u{c}\\u{d} ]', flags: 'u' },
    { description: 'writes \\Q...\\E as escaped literals', pattern: '\\Q[.]\\E', source: '\\[\\.\\]', flags: 'u' },
    { description: 'names Unicode scripts for JavaScript', pattern: '\\p{Greek}\\PL', source: '[\\p{Script=Greek}][\\P{L}]', flags: 'u' },
    { description: 'turns Assigned into not unassigned', pattern: '\\p{Assigned}', source: '[\\P{Cn}]', flags: 'u' },
    { description: 'keeps named groups in both Go spellings', pattern: '(?P<a>x)(?<b>y)', source: '(?<a>x)(?<b>y)', flags: 'u' },
    { description: 'numbers a group whose name JavaScript cannot use', pattern: '(?P<a>x)(?P<a>y)(?P<1b>z)', source: '(?<a>x)(y)(z)', flags: 'u' },
  ];
  for (const { description, pattern, caseInsensitive, source, flags } of cases) {
    it(description, () => {
      const translated = translateGoRegexp(pattern, { caseInsensitive });
      assert.deepEqual({ source: translated.source, flags: translated.flags }, { source, flags });
    });
  }

  it('lists group names as Go SubexpNames does, the whole match first', () => {
    assert.deepEqual(translateGoRegexp('(?P<first>a)(b(?<third>c))(?:d)').subexpNames, ['', 'first', '', 'third']);
  });

  it('keeps group numbers so that replacements refer to the same groups', () => {
    const regexp = compileGoRegexp('^/api/(?P<version>v[0-9]+)/(.*)$');
    assert.equal('/api/v2/users'.replace(regexp, '/$2?v=$<version>'), '/users?v=v2');
  });

  it('refuses what JavaScript cannot express with a clear reason', () => {
    assert.throws(() => compileGoRegexp('(?i)\\pL(?-i)a'), {
      name: 'GoRegexpError',
      message: 'case-insensitive Unicode classes (\\p) cannot be combined with case-sensitive parts of the expression',
    });
  });
});

describe('quoteGoMeta', () => {
  const cases: ReadonlyArray<{ description: string; text: string; quoted: string }> = [
    { description: 'escapes every metacharacter Go escapes', text: '\\.+*?()|[]{}^$', quoted: '\\\\\\.\\+\\*\\?\\(\\)\\|\\[\\]\\{\\}\\^\\$' },
    { description: 'leaves other characters alone', text: 'a-b/c:d=e', quoted: 'a-b/c:d=e' },
  ];
  for (const { description, text, quoted } of cases) {
    it(description, () => {
      assert.equal(quoteGoMeta(text), quoted);
      assert.ok(compileGoRegexp(`^${quoted}$`).test(text));
    });
  }
});
