import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  cleanPath,
  escapedPath,
  formatUrl,
  joinPath,
  parseUrl,
  setPath,
  utf8Bytes,
} from '../../../../src/http/middlewares/replace-path/go-url.js';

/** Answers of Go's net/url (go1.26) for each input; strings hold one character per byte. */
interface Fixtures {
  readonly parse: ReadonlyArray<{ readonly input: string; readonly formatted?: string; readonly error?: string }>;
  readonly paths: ReadonlyArray<{
    readonly input: string;
    readonly error?: string;
    readonly path?: string;
    readonly rawPath?: string;
    readonly escaped?: string;
    readonly joinedPath?: string;
    readonly joinedEscaped?: string;
  }>;
}

const fixtures = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../../../test/http/middlewares/replace-path/fixtures/go-url.json', import.meta.url)), 'utf8'),
) as Fixtures;

describe('Go URL parsing and formatting', () => {
  for (const item of fixtures.parse) {
    if (item.error !== undefined) {
      it(`refuses ${JSON.stringify(item.input)} with Go's reason`, () => {
        assert.throws(() => parseUrl(item.input), (error: Error) => item.error!.endsWith(`: ${error.message}`));
      });
    } else {
      it(`formats ${JSON.stringify(item.input)} back as ${JSON.stringify(item.formatted)}`, () => {
        assert.equal(formatUrl(parseUrl(item.input)), item.formatted);
      });
    }
  }
});

describe('Go URL paths', () => {
  for (const item of fixtures.paths) {
    if (item.error !== undefined) {
      it(`refuses the path ${JSON.stringify(item.input)} with Go's reason`, () => {
        assert.throws(() => setPath(item.input), (error: Error) => item.error!.endsWith(`: ${error.message}`));
      });
      continue;
    }
    it(`decodes ${JSON.stringify(item.input)}, keeps its raw form only when needed, and cleans it as JoinPath`, () => {
      const url = setPath(item.input);
      const joined = joinPath(url);

      assert.deepEqual(
        { path: url.path, rawPath: url.rawPath, escaped: escapedPath(url), joinedPath: joined.path, joinedEscaped: escapedPath(joined) },
        { path: item.path, rawPath: item.rawPath, escaped: item.escaped, joinedPath: item.joinedPath, joinedEscaped: item.joinedEscaped },
      );
    });
  }

  it('ignores a raw path that is not an encoding of the path, as EscapedPath does', () => {
    assert.equal(escapedPath({ path: '/users', rawPath: '/%2Fusers' }), '/users');
    assert.equal(escapedPath({ path: '/a b/x/y', rawPath: '/a b/x%2Fy' }), '/a%20b/x/y');
  });

  it('cleans like path.Clean', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['', '.'],
      ['/', '/'],
      ['a/b/../../..', '..'],
      ['../a/..', '..'],
      ['/../a', '/a'],
      ['a//b/./c/', 'a/b/c'],
    ];
    for (const [input, expected] of cases) assert.equal(cleanPath(input), expected);
  });

  it('turns text into its UTF-8 bytes, one character per byte', () => {
    assert.equal(utf8Bytes('/é'), '/\u00c3\u00a9');
    assert.equal(utf8Bytes('/plain'), '/plain');
  });
});
