import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCaseTable, type CaseTable } from './replace-path/case-table.js';

interface Case {
  readonly description: string;
  readonly middlewares: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly target: string;
  /** What the upstream receives (path and query) and the X-Replaced-Path it sees. */
  readonly expected: { readonly target: string; readonly replaced: string };
}

const replace = (path: string): Record<string, unknown> => ({ replacePath: { path } });

// Traefik's replace_path_test.go table, then the query, the default encoding and chaining.
const cases: readonly Case[] = [
  { description: 'replaces a simple path and keeps the original in X-Replaced-Path', middlewares: [replace('/replacement-path')], target: '/example', expected: { target: '/replacement-path', replaced: '/example' } },
  { description: 'replaces a long path', middlewares: [replace('/replacement-path')], target: '/some/really/long/path', expected: { target: '/replacement-path', replaced: '/some/really/long/path' } },
  { description: 'reports an encoded original path as it was encoded', middlewares: [replace('/replacement-path')], target: '/foo%2Fbar', expected: { target: '/replacement-path', replaced: '/foo%2Fbar' } },
  { description: 'takes the replacement as escaped: /foo%2Fbar keeps its encoded slash', middlewares: [replace('/foo%2Fbar')], target: '/path', expected: { target: '/foo%2Fbar', replaced: '/path' } },
  { description: 'keeps a percent-encoded control character encoded', middlewares: [replace('/path/%08bar')], target: '/path/%08bar', expected: { target: '/path/%08bar', replaced: '/path/%08bar' } },
  { description: 'keeps the query string', middlewares: [replace('/y')], target: '/x?q=1', expected: { target: '/y?q=1', replaced: '/x' } },
  { description: 'escapes what the replacement holds that a path cannot carry as is', middlewares: [replace('/a b')], target: '/x', expected: { target: '/a%20b', replaced: '/x' } },
  { description: 'sends / when the replacement is empty', middlewares: [replace('')], target: '/x', expected: { target: '/', replaced: '/x' } },
  { description: 'does not clean the replacement', middlewares: [replace('/a/../b')], target: '/x', expected: { target: '/a/../b', replaced: '/x' } },
  { description: 'adds one X-Replaced-Path per replacement', middlewares: [replace('/y'), replace('/z')], target: '/x', expected: { target: '/z', replaced: '/x, /y' } },
];

describe('replacePath', () => {
  let table: CaseTable;
  before(async () => {
    table = await startCaseTable([...cases.map((item) => ({ middlewares: item.middlewares })), { middlewares: [replace('/a%zz')] }]);
  });
  after(() => table?.close());

  cases.forEach((item, index) => {
    it(item.description, async () => {
      const answer = await table.send(index, item.target);

      assert.equal(answer.status, 200);
      assert.equal(answer.upstream?.url, item.expected.target);
      assert.equal(answer.upstream?.headers['x-replaced-path'], item.expected.replaced);
    });
  });

  it('answers 500 with the reason when the replacement is not a valid escaped path', async () => {
    const answer = await table.send(cases.length, '/x');

    assert.equal(answer.status, 500);
    assert.equal(answer.body, 'invalid URL escape "%zz"\n');
    assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(answer.upstream, undefined);
    await table.junction.waitForOutput(/Unable to unescape url raw path/);
  });
});
