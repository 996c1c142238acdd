import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCaseTable, trustingStatic, type CaseTable } from './replace-path/case-table.js';

interface Case {
  readonly description: string;
  readonly middlewares: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly host: string;
  readonly target?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Status and Location of the answer, or the path and query the upstream receives. */
  readonly expected: { readonly status: number; readonly location?: string } | { readonly upstream: string };
}

const redirect = (regex: string, replacement: string, permanent?: boolean): Record<string, unknown> => ({
  redirectRegex: { regex, replacement, ...(permanent === undefined ? {} : { permanent }) },
});

// Traefik's redirect_regex_test.go table, sent as real requests: the URL the expression sees is
// `http://<Host header><path and query>`. Its cases on TLS requests are left out: there is no TLS entryPoint yet.
const cases: readonly Case[] = [
  {
    description: 'rewrites the URL with groups and answers 302 Found',
    middlewares: [redirect('^(?:http?:\\/\\/)(foo)(\\.com)(:\\d+)(.*)$', 'https://${1}bar$2:443$4')],
    host: 'foo.com:80',
    expected: { status: 302, location: 'https://foobar.com:443/' },
  },
  {
    description: 'lets through a request whose URL the expression does not match',
    middlewares: [redirect('^(?:http?:\\/\\/)(foo)(\\.com)(:\\d+)(.*)$', 'https://${1}bar$2:443$4')],
    host: 'bar.com:80',
    expected: { upstream: '/' },
  },
  { description: 'answers 502 Bad Gateway when the rewritten URL is not valid', middlewares: [redirect('^(.*)$', 'http://192.168.0.%31/')], host: 'foo.com:80', expected: { status: 502 } },
  { description: 'answers 301 Moved Permanently when permanent', middlewares: [redirect('^http://', 'https://$1', true)], host: 'foo', expected: { status: 301, location: 'https://foo/' } },
  { description: 'sees the port of the Host header in the URL', middlewares: [redirect('http://foo:80', 'https://foo:443')], host: 'foo:80', expected: { status: 302, location: 'https://foo:443/' } },
  {
    description: 'builds the URL with http whatever X-Forwarded-Proto says',
    middlewares: [redirect('http://foo:80', 'https://foo:443')],
    host: 'foo:80',
    headers: { 'X-Forwarded-Proto': 'https' },
    expected: { status: 302, location: 'https://foo:443/' },
  },
  { description: 'redirects to another port of the same scheme', middlewares: [redirect('http://foo:80', 'http://foo:88')], host: 'foo:80', expected: { status: 302, location: 'http://foo:88/' } },
  { description: 'answers 307 Temporary Redirect to POST', middlewares: [redirect('^http://', 'https://$1')], host: 'foo', method: 'POST', expected: { status: 307, location: 'https://foo/' } },
  {
    description: 'redirects www to the bare domain without a port',
    middlewares: [redirect('(https?)://[^/:]+(:[0-9]+)?/(.*)', '$1://example.com$2/$3', true)],
    host: 'www.example.com',
    target: '/path',
    expected: { status: 301, location: 'http://example.com/path' },
  },
  {
    description: 'redirects www to the bare domain with a port',
    middlewares: [redirect('(https?)://[^/:]+(:[0-9]+)?/(.*)', '$1://example.com$2/$3', true)],
    host: 'www.example.com:8080',
    target: '/path',
    expected: { status: 301, location: 'http://example.com:8080/path' },
  },
  {
    description: 'redirects www to the bare domain on the root path',
    middlewares: [redirect('(https?)://[^/:]+(:[0-9]+)?/(.*)', '$1://example.com$2/$3', true)],
    host: 'www.example.com',
    expected: { status: 301, location: 'http://example.com/' },
  },
  { description: 'answers 308 Permanent Redirect to POST when permanent', middlewares: [redirect('^http://', 'https://$1', true)], host: 'foo', method: 'POST', expected: { status: 308, location: 'https://foo/' } },
  { description: 'lets through a request whose URL the replacement leaves unchanged', middlewares: [redirect('^(.*)$', '$1')], host: 'foo', target: '/x?y=1', expected: { upstream: '/x?y=1' } },
  {
    description: 'keeps the query in the URL the expression sees',
    middlewares: [redirect('^http://foo/old\\?(.*)$', 'http://foo/new?$1')],
    host: 'foo',
    target: '/old?a=1&b=2',
    expected: { status: 302, location: 'http://foo/new?a=1&b=2' },
  },
  {
    description: 'writes the Location as Go formats the URL: lowercase scheme, escaped path and fragment, query as it is',
    middlewares: [redirect('^http://foo/(.*)', 'HTTPS://Bar/a b/$1#frag ment')],
    host: 'foo',
    target: '/p?x=1',
    expected: { status: 302, location: 'https://Bar/a%20b/p?x=1#frag%20ment' },
  },
  { description: 'redirects to a relative URL', middlewares: [redirect('^http://foo/(.*)', '/relative/$1')], host: 'foo', target: '/path?x=1', expected: { status: 302, location: '/relative/path?x=1' } },
  { description: 'answers 307 to HEAD, without a body', middlewares: [redirect('^http://', 'https://$1')], host: 'foo', method: 'HEAD', expected: { status: 307, location: 'https://foo/' } },
  {
    description: 'sees the path a middleware before it rewrote',
    middlewares: [{ stripPrefix: { prefixes: ['/api'] } }, redirect('^http://([^/]+)/(.*)', 'https://$1/new/$2')],
    host: 'h.test',
    target: '/api/x?y=1',
    expected: { status: 302, location: 'https://h.test/new/x?y=1' },
  },
];

const statusTexts: Readonly<Record<number, string>> = { 301: 'Moved Permanently', 302: 'Found', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 502: 'Bad Gateway' };

describe('redirectRegex', () => {
  let table: CaseTable;
  before(async () => {
    table = await startCaseTable(cases.map((item) => ({ middlewares: item.middlewares })), { static: trustingStatic });
  });
  after(() => table?.close());

  cases.forEach((item, index) => {
    it(item.description, async () => {
      const method = item.method ?? 'GET';
      const answer = await table.send(index, item.target ?? '/', { host: item.host, method, headers: item.headers ?? {} });

      if ('upstream' in item.expected) {
        assert.equal(answer.status, 200);
        assert.equal(answer.upstream?.url, item.expected.upstream);
        return;
      }
      assert.equal(answer.status, item.expected.status);
      assert.equal(answer.upstream, undefined);
      assert.equal(answer.headers.location, item.expected.location);
      assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(answer.headers['x-content-type-options'], undefined);
      assert.equal(answer.body, method === 'HEAD' ? '' : statusTexts[item.expected.status]);
    });
  });
});
