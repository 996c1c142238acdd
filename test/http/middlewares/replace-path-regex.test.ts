import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCaseTable, type CaseTable } from './replace-path/case-table.js';

interface Case {
  readonly description: string;
  readonly regex: string;
  readonly replacement: string;
  readonly target: string;
  /** What the upstream receives (path and query) and the X-Replaced-Path it sees, or the answer's status and body. */
  readonly expected: { readonly target: string; readonly replaced?: string } | { readonly status: number; readonly body: string };
}

// Traefik's replace_path_regex_test.go table, then Go's expansion rules, the query and refused results.
const cases: readonly Case[] = [
  { description: 'rewrites with a capture group', regex: '^/whoami/(.*)', replacement: '/who-am-i/$1', target: '/whoami/and/whoami', expected: { target: '/who-am-i/and/whoami', replaced: '/whoami/and/whoami' } },
  { description: 'replaces every match of an expression without groups', regex: '/whoami', replacement: '/who-am-i', target: '/whoami/and/whoami', expected: { target: '/who-am-i/and/who-am-i', replaced: '/whoami/and/whoami' } },
  { description: 'removes every match with an empty replacement', regex: '/whoami', replacement: '', target: '/whoami/and/whoami', expected: { target: '/and', replaced: '/whoami/and/whoami' } },
  { description: 'trims the replacement, so a blank one removes too', regex: '/whoami', replacement: ' ', target: '/whoami/and/whoami', expected: { target: '/and', replaced: '/whoami/and/whoami' } },
  { description: 'leaves a path the expression does not match alone and sets no header', regex: '/no-match', replacement: '/whoami', target: '/whoami/and/whoami', expected: { target: '/whoami/and/whoami' } },
  { description: 'expands several groups of a case-insensitive expression', regex: '^(?i)/downloads/([^/]+)/([^/]+)$', replacement: '/downloads/$1-$2', target: '/downloads/src/source.go', expected: { target: '/downloads/src-source.go', replaced: '/downloads/src/source.go' } },
  { description: 'takes the replacement as escaped: %2F stays an encoded slash', regex: '/aaa/bbb', replacement: '/foo%2Fbar', target: '/aaa/bbb', expected: { target: '/foo%2Fbar', replaced: '/aaa/bbb' } },
  { description: 'matches the escaped path: /aaa%2Fbbb matches itself', regex: '/aaa%2Fbbb', replacement: '/foo/bar', target: '/aaa%2Fbbb', expected: { target: '/foo/bar', replaced: '/aaa%2Fbbb' } },
  { description: 'does not match an encoded slash against a slash', regex: '/aaa/bbb', replacement: '/foo/bar', target: '/aaa%2Fbbb', expected: { target: '/aaa%2Fbbb' } },
  { description: 'keeps a percent-encoded control character encoded', regex: '^/foo/(.*)', replacement: '/$1', target: '/foo/%08bar', expected: { target: '/%08bar', replaced: '/foo/%08bar' } },
  { description: 'answers 400 when the result holds a dot-dot segment', regex: '^/foo(.*)', replacement: '/$1', target: '/foo../bar', expected: { status: 400, body: 'Bad Request\n' } },
  { description: 'reads $1x as the group named 1x, which does not exist, as Go does', regex: '^/a(.*)', replacement: '/x$1x', target: '/a/b', expected: { target: '/x', replaced: '/a/b' } },
  { description: 'delimits a reference with braces: ${1}x', regex: '^/a(.*)', replacement: '/x${1}x', target: '/a/b', expected: { target: '/x/bx', replaced: '/a/b' } },
  { description: 'expands named groups with ${name}', regex: '^/(?P<first>[a-z])/(.*)', replacement: '/${first}-$2', target: '/a/b', expected: { target: '/a-b', replaced: '/a/b' } },
  { description: 'writes $$ as a dollar sign', regex: '^/a', replacement: '/$$a', target: '/a', expected: { target: '/$a', replaced: '/a' } },
  { description: 'skips an empty match right after a match, as Go does', regex: 'b*$', replacement: '!', target: '/ab', expected: { target: '/a!', replaced: '/ab' } },
  { description: 'keeps the query string, which the expression does not see', regex: '^/api/v1/(.*)', replacement: '/v1/$1', target: '/api/v1/users?x=1', expected: { target: '/v1/users?x=1', replaced: '/api/v1/users' } },
  { description: 'trims the expression', regex: '  ^/old  ', replacement: '/new', target: '/old/x', expected: { target: '/new/x', replaced: '/old/x' } },
  { description: 'answers 500 with the reason when the result is not a valid escaped path', regex: '^/a', replacement: '%zz', target: '/a/b', expected: { status: 500, body: 'invalid URL escape "%zz"\n' } },
  { description: 'sends encoded dot-dot segments as they are, since they decode to the same path', regex: '^(.*)$', replacement: '$1', target: '/a%2F..%2Fb', expected: { target: '/a%2F..%2Fb', replaced: '/a%2F..%2Fb' } },
];

describe('replacePathRegex', () => {
  let table: CaseTable;
  before(async () => {
    table = await startCaseTable(cases.map((item) => ({ middlewares: [{ replacePathRegex: { regex: item.regex, replacement: item.replacement } }] })));
  });
  after(() => table?.close());

  cases.forEach((item, index) => {
    it(item.description, async () => {
      const answer = await table.send(index, item.target);

      if ('status' in item.expected) {
        assert.equal(answer.status, item.expected.status);
        assert.equal(answer.body, item.expected.body);
        assert.equal(answer.upstream, undefined);
        return;
      }
      assert.equal(answer.status, 200);
      assert.equal(answer.upstream?.url, item.expected.target);
      assert.equal(answer.upstream?.headers['x-replaced-path'], item.expected.replaced);
    });
  });
});
