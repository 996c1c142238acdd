import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { get, rawRequest, statusOf } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { withMiddlewares } from '../../support/middleware.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';

/** A middleware configuration tried on its own router (Host `<name>.test`). */
interface Case {
  readonly desc: string;
  readonly headers: Record<string, unknown>;
}

/** Headers every answer carries whatever the middleware does. */
const transportHeaders = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** The response headers a case is about: everything but the transport's. */
function significant(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !transportHeaders.has(name)) kept[name] = value;
  }
  return kept;
}

/**
 * Answers as the upstreams of Traefik's header tests: `/vary-testing` sets `Vary: Testing`, `/vary-origin`
 * sets `Vary: Origin`, `/acao-set` sets an Access-Control-Allow-Origin, `/foo-bar` sets `Foo: bar`; every
 * answer is an empty 200.
 */
function testHandler(request: IncomingMessage, response: ServerResponse): void {
  const byPath: Record<string, Record<string, string>> = {
    '/vary-testing': { vary: 'Testing' },
    '/vary-origin': { vary: 'Origin' },
    '/acao-set': { 'access-control-allow-origin': 'http://foo.bar.org' },
    '/foo-bar': { foo: 'bar' },
  };
  response.writeHead(200, byPath[request.url ?? ''] ?? {});
  response.end();
}

/** Starts one Junction with a router per case, each with its own headers middleware, all to one upstream. */
async function startCases(cases: readonly Case[], upstream: Upstream): Promise<JunctionProcess> {
  const routers: Record<string, unknown> = {};
  const middlewares: Record<string, unknown> = {};
  cases.forEach((test, index) => {
    routers[`case${index}`] = { rule: `Host(\`case${index}.test\`)`, middlewares: [`m${index}`], service: 'app' };
    middlewares[`m${index}`] = { headers: test.headers };
  });
  const dynamic = { http: { routers, middlewares, services: { app: { loadBalancer: { servers: [{ url: upstream.url }] } } } } };
  return startJunction(undefined, { dynamic: JSON.stringify(dynamic, null, 2) });
}

function host(cases: readonly Case[], test: Case): string {
  return `case${cases.indexOf(test)}.test`;
}

describe('headers', () => {
  it('sets custom request headers, replacing what the client sent, and removes those with an empty value', async (t) => {
    const { junction, upstream } = await withMiddlewares(
      t,
      'custom:\n  headers:\n    customRequestHeaders:\n      X-Script-Name: "test"\n      X-Custom-Request-Header: ""\n      X-Replaced: "by-junction"',
      ['custom'],
    );

    await get(`${junction.url('web')}/`, { headers: { 'x-custom-request-header': 'drop me', 'x-replaced': 'by-client', 'x-kept': 'yes' } });

    const seen = upstream.lastRequest.headers;
    assert.equal(seen['x-script-name'], 'test');
    assert.equal(seen['x-custom-request-header'], undefined);
    assert.equal(seen['x-replaced'], 'by-junction');
    assert.equal(seen['x-kept'], 'yes');
  });

  it('sets custom response headers over the upstream\'s and removes those with an empty value', async (t) => {
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        response.writeHead(200, { 'x-powered-by': 'upstream', myname: 'upstream-value', 'content-type': 'text/plain' });
        response.end('ok');
      },
    });
    const { junction } = await withMiddlewares(
      t,
      'custom:\n  headers:\n    customResponseHeaders:\n      Myname: "junction"\n      Myage: "18"\n      X-Powered-By: ""',
      ['custom'],
      { upstream },
    );

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.headers.myname, 'junction');
    assert.equal(response.headers.myage, '18');
    assert.equal(response.headers['x-powered-by'], undefined);
    assert.equal(response.body, 'ok');
  });

  it('sets custom response headers on answers Junction writes itself', async (t) => {
    const dead = await startUpstream(t);
    await dead.close();
    const { junction } = await withMiddlewares(t, 'custom:\n  headers:\n    customResponseHeaders:\n      X-Served-By: "junction"', ['custom'], { upstream: dead });

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 502);
    assert.equal(response.headers['x-served-by'], 'junction');
  });

  it('overrides the Host sent upstream when customRequestHeaders sets Host', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'custom:\n  headers:\n    customRequestHeaders:\n      Host: "rewritten.test"', ['custom']);

    await get(`${junction.url('web')}/`, { headers: { host: 'original.test' } });

    assert.equal(upstream.lastRequest.headers.host, 'rewritten.test');
  });

  it('keeps the client\'s Host when customRequestHeaders removes Host, as Go keeps Host apart from the headers', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'custom:\n  headers:\n    customRequestHeaders:\n      Host: ""', ['custom']);

    await get(`${junction.url('web')}/`, { headers: { host: 'original.test' } });

    assert.equal(upstream.lastRequest.headers.host, 'original.test');
  });

  it('sends a non-ASCII custom header value as its UTF-8 bytes, as Go does', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'custom:\n  headers:\n    customRequestHeaders:\n      X-Greeting: "héllo ☃"\n    customResponseHeaders:\n      X-Greeting: "héllo ☃"', ['custom']);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(Buffer.from(response.headers['x-greeting'] as string, 'latin1').toString('utf8'), 'héllo ☃');
    assert.equal(Buffer.from(upstream.lastRequest.headers['x-greeting'] as string, 'latin1').toString('utf8'), 'héllo ☃');
  });

  describe('custom request headers, as Traefik\'s TestNewHeader_customRequestHeader', () => {
    const cases: Array<Case & { foo: string | undefined; custom: string | undefined }> = [
      { desc: 'adds a header', headers: { customRequestHeaders: { 'X-Custom-Request-Header': 'test_request' } }, foo: 'bar', custom: 'test_request' },
      { desc: 'deletes headers', headers: { customRequestHeaders: { 'X-Custom-Request-Header': '', Foo: '' } }, foo: undefined, custom: undefined },
      { desc: 'overrides a header', headers: { customRequestHeaders: { Foo: 'test' } }, foo: 'test', custom: 'from-client' },
    ];
    let upstream: Upstream;
    let junction: JunctionProcess;
    before(async () => {
      upstream = await startUpstream(undefined);
      junction = await startCases(cases, upstream);
    });
    after(async () => {
      await junction?.stop('SIGKILL');
      await upstream?.close();
    });

    for (const test of cases) {
      it(`${test.desc}: Foo and X-Custom-Request-Header reach the upstream as expected`, async () => {
        const response = await get(`${junction.url('web')}/foo`, { headers: { host: host(cases, test), foo: 'bar', 'x-custom-request-header': 'from-client' } });

        assert.equal(response.status, 200);
        const seen = upstream.lastRequest.headers;
        assert.equal(seen.foo, test.foo);
        assert.equal(seen['x-custom-request-header'], test.custom);
      });
    }
  });

  describe('CORS preflights, as Traefik\'s TestNewHeader_CORSPreflights', () => {
    const cases: Array<Case & { requestHeaders: Record<string, string | string[]>; expected: Record<string, string> }> = [
      {
        desc: 'a simple preflight',
        headers: { accessControlAllowMethods: ['GET', 'OPTIONS', 'PUT'], accessControlAllowOriginList: ['https://foo.bar.org'], accessControlMaxAge: 600 },
        requestHeaders: { 'Access-Control-Request-Headers': 'origin', 'Access-Control-Request-Method': ['GET', 'OPTIONS'], Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': 'https://foo.bar.org', 'access-control-max-age': '600', 'access-control-allow-methods': 'GET,OPTIONS,PUT' },
      },
      {
        desc: 'a preflight with the wildcard origin',
        headers: { accessControlAllowMethods: ['GET', 'OPTIONS', 'PUT'], accessControlAllowOriginList: ['*'], accessControlMaxAge: 600 },
        requestHeaders: { 'Access-Control-Request-Headers': 'origin', 'Access-Control-Request-Method': ['GET', 'OPTIONS'], Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': '*', 'access-control-max-age': '600', 'access-control-allow-methods': 'GET,OPTIONS,PUT' },
      },
      {
        desc: 'a preflight allowing credentials, which echoes the origin instead of the wildcard',
        headers: { accessControlAllowMethods: ['GET', 'OPTIONS', 'PUT'], accessControlAllowOriginList: ['*'], accessControlAllowCredentials: true, accessControlMaxAge: 600 },
        requestHeaders: { 'Access-Control-Request-Headers': 'origin', 'Access-Control-Request-Method': ['GET', 'OPTIONS'], Origin: 'https://foo.bar.org' },
        expected: {
          'access-control-allow-origin': 'https://foo.bar.org',
          'access-control-max-age': '600',
          'access-control-allow-methods': 'GET,OPTIONS,PUT',
          'access-control-allow-credentials': 'true',
        },
      },
      {
        desc: 'a preflight with allowed headers',
        headers: { accessControlAllowMethods: ['GET', 'OPTIONS', 'PUT'], accessControlAllowOriginList: ['*'], accessControlAllowHeaders: ['origin', 'X-Forwarded-For'], accessControlMaxAge: 600 },
        requestHeaders: { 'Access-Control-Request-Headers': 'origin', 'Access-Control-Request-Method': ['GET', 'OPTIONS'], Origin: 'https://foo.bar.org' },
        expected: {
          'access-control-allow-origin': '*',
          'access-control-max-age': '600',
          'access-control-allow-methods': 'GET,OPTIONS,PUT',
          'access-control-allow-headers': 'origin,X-Forwarded-For',
        },
      },
      {
        desc: 'a preflight without Access-Control-Request-Headers',
        headers: { accessControlAllowMethods: ['GET', 'OPTIONS', 'PUT'], accessControlAllowOriginList: ['*'], accessControlAllowHeaders: ['origin', 'X-Forwarded-For'], accessControlMaxAge: 600 },
        requestHeaders: { 'Access-Control-Request-Method': ['GET', 'OPTIONS'], Origin: 'https://foo.bar.org' },
        expected: {
          'access-control-allow-origin': '*',
          'access-control-max-age': '600',
          'access-control-allow-methods': 'GET,OPTIONS,PUT',
          'access-control-allow-headers': 'origin,X-Forwarded-For',
        },
      },
      {
        desc: 'a preflight without accessControlMaxAge',
        headers: { accessControlAllowMethods: ['GET', 'OPTIONS', 'PUT'], accessControlAllowOriginList: ['*'] },
        requestHeaders: { 'Access-Control-Request-Method': ['GET', 'OPTIONS'], Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET,OPTIONS,PUT' },
      },
      {
        desc: 'a preflight with the wildcard methods and headers and credentials, which echoes what was asked',
        headers: { accessControlAllowMethods: ['*'], accessControlAllowHeaders: ['*'], accessControlAllowOriginList: ['https://foo.bar.org'], accessControlAllowCredentials: true },
        requestHeaders: { 'Access-Control-Request-Headers': 'x-a, x-b', 'Access-Control-Request-Method': ['PATCH', 'OPTIONS'], Origin: 'https://foo.bar.org' },
        expected: {
          'access-control-allow-origin': 'https://foo.bar.org',
          'access-control-allow-methods': 'PATCH',
          'access-control-allow-headers': 'x-a, x-b',
          'access-control-allow-credentials': 'true',
        },
      },
      {
        desc: 'a preflight with the wildcard methods and headers without credentials, which sends them as configured',
        headers: { accessControlAllowMethods: ['*'], accessControlAllowHeaders: ['*'], accessControlAllowOriginList: ['https://foo.bar.org'] },
        requestHeaders: { 'Access-Control-Request-Headers': 'x-a', 'Access-Control-Request-Method': 'PATCH', Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': 'https://foo.bar.org', 'access-control-allow-methods': '*', 'access-control-allow-headers': '*' },
      },
      {
        desc: 'a preflight from an origin not allowed, which gets no Access-Control-Allow-Origin',
        headers: { accessControlAllowMethods: ['GET'], accessControlAllowOriginList: ['https://foo.bar.org'], accessControlExposeHeaders: ['X-A', 'X-B'] },
        requestHeaders: { 'Access-Control-Request-Method': 'GET', Origin: 'https://evil.example' },
        expected: { 'access-control-allow-methods': 'GET', 'access-control-expose-headers': 'X-A,X-B' },
      },
      {
        desc: 'a preflight with exposed headers * and credentials, which leaves Access-Control-Expose-Headers out',
        headers: { accessControlAllowOriginList: ['https://foo.bar.org'], accessControlExposeHeaders: ['*'], accessControlAllowCredentials: true, accessControlMaxAge: 0 },
        requestHeaders: { 'Access-Control-Request-Method': 'GET', Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': 'https://foo.bar.org', 'access-control-allow-credentials': 'true', 'access-control-max-age': '0' },
      },
    ];
    let upstream: Upstream;
    let junction: JunctionProcess;
    before(async () => {
      upstream = await startUpstream(undefined);
      junction = await startCases(cases, upstream);
    });
    after(async () => {
      await junction?.stop('SIGKILL');
      await upstream?.close();
    });

    for (const test of cases) {
      it(`answers ${test.desc} itself with 200, Content-Length 0 and only the CORS headers`, async () => {
        const before = upstream.requests.length;
        const response = await get(`${junction.url('web')}/foo`, { method: 'OPTIONS', headers: { host: host(cases, test), ...(test.requestHeaders as Record<string, string>) } });

        assert.equal(response.status, 200);
        assert.equal(response.headers['content-length'], '0');
        assert.equal(response.body, '');
        assert.deepEqual(significant(response.headers), test.expected);
        assert.equal(upstream.requests.length, before);
      });
    }

    it('forwards an OPTIONS request without Access-Control-Request-Method to the upstream', async () => {
      const response = await get(`${junction.url('web')}/foo`, { method: 'OPTIONS', headers: { host: host(cases, cases[0]!), origin: 'https://foo.bar.org' } });

      assert.equal(response.status, 200);
      assert.equal(upstream.lastRequest.method, 'OPTIONS');
      assert.equal(response.headers['access-control-allow-origin'], 'https://foo.bar.org');
    });

    it('forwards an OPTIONS request without Origin to the upstream', async () => {
      const before = upstream.requests.length;
      await get(`${junction.url('web')}/foo`, { method: 'OPTIONS', headers: { host: host(cases, cases[0]!), 'access-control-request-method': 'GET' } });

      assert.equal(upstream.requests.length, before + 1);
    });

    it('forwards a GET with the preflight headers to the upstream', async () => {
      const before = upstream.requests.length;
      await get(`${junction.url('web')}/foo`, { headers: { host: host(cases, cases[0]!), origin: 'https://foo.bar.org', 'access-control-request-method': 'GET' } });

      assert.equal(upstream.requests.length, before + 1);
    });
  });

  describe('CORS on responses, as Traefik\'s TestNewHeader_CORSResponses', () => {
    const cases: Array<Case & { path?: string; requestHeaders: Record<string, string>; expected: Record<string, string> }> = [
      {
        desc: 'a simple request',
        headers: { accessControlAllowOriginList: ['https://foo.bar.org'] },
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': 'https://foo.bar.org' },
      },
      {
        desc: 'a request with the wildcard origin',
        headers: { accessControlAllowOriginList: ['*'] },
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': '*' },
      },
      {
        desc: 'a request whose origin matches an anchored expression',
        headers: { accessControlAllowOriginListRegex: ['^https?://([a-z]+)\\.bar\\.org$'] },
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': 'https://foo.bar.org' },
      },
      {
        desc: 'a request whose origin contains a match of an expression',
        headers: { accessControlAllowOriginListRegex: ['([a-z]+)\\.bar'] },
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': 'https://foo.bar.org' },
      },
      {
        desc: 'a request whose origin matches no expression',
        headers: { accessControlAllowOriginListRegex: ['([a-z]+)\\.bar\\.org'] },
        requestHeaders: { Origin: 'https://bar.org' },
        expected: {},
      },
      {
        desc: 'a request without Origin',
        headers: { accessControlAllowOriginList: ['https://foo.bar.org'] },
        requestHeaders: {},
        expected: {},
      },
      {
        desc: 'a request without Origin to the wildcard origin, which Traefik still answers with *',
        headers: { accessControlAllowOriginList: ['*'] },
        requestHeaders: {},
        expected: { 'access-control-allow-origin': '*' },
      },
      {
        desc: 'a request allowing credentials',
        headers: { accessControlAllowOriginList: ['*'], accessControlAllowCredentials: true },
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': 'https://foo.bar.org', 'access-control-allow-credentials': 'true' },
      },
      {
        desc: 'a request with exposed headers',
        headers: { accessControlAllowOriginList: ['*'], accessControlExposeHeaders: ['origin', 'X-Forwarded-For'] },
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'origin,X-Forwarded-For' },
      },
      {
        desc: 'a request with addVaryHeader',
        headers: { accessControlAllowOriginList: ['https://foo.bar.org'], addVaryHeader: true },
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': 'https://foo.bar.org', vary: 'Origin' },
      },
      {
        desc: 'a request with addVaryHeader whose upstream sends Vary: Testing',
        headers: { accessControlAllowOriginList: ['https://foo.bar.org'], addVaryHeader: true },
        path: '/vary-testing',
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': 'https://foo.bar.org', vary: 'Testing,Origin' },
      },
      {
        desc: 'a request with addVaryHeader whose upstream sends Vary: Origin',
        headers: { accessControlAllowOriginList: ['https://foo.bar.org'], addVaryHeader: true },
        path: '/vary-origin',
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': 'https://foo.bar.org', vary: 'Origin' },
      },
      {
        desc: 'a request whose upstream sets Access-Control-Allow-Origin',
        headers: { accessControlAllowOriginList: ['*'] },
        path: '/acao-set',
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-origin': '*' },
      },
      {
        desc: 'a request from an origin not allowed whose upstream sets Access-Control-Allow-Origin, which is kept',
        headers: { accessControlAllowOriginList: ['https://foo.bar.org'] },
        path: '/acao-set',
        requestHeaders: { Origin: 'https://other.org' },
        expected: { 'access-control-allow-origin': 'http://foo.bar.org' },
      },
      {
        desc: 'a preflight-looking GET with only custom request headers',
        headers: { customRequestHeaders: { foo: 'bar' } },
        requestHeaders: { 'Access-Control-Request-Headers': 'origin', 'Access-Control-Request-Method': 'GET', Origin: 'https://foo.bar.org' },
        expected: {},
      },
      {
        desc: 'a request with credentials and exposed headers *, which leaves Access-Control-Expose-Headers out',
        headers: { accessControlAllowCredentials: true, accessControlExposeHeaders: ['*'] },
        requestHeaders: { Origin: 'https://foo.bar.org' },
        expected: { 'access-control-allow-credentials': 'true' },
      },
    ];
    let upstream: Upstream;
    let junction: JunctionProcess;
    before(async () => {
      upstream = await startUpstream(undefined, { handler: testHandler });
      junction = await startCases(cases, upstream);
    });
    after(async () => {
      await junction?.stop('SIGKILL');
      await upstream?.close();
    });

    for (const test of cases) {
      it(`adds the expected headers to ${test.desc}`, async () => {
        const response = await get(`${junction.url('web')}${test.path ?? '/foo'}`, { headers: { host: host(cases, test), ...test.requestHeaders } });

        assert.equal(response.status, 200);
        assert.deepEqual(significant(response.headers), test.expected);
      });
    }

    it('matches the origin as the custom request headers left it', async (t) => {
      const { junction: rewriting } = await withMiddlewares(
        t,
        'cors:\n  headers:\n    customRequestHeaders:\n      Origin: "https://allowed.org"\n    accessControlAllowOriginList: ["https://allowed.org"]',
        ['cors'],
      );

      const response = await get(`${rewriting.url('web')}/`, { headers: { origin: 'https://other.org' } });

      assert.equal(response.headers['access-control-allow-origin'], 'https://allowed.org');
    });
  });

  describe('custom response headers, as Traefik\'s TestNewHeader_customResponseHeaders', () => {
    const cases: Array<Case & { expected: Record<string, string> }> = [
      { desc: 'a simple response', headers: { customResponseHeaders: { Testing: 'foo', Testing2: 'bar' } }, expected: { foo: 'bar', testing: 'foo', testing2: 'bar' } },
      { desc: 'an empty custom header', headers: { customResponseHeaders: { Testing: 'foo', Testing2: '' } }, expected: { foo: 'bar', testing: 'foo' } },
      { desc: 'a custom header deleting the upstream\'s', headers: { customResponseHeaders: { Testing: 'foo', Foo: '' } }, expected: { testing: 'foo' } },
    ];
    let upstream: Upstream;
    let junction: JunctionProcess;
    before(async () => {
      upstream = await startUpstream(undefined, { handler: testHandler });
      junction = await startCases(cases, upstream);
    });
    after(async () => {
      await junction?.stop('SIGKILL');
      await upstream?.close();
    });

    for (const test of cases) {
      it(`answers ${test.desc} with the expected headers`, async () => {
        const response = await get(`${junction.url('web')}/foo-bar`, { headers: { host: host(cases, test) } });

        assert.deepEqual(significant(response.headers), test.expected);
      });
    }
  });

  describe('security headers, as Traefik\'s Test_newSecure_modifyResponse and unrolled/secure', () => {
    const cases: Array<Case & { requestHeaders?: Record<string, string>; expected: Record<string, string> }> = [
      { desc: 'permissionsPolicy', headers: { permissionsPolicy: 'microphone=(),' }, expected: { 'permissions-policy': 'microphone=(),' } },
      { desc: 'stsSeconds forced over HTTP', headers: { stsSeconds: 1, forceSTSHeader: true }, expected: { 'strict-transport-security': 'max-age=1' } },
      { desc: 'stsSeconds and stsPreload forced over HTTP', headers: { stsSeconds: 1, forceSTSHeader: true, stsPreload: true }, expected: { 'strict-transport-security': 'max-age=1; preload' } },
      {
        desc: 'stsSeconds, stsIncludeSubdomains and stsPreload forced over HTTP',
        headers: { stsSeconds: 315360000, forceSTSHeader: true, stsIncludeSubdomains: true, stsPreload: true },
        expected: { 'strict-transport-security': 'max-age=315360000; includeSubDomains; preload' },
      },
      { desc: 'stsSeconds over HTTP without forceSTSHeader', headers: { stsSeconds: 1 }, expected: {} },
      { desc: 'stsSeconds 0 forced over HTTP', headers: { stsSeconds: 0, forceSTSHeader: true }, expected: {} },
      {
        desc: 'stsSeconds when an sslProxyHeaders header says HTTPS',
        headers: { stsSeconds: 60, sslProxyHeaders: { 'X-Is-Https': 'on' } },
        requestHeaders: { 'X-Is-Https': 'on' },
        expected: { 'strict-transport-security': 'max-age=60' },
      },
      {
        desc: 'stsSeconds when an sslProxyHeaders header has another value',
        headers: { stsSeconds: 60, sslProxyHeaders: { 'X-Is-Https': 'on' } },
        requestHeaders: { 'X-Is-Https': 'off' },
        expected: {},
      },
      { desc: 'stsSeconds forced in development', headers: { stsSeconds: 60, forceSTSHeader: true, isDevelopment: true }, expected: {} },
      { desc: 'customFrameOptionsValue', headers: { customFrameOptionsValue: 'foo' }, expected: { 'x-frame-options': 'foo' } },
      { desc: 'frameDeny', headers: { frameDeny: true }, expected: { 'x-frame-options': 'DENY' } },
      { desc: 'customFrameOptionsValue over frameDeny', headers: { frameDeny: true, customFrameOptionsValue: 'SAMEORIGIN' }, expected: { 'x-frame-options': 'SAMEORIGIN' } },
      { desc: 'contentTypeNosniff', headers: { contentTypeNosniff: true }, expected: { 'x-content-type-options': 'nosniff' } },
      { desc: 'browserXssFilter', headers: { browserXssFilter: true }, expected: { 'x-xss-protection': '1; mode=block' } },
      { desc: 'customBrowserXSSValue over browserXssFilter', headers: { browserXssFilter: true, customBrowserXSSValue: '0' }, expected: { 'x-xss-protection': '0' } },
      { desc: 'contentSecurityPolicy', headers: { contentSecurityPolicy: "default-src 'self'" }, expected: { 'content-security-policy': "default-src 'self'" } },
      {
        desc: 'contentSecurityPolicyReportOnly',
        headers: { contentSecurityPolicyReportOnly: 'default-src https:; report-uri /csp' },
        expected: { 'content-security-policy-report-only': 'default-src https:; report-uri /csp' },
      },
      { desc: 'referrerPolicy', headers: { referrerPolicy: 'same-origin' }, expected: { 'referrer-policy': 'same-origin' } },
      { desc: 'publicKey over HTTP', headers: { publicKey: 'pin-sha256="base64+primary=="; max-age=5184000' }, expected: {} },
      {
        desc: 'publicKey when an sslProxyHeaders header says HTTPS',
        headers: { publicKey: 'pin-sha256="base64+primary=="; max-age=5184000', sslProxyHeaders: { 'X-Is-Https': 'on' } },
        requestHeaders: { 'X-Is-Https': 'on' },
        expected: { 'public-key-pins': 'pin-sha256="base64+primary=="; max-age=5184000' },
      },
      {
        desc: 'publicKey over HTTPS in development',
        headers: { publicKey: 'pin-sha256="x"', isDevelopment: true, sslProxyHeaders: { 'X-Is-Https': 'on' } },
        requestHeaders: { 'X-Is-Https': 'on' },
        expected: {},
      },
      { desc: 'featurePolicy, which Traefik v3 no longer sends', headers: { featurePolicy: "vibrate 'none'" }, expected: {} },
      { desc: 'sslRedirect, which Traefik v3 no longer applies', headers: { sslRedirect: true, sslHost: 'secure.test', sslForceHost: true }, expected: {} },
      { desc: 'stsSeconds 0 alone, which is still a valid configuration', headers: { stsSeconds: 0 }, expected: {} },
      {
        desc: 'frameDeny and a custom response header removing X-Frame-Options',
        headers: { frameDeny: true, customResponseHeaders: { 'X-Frame-Options': '' } },
        expected: {},
      },
      {
        desc: 'frameDeny and a custom response header setting X-Frame-Options',
        headers: { frameDeny: true, customResponseHeaders: { 'X-Frame-Options': 'SAMEORIGIN' } },
        expected: { 'x-frame-options': 'SAMEORIGIN' },
      },
    ];
    let upstream: Upstream;
    let junction: JunctionProcess;
    before(async () => {
      upstream = await startUpstream(undefined, { handler: testHandler });
      junction = await startCases(cases, upstream);
    });
    after(async () => {
      await junction?.stop('SIGKILL');
      await upstream?.close();
    });

    for (const test of cases) {
      it(`answers with ${test.desc} the expected headers`, async () => {
        const response = await get(`${junction.url('web')}/foo`, { headers: { host: host(cases, test), ...test.requestHeaders } });

        assert.equal(response.status, 200);
        assert.deepEqual(significant(response.headers), test.expected);
      });
    }

    it('replaces the upstream\'s value of a security header', async (t) => {
      const framing = await startUpstream(t, {
        handler: (_request, response) => {
          response.writeHead(200, { 'x-frame-options': 'ALLOWALL' });
          response.end();
        },
      });
      const { junction: replacing } = await withMiddlewares(t, 'secure:\n  headers:\n    frameDeny: true', ['secure'], { upstream: framing });

      const response = await get(`${replacing.url('web')}/`);

      assert.equal(response.headers['x-frame-options'], 'DENY');
    });

    it('fills $NONCE in the policies with one fresh nonce per response', async (t) => {
      const { junction: nonces } = await withMiddlewares(
        t,
        "csp:\n  headers:\n    contentSecurityPolicy: \"script-src $NONCE 'self'\"\n    contentSecurityPolicyReportOnly: \"script-src $NONCE\"",
        ['csp'],
      );

      const first = await get(`${nonces.url('web')}/`);
      const second = await get(`${nonces.url('web')}/`);

      const policy = /^script-src 'nonce-([A-Za-z0-9+/]{22})' 'self'$/.exec(first.headers['content-security-policy'] as string);
      assert.ok(policy, String(first.headers['content-security-policy']));
      assert.equal(first.headers['content-security-policy-report-only'], `script-src 'nonce-${policy[1]}'`);
      assert.notEqual(second.headers['content-security-policy'], first.headers['content-security-policy']);
    });

    it('adds the security headers to answers Junction writes itself', async (t) => {
      const dead = await startUpstream(t);
      await dead.close();
      const { junction: failing } = await withMiddlewares(t, 'secure:\n  headers:\n    frameDeny: true', ['secure'], { upstream: dead });

      const response = await get(`${failing.url('web')}/`);

      assert.equal(response.status, 502);
      assert.equal(response.headers['x-frame-options'], 'DENY');
    });

    it('logs that the options Traefik v3 ignores have no effect', async (t) => {
      const { junction: deprecated } = await withMiddlewares(t, 'old:\n  headers:\n    sslRedirect: true\n    featurePolicy: "x"', ['old']);

      await deprecated.waitForOutput(/headers option sslRedirect has no effect since Traefik v3; use the redirectScheme middleware or an entryPoint redirection/);
      await deprecated.waitForOutput(/headers option featurePolicy has no effect since Traefik v3; use permissionsPolicy/);
      const response = await get(`${deprecated.url('web')}/`);
      assert.equal(response.status, 200);
    });
  });

  describe('allowed hosts, as Traefik\'s TestNew_allowedHosts', () => {
    it('accepts a host in the list, whatever its case', async (t) => {
      const { junction } = await withMiddlewares(t, 'hosts:\n  headers:\n    allowedHosts: ["foo.com", "bar.com"]', ['hosts']);

      assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'foo.com' } })).status, 200);
      assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'BAR.com' } })).status, 200);
    });

    it('refuses a host not in the list with 500 "Bad Host" before the upstream sees it', async (t) => {
      const { junction, upstream } = await withMiddlewares(t, 'hosts:\n  headers:\n    allowedHosts: ["foo.com", "bar.com"]', ['hosts']);

      const response = await get(`${junction.url('web')}/`, { headers: { host: 'boo.com' } });

      assert.equal(response.status, 500);
      assert.equal(response.body, 'Bad Host\n');
      assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(upstream.requests.length, 0);
    });

    it('refuses a request without Host', async (t) => {
      const { junction } = await withMiddlewares(t, 'hosts:\n  headers:\n    allowedHosts: ["foo.com", "bar.com"]', ['hosts']);

      const raw = await rawRequest(junction.ports.web!, 'GET / HTTP/1.0\r\n\r\n');

      assert.equal(statusOf(raw), 500);
      assert.match(raw, /\r\n\r\nBad Host\n$/);
    });

    it('compares the whole Host, port included, as Traefik does', async (t) => {
      const { junction } = await withMiddlewares(t, 'hosts:\n  headers:\n    allowedHosts: ["foo.com", "foo.com:8080"]', ['hosts']);

      assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'foo.com:8080' } })).status, 200);
      assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'foo.com:9090' } })).status, 500);
    });

    it('checks the first non-empty hostsProxyHeaders header instead of Host', async (t) => {
      const { junction } = await withMiddlewares(t, 'hosts:\n  headers:\n    allowedHosts: ["foo.com"]\n    hostsProxyHeaders: ["X-Original-Host", "X-Other-Host"]', ['hosts']);

      assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'internal', 'x-original-host': 'foo.com' } })).status, 200);
      assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'internal', 'x-original-host': '', 'x-other-host': 'foo.com' } })).status, 200);
      assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'foo.com', 'x-original-host': 'evil.com' } })).status, 500);
      assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'foo.com' } })).status, 200);
    });

    it('lets every host through in development', async (t) => {
      const { junction } = await withMiddlewares(t, 'hosts:\n  headers:\n    allowedHosts: ["foo.com"]\n    isDevelopment: true', ['hosts']);

      assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'boo.com' } })).status, 200);
    });

    it('writes the Bad Host answer with the custom and CORS response headers but not the security ones', async (t) => {
      const { junction } = await withMiddlewares(
        t,
        'hosts:\n  headers:\n    allowedHosts: ["foo.com"]\n    frameDeny: true\n    customResponseHeaders:\n      X-Custom: "yes"\n    accessControlAllowOriginList: ["*"]',
        ['hosts'],
      );

      const response = await get(`${junction.url('web')}/`, { headers: { host: 'boo.com', origin: 'https://a.org' } });

      assert.equal(response.status, 500);
      assert.equal(response.headers['x-custom'], 'yes');
      assert.equal(response.headers['access-control-allow-origin'], '*');
      assert.equal(response.headers['x-frame-options'], undefined);
    });

    it('answers a preflight before checking the host, as Traefik does', async (t) => {
      const { junction } = await withMiddlewares(t, 'hosts:\n  headers:\n    allowedHosts: ["foo.com"]\n    frameDeny: true\n    accessControlAllowOriginList: ["*"]', ['hosts']);

      const response = await get(`${junction.url('web')}/`, { method: 'OPTIONS', headers: { host: 'boo.com', origin: 'https://a.org', 'access-control-request-method': 'GET' } });

      assert.equal(response.status, 200);
      assert.equal(response.headers['access-control-allow-origin'], '*');
      assert.equal(response.headers['x-frame-options'], undefined);
    });
  });

  it('edits the request of a WebSocket upgrade but leaves its 101 answer as the upstream sent it, as Traefik', async (t) => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    t.after(() => {
      for (const socket of server.clients) socket.terminate();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    let upgradeHeaders: IncomingHttpHeaders = {};
    server.on('connection', (socket, request) => {
      upgradeHeaders = request.headers;
      socket.on('message', (data) => socket.send(`echo: ${data.toString()}`));
    });
    const port = (server.address() as { port: number }).port;
    const upstream = { url: `http://127.0.0.1:${port}` } as Upstream;
    const { junction } = await withMiddlewares(
      t,
      'custom:\n  headers:\n    customRequestHeaders:\n      X-Upgrade-Seen: "yes"\n    customResponseHeaders:\n      X-Custom: "yes"\n    frameDeny: true',
      ['custom'],
      { upstream },
    );

    const client = new WebSocket(`ws://127.0.0.1:${junction.ports.web}/chat`);
    t.after(() => client.terminate());
    const answer = new Promise<IncomingMessage>((resolve) => client.once('upgrade', resolve));
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    const reply = new Promise<string>((resolve) => client.once('message', (data) => resolve(data.toString())));
    client.send('ping');

    assert.equal(await reply, 'echo: ping');
    assert.equal(upgradeHeaders['x-upgrade-seen'], 'yes');
    const switching = await answer;
    assert.equal(switching.headers['x-custom'], undefined);
    assert.equal(switching.headers['x-frame-options'], undefined);
  });

  it('reloads a changed headers middleware', async (t) => {
    const upstream = await startUpstream(t);
    const config = (value: string): string => `
http:
  routers:
    app: { rule: "PathPrefix(\`/\`)", middlewares: [custom], service: app }
  middlewares:
    custom: { headers: { customResponseHeaders: { X-Version: "${value}" } } }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`;
    const junction = await startJunction(t, { dynamic: config('one') });
    assert.equal((await get(`${junction.url('web')}/`)).headers['x-version'], 'one');

    const from = junction.output().length;
    await junction.writeDynamic(config('two'));
    await junction.waitForOutput(/configuration applied/, { from });

    assert.equal((await get(`${junction.url('web')}/`)).headers['x-version'], 'two');
  });
});
