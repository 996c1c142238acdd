import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCaseTable, type CaseTable } from './replace-path/case-table.js';

interface Case {
  readonly description: string;
  readonly middlewares: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly target: string;
  /** Path and query the upstream receives. */
  readonly expected: string;
}

// Traefik's add_prefix_test.go table, then the query, encodings and composition.
const cases: readonly Case[] = [
  { description: 'prepends the prefix to a regular path', middlewares: [{ addPrefix: { prefix: '/a' } }], target: '/b', expected: '/a/b' },
  { description: 'adds the leading slash a prefix without one lacks', middlewares: [{ addPrefix: { prefix: 'a' } }], target: '/', expected: '/a/' },
  { description: 'prepends the prefix to the raw path, keeping an encoded slash encoded', middlewares: [{ addPrefix: { prefix: '/a' } }], target: '/b%2Fc', expected: '/a/b%2Fc' },
  { description: 'keeps the query string', middlewares: [{ addPrefix: { prefix: '/v1' } }], target: '/users?id=3', expected: '/v1/users?id=3' },
  { description: 'escapes what the prefix holds that a path cannot carry as is', middlewares: [{ addPrefix: { prefix: '/é' } }], target: '/x', expected: '/%C3%A9/x' },
  {
    description: 'falls back to the default encoding when the prefix makes the raw path invalid, as Go does',
    middlewares: [{ addPrefix: { prefix: '/a b' } }],
    target: '/x%2Fy',
    expected: '/a%20b/x/y',
  },
  {
    description: 'composes with stripPrefix in the order the router lists them',
    middlewares: [{ stripPrefix: { prefixes: ['/public'] } }, { addPrefix: { prefix: '/internal' } }],
    target: '/public/docs',
    expected: '/internal/docs',
  },
  {
    description: 'prepends to the empty path a full strip leaves, giving the prefix alone',
    middlewares: [{ stripPrefix: { prefixes: ['/api'] } }, { addPrefix: { prefix: '/v2' } }],
    target: '/api',
    expected: '/v2',
  },
];

describe('addPrefix', () => {
  let table: CaseTable;
  before(async () => {
    table = await startCaseTable(cases.map((item) => ({ middlewares: item.middlewares })));
  });
  after(() => table?.close());

  cases.forEach((item, index) => {
    it(item.description, async () => {
      const answer = await table.send(index, item.target);

      assert.equal(answer.status, 200);
      assert.equal(answer.upstream?.url, item.expected);
    });
  });
});
