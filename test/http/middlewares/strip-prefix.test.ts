import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCaseTable, trustingStatic, type CaseTable } from './replace-path/case-table.js';

interface Case {
  readonly description: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly target: string;
  /** What the upstream receives (path and query) and the X-Forwarded-Prefix it sees, or the status answered. */
  readonly expected: { readonly target: string; readonly prefix?: string } | 400;
}

// Traefik's strip_prefix_test.go table, then cases on trimming, decoding and the query.
const cases: readonly Case[] = [
  { description: 'passes every path through when no prefix is configured', options: { prefixes: [] }, target: '/noprefixes', expected: { target: '/noprefixes' } },
  { description: 'strips the prefix / from /, which reaches the upstream as /', options: { prefixes: ['/'] }, target: '/', expected: { target: '/', prefix: '/' } },
  { description: 'strips a prefix equal to the whole path, which reaches the upstream as /', options: { prefixes: ['/stat'] }, target: '/stat', expected: { target: '/', prefix: '/stat' } },
  { description: 'strips a prefix with a trailing slash from the same path', options: { prefixes: ['/stat/'] }, target: '/stat/', expected: { target: '/', prefix: '/stat/' } },
  { description: 'strips a prefix with a trailing slash from a longer path and adds the leading slash back', options: { prefixes: ['/stat/'] }, target: '/stat/us', expected: { target: '/us', prefix: '/stat/' } },
  { description: 'leaves a path that does not start with the prefix untouched and sets no header', options: { prefixes: ['/stat/'] }, target: '/status', expected: { target: '/status' } },
  { description: 'strips a prefix without trailing slash from a path with one, leaving /', options: { prefixes: ['/stat'] }, target: '/stat/', expected: { target: '/', prefix: '/stat' } },
  { description: 'uses the first matching prefix of the list', options: { prefixes: ['/stat', '/stat/us'] }, target: '/stat/us', expected: { target: '/us', prefix: '/stat' } },
  { description: 'tries the later prefixes when the first does not match', options: { prefixes: ['/mismatch', '/stat'] }, target: '/stat', expected: { target: '/', prefix: '/stat' } },
  { description: 'strips character-wise, not at slash boundaries', options: { prefixes: ['/stat'] }, target: '/status', expected: { target: '/us', prefix: '/stat' } },
  { description: 'strips the raw path too, keeping an encoded slash encoded', options: { prefixes: ['/stat'] }, target: '/stat/a%2Fb', expected: { target: '/a%2Fb', prefix: '/stat' } },
  { description: 'matches the decoded path and strips the encoded characters that stand for the prefix', options: { prefixes: ['/api/'] }, target: '/ap%69/a%2Fb', expected: { target: '/a%2Fb', prefix: '/api/' } },
  { description: 'answers 400 when the stripped path starts with a dot segment', options: { prefixes: ['/api'] }, target: '/api./foo', expected: 400 },
  { description: 'answers 400 when the stripped path starts with a dot-dot segment', options: { prefixes: ['/api'] }, target: '/api../foo', expected: 400 },
  { description: 'answers 400 for a dot-dot segment with forceSlash too', options: { prefixes: ['/api'], forceSlash: true }, target: '/api../foo', expected: 400 },
  { description: 'answers 400 when encoded slashes decode to a dot-dot segment after the strip', options: { prefixes: ['/api'] }, target: '/api%2F..%2Fadmin', expected: 400 },
  { description: 'keeps the query string', options: { prefixes: ['/api'] }, target: '/api/users?page=2&sort=name', expected: { target: '/users?page=2&sort=name', prefix: '/api' } },
  { description: 'trims spaces around the configured prefixes', options: { prefixes: [' /api '] }, target: '/api/users', expected: { target: '/users', prefix: '/api' } },
  { description: 'compares the prefix with the decoded path: /a b strips /a%20b', options: { prefixes: ['/a b'] }, target: '/a%20b/c', expected: { target: '/c', prefix: '/a b' } },
  { description: 'compares non-ASCII prefixes with the decoded UTF-8 bytes', options: { prefixes: ['/é'] }, target: '/%C3%A9/x', expected: { target: '/x', prefix: '/\u00c3\u00a9' } },
  { description: 'turns a path equal to the prefix into / with forceSlash as without it', options: { prefixes: ['/api'], forceSlash: true }, target: '/api', expected: { target: '/', prefix: '/api' } },
  { description: 'adds the leading slash back with forceSlash', options: { prefixes: ['/api'], forceSlash: true }, target: '/apix/y', expected: { target: '/x/y', prefix: '/api' } },
];

describe('stripPrefix', () => {
  let table: CaseTable;
  before(async () => {
    table = await startCaseTable([
      ...cases.map((item) => ({ middlewares: [{ stripPrefix: item.options }] })),
      { middlewares: [{ stripPrefix: { prefixes: ['/api'] } }, { stripPrefix: { prefixes: ['/v1'] } }] },
    ], { static: trustingStatic });
  });
  after(() => table?.close());

  cases.forEach((item, index) => {
    it(item.description, async () => {
      const answer = await table.send(index, item.target);

      if (item.expected === 400) {
        assert.equal(answer.status, 400);
        assert.equal(answer.body, 'Bad Request\n');
        assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
        assert.equal(answer.upstream, undefined);
        return;
      }
      assert.equal(answer.status, 200);
      assert.equal(answer.upstream?.url, item.expected.target);
      assert.equal(answer.upstream?.headers['x-forwarded-prefix'], item.expected.prefix);
    });
  });

  it('adds X-Forwarded-Prefix to the one a trusted client sent, once per strip', async () => {
    const answer = await table.send(cases.length, '/api/v1/users', { headers: { 'X-Forwarded-Prefix': '/outer' } });

    assert.equal(answer.upstream?.url, '/users');
    assert.deepEqual(answer.upstream?.rawHeaders.filter((_, index, all) => index % 2 === 1 && /^x-forwarded-prefix$/i.test(all[index - 1]!)), ['/outer', '/api', '/v1']);
  });
});
