import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCaseTable, trustingStatic, type CaseTable } from './replace-path/case-table.js';

interface Case {
  readonly description: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly host: string;
  readonly target?: string;
  readonly method?: string;
  readonly forwardedProto?: string;
  /** Status and Location of the redirect, or 200 when the request reaches the upstream. */
  readonly expected: { readonly status: number; readonly location?: string };
}

// Traefik's redirect_scheme_test.go table, sent as real requests: the Host header carries the URL's host and
// port, and an https URL is a request with X-Forwarded-Proto: https from a trusted client (no TLS entryPoint
// yet). Its ForcePermanentRedirect cases are left out: that field is internal to the ingress-nginx provider.
const cases: readonly Case[] = [
  { description: 'redirects HTTP to HTTPS with 302 Found', options: { scheme: 'https' }, host: 'foo', expected: { status: 302, location: 'https://foo/' } },
  { description: 'redirects a request whose X-Forwarded-Proto is http', options: { scheme: 'https' }, host: 'foo', forwardedProto: 'http', expected: { status: 302, location: 'https://foo/' } },
  { description: 'lets through a request whose X-Forwarded-Proto is already https', options: { scheme: 'https' }, host: 'foo', forwardedProto: 'https', expected: { status: 200 } },
  { description: 'ignores an unknown X-Forwarded-Proto and redirects', options: { scheme: 'https' }, host: 'foo', forwardedProto: 'bar', expected: { status: 302, location: 'https://foo/' } },
  { description: 'reads X-Forwarded-Proto ws as http and redirects', options: { scheme: 'https' }, host: 'foo', forwardedProto: 'ws', expected: { status: 302, location: 'https://foo/' } },
  { description: 'reads X-Forwarded-Proto wss as https and lets the request through', options: { scheme: 'https' }, host: 'foo', forwardedProto: 'wss', expected: { status: 200 } },
  { description: 'drops the port of the request when none is configured', options: { scheme: 'https' }, host: 'foo:8080', expected: { status: 302, location: 'https://foo/' } },
  { description: 'adds the configured port', options: { scheme: 'https', port: '8443' }, host: 'foo', expected: { status: 302, location: 'https://foo:8443/' } },
  { description: 'replaces the port of the request with the configured one', options: { scheme: 'https', port: '8443' }, host: 'foo:8000', expected: { status: 302, location: 'https://foo:8443/' } },
  { description: 'redirects an https request to another https port', options: { scheme: 'https', port: '8443' }, host: 'foo:8000', forwardedProto: 'https', expected: { status: 302, location: 'https://foo:8443/' } },
  { description: 'redirects an https request on a port to the default https port', options: { scheme: 'https' }, host: 'foo:8000', forwardedProto: 'https', expected: { status: 302, location: 'https://foo/' } },
  { description: 'keeps the path when it redirects an https request to the default port', options: { scheme: 'https' }, host: 'foo:8000', target: '/theother', forwardedProto: 'https', expected: { status: 302, location: 'https://foo/theother' } },
  { description: 'answers 301 Moved Permanently when permanent', options: { scheme: 'https', port: '8443', permanent: true }, host: 'foo', expected: { status: 301, location: 'https://foo:8443/' } },
  { description: 'lets through an http request on port 80 when redirecting to http port 80', options: { scheme: 'http', port: '80' }, host: 'foo:80', expected: { status: 200 } },
  { description: 'lets through an https request on port 443 when redirecting to https port 443', options: { scheme: 'https', port: '443' }, host: 'foo:443', forwardedProto: 'https', expected: { status: 200 } },
  { description: 'redirects to wss with a port', options: { scheme: 'wss', port: '9443' }, host: 'foo', expected: { status: 302, location: 'wss://foo:9443/' } },
  { description: 'redirects to wss without a port', options: { scheme: 'wss' }, host: 'foo', expected: { status: 302, location: 'wss://foo/' } },
  { description: 'drops the port of the request when redirecting to wss without a port', options: { scheme: 'wss' }, host: 'foo:5678', expected: { status: 302, location: 'wss://foo/' } },
  { description: 'redirects an http request on port 443 to https without a port', options: { scheme: 'https' }, host: 'foo:443', expected: { status: 302, location: 'https://foo/' } },
  { description: 'redirects to another http port', options: { scheme: 'http', port: '8181' }, host: 'foo:8080', expected: { status: 302, location: 'http://foo:8181/' } },
  { description: 'redirects an https request on port 80 to https without a port', options: { scheme: 'https' }, host: 'foo:80', forwardedProto: 'https', expected: { status: 302, location: 'https://foo/' } },
  { description: 'redirects an IPv6 host without a port', options: { scheme: 'https' }, host: '[::1]', expected: { status: 302, location: 'https://[::1]/' } },
  { description: 'redirects an IPv6 host to a configured port', options: { scheme: 'https', port: '8443' }, host: '[::1]', expected: { status: 302, location: 'https://[::1]:8443/' } },
  { description: 'redirects an IPv6 host on port 80 to https without a port, keeping the brackets', options: { scheme: 'https' }, host: '[::1]:80', expected: { status: 302, location: 'https://[::1]/' } },
  { description: 'redirects an IPv6 host on port 80 to a configured port, keeping the brackets', options: { scheme: 'https', port: '8443' }, host: '[::1]:80', expected: { status: 302, location: 'https://[::1]:8443/' } },
  { description: 'keeps the path and the query', options: { scheme: 'https' }, host: 'foo', target: '/a/b?c=1&d', expected: { status: 302, location: 'https://foo/a/b?c=1&d' } },
  { description: 'answers 307 Temporary Redirect to other methods than GET', options: { scheme: 'https' }, host: 'foo', method: 'POST', expected: { status: 307, location: 'https://foo/' } },
  { description: 'answers 307 to HEAD, which is not GET', options: { scheme: 'https' }, host: 'foo', method: 'HEAD', expected: { status: 307, location: 'https://foo/' } },
  { description: 'answers 308 Permanent Redirect to other methods than GET when permanent', options: { scheme: 'https', permanent: true }, host: 'foo', method: 'PUT', expected: { status: 308, location: 'https://foo/' } },
  { description: 'compares X-Forwarded-Proto case-insensitively', options: { scheme: 'https' }, host: 'foo', forwardedProto: 'HTTPS', expected: { status: 200 } },
  { description: 'writes the scheme in lowercase, as Go formats URLs', options: { scheme: 'HTTPS' }, host: 'foo', expected: { status: 302, location: 'https://foo/' } },
  { description: 'keeps the host as sent, case included', options: { scheme: 'https' }, host: 'FOO.example:80', expected: { status: 302, location: 'https://FOO.example/' } },
  { description: 'lets through an http request when redirecting to http without a port', options: { scheme: 'http' }, host: 'foo', expected: { status: 200 } },
  { description: 'redirects to http without a port from another http port', options: { scheme: 'http' }, host: 'foo:8080', expected: { status: 302, location: 'http://foo/' } },
  { description: 'answers 502 Bad Gateway when the configured port makes no valid URL', options: { scheme: 'https', port: 'abc' }, host: 'foo', expected: { status: 502 } },
];

const statusTexts: Readonly<Record<number, string>> = { 301: 'Moved Permanently', 302: 'Found', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 502: 'Bad Gateway' };

describe('redirectScheme', () => {
  let table: CaseTable;
  before(async () => {
    table = await startCaseTable(cases.map((item) => ({ middlewares: [{ redirectScheme: item.options }] })), { static: trustingStatic });
  });
  after(() => table?.close());

  cases.forEach((item, index) => {
    it(item.description, async () => {
      const headers: Record<string, string> = item.forwardedProto === undefined ? {} : { 'X-Forwarded-Proto': item.forwardedProto };
      const method = item.method ?? 'GET';
      const answer = await table.send(index, item.target ?? '/', { host: item.host, method, headers });

      assert.equal(answer.status, item.expected.status);
      if (item.expected.status === 200) {
        assert.equal(answer.upstream?.url, item.target ?? '/');
        return;
      }
      assert.equal(answer.upstream, undefined);
      assert.equal(answer.headers.location, item.expected.location);
      assert.equal(answer.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(answer.headers['x-content-type-options'], undefined);
      assert.equal(answer.body, method === 'HEAD' ? '' : statusTexts[item.expected.status]);
    });
  });
});

describe('redirectScheme behind an entryPoint that does not trust forwarded headers', () => {
  let table: CaseTable;
  before(async () => {
    table = await startCaseTable([{ middlewares: [{ redirectScheme: { scheme: 'https' } }] }]);
  });
  after(() => table?.close());

  it('redirects a request claiming X-Forwarded-Proto: https, since the entryPoint replaces it', async () => {
    const answer = await table.send(0, '/', { host: 'foo', headers: { 'X-Forwarded-Proto': 'https' } });

    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, 'https://foo/');
  });
});
