import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCaseTable, type CaseTable } from './replace-path/case-table.js';

interface Case {
  readonly description: string;
  readonly regex: readonly string[];
  readonly target: string;
  /** What the upstream receives (path and query) and the X-Forwarded-Prefix it sees, or the status answered. */
  readonly expected: { readonly target: string; readonly prefix?: string } | 400;
}

// Traefik's strip_prefix_regex_test.go table, then cases on unanchored and empty matches, lists and trimming.
const cases: readonly Case[] = [
  { description: 'leaves /a/test alone when /a/api/ does not match', regex: ['/a/api/'], target: '/a/test', expected: { target: '/a/test' } },
  { description: 'leaves /a/test/ alone when /a/api/ does not match', regex: ['/a/api/'], target: '/a/test/', expected: { target: '/a/test/' } },
  { description: 'strips /a/api/ from /a/api/, which reaches the upstream as /', regex: ['/a/api/'], target: '/a/api/', expected: { target: '/', prefix: '/a/api/' } },
  { description: 'strips /a/api/ from /a/api/test and adds the leading slash back', regex: ['/a/api/'], target: '/a/api/test', expected: { target: '/test', prefix: '/a/api/' } },
  { description: 'keeps the trailing slash of /a/api/test/', regex: ['/a/api/'], target: '/a/api/test/', expected: { target: '/test/', prefix: '/a/api/' } },
  { description: 'strips what a capture group matched: /b/api/ with /b/([a-z0-9]+)/', regex: ['/b/([a-z0-9]+)/'], target: '/b/api/', expected: { target: '/', prefix: '/b/api/' } },
  { description: 'leaves /b/api alone when /b/([a-z0-9]+)/ needs a final slash', regex: ['/b/([a-z0-9]+)/'], target: '/b/api', expected: { target: '/b/api' } },
  { description: 'strips /b/api/ from /b/api/test1', regex: ['/b/([a-z0-9]+)/'], target: '/b/api/test1', expected: { target: '/test1', prefix: '/b/api/' } },
  { description: 'strips /b/api2/ from /b/api2/test2', regex: ['/b/([a-z0-9]+)/'], target: '/b/api2/test2', expected: { target: '/test2', prefix: '/b/api2/' } },
  { description: 'strips /c/api/123/ from itself with /c/[a-z0-9]+/[0-9]+/', regex: ['/c/[a-z0-9]+/[0-9]+/'], target: '/c/api/123/', expected: { target: '/', prefix: '/c/api/123/' } },
  { description: 'leaves /c/api/123 alone without its final slash', regex: ['/c/[a-z0-9]+/[0-9]+/'], target: '/c/api/123', expected: { target: '/c/api/123' } },
  { description: 'strips /c/api/123/ from /c/api/123/test3', regex: ['/c/[a-z0-9]+/[0-9]+/'], target: '/c/api/123/test3', expected: { target: '/test3', prefix: '/c/api/123/' } },
  { description: 'leaves /c/api/abc/test4 alone when the number part does not match', regex: ['/c/[a-z0-9]+/[0-9]+/'], target: '/c/api/abc/test4', expected: { target: '/c/api/abc/test4' } },
  { description: 'strips the raw path too, keeping an encoded slash encoded', regex: ['/a/api/'], target: '/a/api/a%2Fb', expected: { target: '/a%2Fb', prefix: '/a/api/' } },
  { description: 'matches the decoded path: /b/ap%69/ is /b/api/', regex: ['/b/([a-z0-9]+)/'], target: '/b/ap%69/test', expected: { target: '/test', prefix: '/b/api/' } },
  { description: 'strips the encoded prefix and keeps an encoded slash after it', regex: ['/b/([a-z0-9]+)/'], target: '/b/ap%69/a%2Fb', expected: { target: '/a%2Fb', prefix: '/b/api/' } },
  { description: 'does not match an encoded slash against a space', regex: ['/t /test'], target: '/t%2F/test/foo', expected: { target: '/t%2F/test/foo' } },
  { description: 'matches an encoded space against a space and strips it', regex: ['/t /test'], target: '/t%20/test/a%2Fb', expected: { target: '/a%2Fb', prefix: '/t /test' } },
  { description: 'answers 400 when the stripped path starts with a dot segment', regex: ['/api'], target: '/api./foo', expected: 400 },
  { description: 'answers 400 when the stripped path starts with a dot-dot segment', regex: ['/api'], target: '/api../foo', expected: 400 },
  { description: 'skips a match that is not at the start of the path', regex: ['x/'], target: '/a/x/y', expected: { target: '/a/x/y' } },
  { description: 'skips an expression whose leftmost match is empty', regex: ['a*'], target: '/b', expected: { target: '/b' } },
  { description: 'tries the next expression when one does not match', regex: ['/nomatch', '/a'], target: '/a/b', expected: { target: '/b', prefix: '/a' } },
  { description: 'strips with an anchored expression and keeps the query', regex: ['^/v[0-9]+'], target: '/v2/users?x=1', expected: { target: '/users?x=1', prefix: '/v2' } },
  { description: 'trims spaces around the expressions', regex: ['  ^/api  '], target: '/api/users', expected: { target: '/users', prefix: '/api' } },
];

describe('stripPrefixRegex', () => {
  let table: CaseTable;
  before(async () => {
    table = await startCaseTable(cases.map((item) => ({ middlewares: [{ stripPrefixRegex: { regex: item.regex } }] })));
  });
  after(() => table?.close());

  cases.forEach((item, index) => {
    it(item.description, async () => {
      const answer = await table.send(index, item.target);

      if (item.expected === 400) {
        assert.equal(answer.status, 400);
        assert.equal(answer.body, 'Bad Request\n');
        assert.equal(answer.upstream, undefined);
        return;
      }
      assert.equal(answer.status, 200);
      assert.equal(answer.upstream?.url, item.expected.target);
      assert.equal(answer.upstream?.headers['x-forwarded-prefix'], item.expected.prefix);
    });
  });
});
