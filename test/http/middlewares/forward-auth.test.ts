import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { get, rawRequest } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { startUpstream, type RecordedRequest, type Upstream, type UpstreamHandler } from '../../support/upstream.js';
import { until } from '../../support/until.js';

const fixtures = fileURLToPath(new URL('../../../../test/fixtures/forward-auth/', import.meta.url));
const fixture = (name: string): string => `${fixtures}${name}`;

/** Static configuration whose web entryPoint trusts every client's X-Forwarded-* headers. */
const trustingStatic = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    forwardedHeaders:
      insecure: true
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

interface Setup {
  readonly junction: JunctionProcess;
  readonly auth: Upstream;
  readonly upstream: Upstream;
}

/** Starts an authentication server, an upstream and a Junction whose router `app` uses forwardAuth with `options`. */
async function withForwardAuth(
  t: TestContext,
  options: { auth?: UpstreamHandler; upstream?: UpstreamHandler; config?: string; address?: (auth: Upstream) => string; static?: string; rule?: string },
): Promise<Setup> {
  const auth = await startUpstream(t, { name: 'auth', handler: options.auth ?? ((_request, response) => response.end()) });
  const upstream = await startUpstream(t, { name: 'app', ...(options.upstream !== undefined ? { handler: options.upstream } : {}) });
  const address = options.address?.(auth) ?? `${auth.url}/auth`;
  const junction = await startJunction(t, {
    ...(options.static !== undefined ? { static: options.static } : {}),
    dynamic: forwardAuthConfig(upstream.url, `address: ${JSON.stringify(address)}\n${options.config ?? ''}`, options.rule),
  });
  return { junction, auth, upstream };
}

function forwardAuthConfig(upstreamUrl: string, options: string, rule = 'PathPrefix(`/`)', extraRouters = ''): string {
  return `
http:
  routers:
    app: { rule: ${JSON.stringify(rule)}, middlewares: [auth], service: app }${extraRouters}
  middlewares:
    auth:
      forwardAuth:
${options.replace(/^/gm, '        ')}
  services:
    app: { loadBalancer: { servers: [{ url: "${upstreamUrl}" }] } }
`;
}

/** Every value of a header as received, in order, whatever the case of its name. */
function values(recorded: RecordedRequest, name: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < recorded.rawHeaders.length; i += 2) if (recorded.rawHeaders[i]!.toLowerCase() === name) found.push(recorded.rawHeaders[i + 1]!);
  return found;
}

/** Header names (lowercase) an authentication request carried, minus those of the connection itself. */
function headerNames(recorded: RecordedRequest): string[] {
  const names = new Set<string>();
  for (let i = 0; i < recorded.rawHeaders.length; i += 2) names.add(recorded.rawHeaders[i]!.toLowerCase());
  for (const name of ['host', 'connection', 'accept-encoding']) names.delete(name);
  return [...names].sort();
}

/** Go's `http.Error`: status, plain-text headers and the text with a newline. */
function goError(response: ServerResponse, text: string, status: number): void {
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.statusCode = status;
  response.end(`${text}\n`);
}

describe('forwardAuth', () => {
  describe('answers', () => {
    it('returns any answer other than 2xx to the client with its status, headers and body, and calls no upstream', async (t) => {
      const { junction, upstream } = await withForwardAuth(t, {
        auth: (_request, response) => {
          response.setHeader('Proxy-Authenticate', 'test');
          goError(response, 'Forbidden', 403);
        },
      });

      const response = await get(`${junction.url('web')}/`);

      assert.equal(response.status, 403);
      assert.equal(response.headers['proxy-authenticate'], 'test');
      assert.equal(response.body, 'Forbidden\n');
      assert.equal(upstream.requests.length, 0);
    });

    it('returns exactly the authentication server\'s headers on a refusal, cookies included', async (t) => {
      const { junction } = await withForwardAuth(t, {
        auth: (_request, response) => {
          response.setHeader('Set-Cookie', 'example=testing; Path=/');
          response.setHeader('X-Foo', 'bar');
          goError(response, 'Forbidden', 403);
        },
      });

      const response = await get(`${junction.url('web')}/`);

      assert.equal(response.status, 403);
      const names = Object.keys(response.headers).filter((name) => name !== 'connection' && name !== 'keep-alive').sort();
      assert.deepEqual(names, ['content-length', 'content-type', 'date', 'set-cookie', 'x-content-type-options', 'x-foo']);
      assert.equal(response.headers['content-length'], '10');
      assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
      assert.deepEqual(response.headers['set-cookie'], ['example=testing; Path=/']);
      assert.equal(response.body, 'Forbidden\n');
    });

    it('drops hop-by-hop headers of the authentication server\'s answer', async (t) => {
      const { junction } = await withForwardAuth(t, {
        auth: (_request, response) => {
          response.setHeader('Keep-Alive', 'test');
          response.setHeader('Te', 'test');
          response.setHeader('Trailers', 'test');
          response.setHeader('Upgrade', 'test');
          response.writeHead(302, { Location: 'http://example.com/redirect-test' });
          response.end('<a href="http://example.com/redirect-test">Found</a>.\n\n');
        },
      });

      const response = await get(`${junction.url('web')}/`);

      assert.equal(response.status, 302);
      assert.equal(response.headers.location, 'http://example.com/redirect-test');
      for (const name of ['te', 'trailers', 'upgrade', 'transfer-encoding']) assert.equal(response.headers[name], undefined);
      assert.notEqual(response.headers['keep-alive'], 'test');
      assert.notEqual(response.body, '');
    });

    for (const status of [200, 204, 299]) {
      it(`lets the request through on ${status}, sending the upstream the original method, path and query`, async (t) => {
        const { junction, upstream } = await withForwardAuth(t, { auth: (_request, response) => response.writeHead(status).end() });

        const response = await get(`${junction.url('web')}/orders?id=1`, { method: 'PUT', body: 'x' });

        assert.equal(response.status, 200);
        assert.equal(upstream.lastRequest.method, 'PUT');
        assert.equal(upstream.lastRequest.url, '/orders?id=1');
      });
    }

    for (const status of [300, 401, 404, 500]) {
      it(`returns ${status} from the authentication server to the client`, async (t) => {
        const { junction, upstream } = await withForwardAuth(t, { auth: (_request, response) => response.writeHead(status).end('no') });

        const response = await get(`${junction.url('web')}/`);

        assert.equal(response.status, status);
        assert.equal(response.body, 'no');
        assert.equal(upstream.requests.length, 0);
      });
    }

    it('answers HEAD with the authentication server\'s status and no body', async (t) => {
      const { junction } = await withForwardAuth(t, { auth: (_request, response) => goError(response, 'Forbidden', 403) });

      const response = await get(`${junction.url('web')}/`, { method: 'HEAD' });

      assert.equal(response.status, 403);
      assert.equal(response.body, '');
    });
  });

  describe('Location', () => {
    it('keeps an absolute Location', async (t) => {
      const { junction } = await withForwardAuth(t, { auth: (_request, response) => response.writeHead(302, { Location: 'http://example.com/redirect-test' }).end('x') });

      const response = await get(`${junction.url('web')}/`);

      assert.equal(response.headers.location, 'http://example.com/redirect-test');
    });

    for (const { location, expected } of [
      { location: '/login', expected: (authUrl: string) => `${authUrl}/login` },
      { location: 'login?next=/a', expected: (authUrl: string) => `${authUrl}/check/login?next=/a` },
      { location: '../up/./x', expected: (authUrl: string) => `${authUrl}/up/x` },
      { location: '//other.test/path', expected: () => 'http://other.test/path' },
    ]) {
      it(`resolves a relative Location ${location} against the authentication server's address`, async (t) => {
        const { junction, auth } = await withForwardAuth(t, { auth: (_request, response) => response.writeHead(302, { Location: location }).end(), address: (server) => `${server.url}/check/auth` });

        const response = await get(`${junction.url('web')}/`);

        assert.equal(response.status, 302);
        assert.equal(response.headers.location, expected(auth.url));
      });
    }

    it('keeps a relative Location as it is with preserveLocationHeader', async (t) => {
      const { junction } = await withForwardAuth(t, {
        auth: (_request, response) => {
          response.setHeader('Location', '/index.html');
          goError(response, 'Unauthorized', 401);
        },
        config: 'preserveLocationHeader: true',
      });

      const response = await get(`${junction.url('web')}/`);

      assert.equal(response.status, 401);
      assert.equal(response.headers.location, '/index.html');
    });

    it('answers 500 when the Location cannot be read', async (t) => {
      const { junction } = await withForwardAuth(t, { auth: (_request, response) => response.writeHead(302, { Location: '/%zz' }).end() });

      const response = await get(`${junction.url('web')}/`);

      assert.equal(response.status, 500);
      assert.equal(response.body, '');
    });
  });

  describe('authResponseHeaders, authResponseHeadersRegex and addAuthCookiesToResponse', () => {
    it('copies the listed headers and those matching the regex, replaces what the client sent, and merges the listed cookies', async (t) => {
      const { junction, upstream } = await withForwardAuth(t, {
        auth: (_request, response) => {
          response.setHeader('X-Auth-User', 'user@example.com');
          response.setHeader('X-Auth-Secret', 'secret');
          response.setHeader('X-Auth-Group', ['group1', 'group2']);
          response.setHeader('Foo-Bar', 'auth-value');
          response.setHeader('Set-Cookie', ['authCookie=Auth', 'authCookieNotAdded=Auth']);
          response.end('Success\n');
        },
        upstream: (_request, response) => {
          response.setHeader('Set-Cookie', ['authCookie=Backend', 'backendCookie=Backend']);
          response.setHeader('Other-Header', 'BackendHeaderValue');
          response.end('traefik\n');
        },
        config: 'authResponseHeaders: [X-Auth-User, X-Auth-Group]\nauthResponseHeadersRegex: "^Foo-"\naddAuthCookiesToResponse: [authCookie]',
      });

      const response = await get(`${junction.url('web')}/`, { headers: { 'X-Auth-Group': 'admin_group', 'Foo-Bar': 'client-value', 'Foo-Baz': 'client-value' } });

      assert.equal(response.status, 200);
      assert.deepEqual(values(upstream.lastRequest, 'x-auth-user'), ['user@example.com']);
      assert.deepEqual(values(upstream.lastRequest, 'x-auth-secret'), []);
      assert.deepEqual(values(upstream.lastRequest, 'x-auth-group'), ['group1', 'group2']);
      assert.deepEqual(values(upstream.lastRequest, 'foo-bar'), ['auth-value']);
      assert.deepEqual(values(upstream.lastRequest, 'foo-baz'), []);
      assert.deepEqual(response.headers['set-cookie'], ['backendCookie=Backend', 'authCookie=Auth']);
      assert.equal(response.headers['other-header'], 'BackendHeaderValue');
      assert.equal(response.body, 'traefik\n');
    });

    it('removes a listed header the client sent even when the authentication server does not return it', async (t) => {
      const { junction, upstream } = await withForwardAuth(t, { config: 'authResponseHeaders: [x-auth-user]' });

      await get(`${junction.url('web')}/`, { headers: { 'X-Auth-User': 'admin' } });

      assert.deepEqual(values(upstream.lastRequest, 'x-auth-user'), []);
    });

    it('copies nothing to the request or the response that is not configured', async (t) => {
      const { junction, upstream } = await withForwardAuth(t, {
        auth: (_request, response) => {
          response.setHeader('X-Auth-User', 'someone');
          response.setHeader('Set-Cookie', 'session=auth');
          response.end();
        },
      });

      const response = await get(`${junction.url('web')}/`);

      assert.deepEqual(values(upstream.lastRequest, 'x-auth-user'), []);
      assert.equal(response.headers['x-auth-user'], undefined);
      assert.equal(response.headers['set-cookie'], undefined);
    });

    it('rewrites the upstream\'s cookies Go\'s way once the authentication server set a cookie', async (t) => {
      const { junction } = await withForwardAuth(t, {
        auth: (_request, response) => response.writeHead(200, { 'Set-Cookie': 'auth=1' }).end(),
        upstream: (_request, response) => {
          response.setHeader('Set-Cookie', ['a=b; path=/; httponly; secure; samesite=lax; unknown=x', 'bad name=x', 'e="quoted value"; Max-Age=0; Domain=.example.com']);
          response.end('ok');
        },
      });

      const response = await get(`${junction.url('web')}/`);

      assert.deepEqual(response.headers['set-cookie'], ['a=b; Path=/; HttpOnly; Secure; SameSite=Lax', 'e="quoted value"; Domain=example.com; Max-Age=0']);
    });

    it('matches the regex against Go\'s canonical header names', async (t) => {
      const { junction, upstream } = await withForwardAuth(t, {
        auth: (_request, response) => response.writeHead(200, { 'x-group-id': '7', 'X-Other': 'no' }).end(),
        config: 'authResponseHeadersRegex: "^X-Group-"',
      });

      await get(`${junction.url('web')}/`, { headers: { 'x-group-name': 'spoofed' } });

      assert.deepEqual(values(upstream.lastRequest, 'x-group-id'), ['7']);
      assert.deepEqual(values(upstream.lastRequest, 'x-group-name'), []);
      assert.deepEqual(values(upstream.lastRequest, 'x-other'), []);
    });
  });

  describe('the authentication request', () => {
    it('asks with GET, the configured address and no body, whatever the request', async (t) => {
      const { junction, auth, upstream } = await withForwardAuth(t, { address: (server) => `${server.url}/auth?check=1` });

      await get(`${junction.url('web')}/orders?id=1`, { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } });

      assert.equal(auth.lastRequest.method, 'GET');
      assert.equal(auth.lastRequest.url, '/auth?check=1');
      assert.equal(auth.lastRequest.body.length, 0);
      assert.equal(upstream.lastRequest.body.toString(), 'payload');
    });

    it('keeps the request method with preserveRequestMethod', async (t) => {
      const { junction, auth, upstream } = await withForwardAuth(t, { config: 'preserveRequestMethod: true' });

      const response = await get(`${junction.url('web')}/`, { method: 'POST' });

      assert.equal(response.status, 200);
      assert.equal(auth.lastRequest.method, 'POST');
      assert.equal(upstream.lastRequest.method, 'POST');
    });

    it('sends the body with forwardBody, to the authentication server and then to the upstream', async (t) => {
      const { junction, auth, upstream } = await withForwardAuth(t, { config: `forwardBody: true\nmaxBodySize: ${'forwardBodyTest'.length}` });

      const response = await get(`${junction.url('web')}/`, { method: 'POST', body: 'forwardBodyTest' });

      assert.equal(response.status, 200);
      assert.equal(auth.lastRequest.body.toString(), 'forwardBodyTest');
      assert.equal(values(auth.lastRequest, 'content-length')[0], '15');
      assert.equal(upstream.lastRequest.body.toString(), 'forwardBodyTest');
    });

    it('sends a chunked body chunked with forwardBody', async (t) => {
      const { junction, auth, upstream } = await withForwardAuth(t, { config: 'forwardBody: true' });
      const port = junction.ports.web!;

      const raw = await rawRequest(port, 'POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');

      assert.match(raw, /^HTTP\/1\.1 200/);
      assert.equal(auth.lastRequest.body.toString(), 'hello world');
      assert.deepEqual(values(auth.lastRequest, 'transfer-encoding'), ['chunked']);
      assert.equal(upstream.lastRequest.body.toString(), 'hello world');
    });

    it('sends no body for an empty one with forwardBody', async (t) => {
      const { junction, auth, upstream } = await withForwardAuth(t, { config: 'forwardBody: true' });

      const response = await get(`${junction.url('web')}/`, { method: 'POST', body: '' });

      assert.equal(response.status, 200);
      assert.equal(auth.requests.length, 1);
      assert.equal(auth.lastRequest.body.length, 0);
      assert.equal(upstream.requests.length, 1);
    });

    it('answers 401 without asking when the body is larger than maxBodySize', async (t) => {
      const { junction, auth, upstream } = await withForwardAuth(t, { config: `forwardBody: true\nmaxBodySize: ${'forwardBodyTest'.length - 1}` });

      const response = await get(`${junction.url('web')}/`, { method: 'POST', body: 'forwardBodyTest' });

      assert.equal(response.status, 401);
      assert.equal(response.body, '');
      assert.equal(auth.requests.length, 0);
      assert.equal(upstream.requests.length, 0);
    });

    it('asks for gzip on the client\'s behalf and hands a refusal over decompressed', async (t) => {
      const { junction, auth } = await withForwardAuth(t, {
        auth: (_request, response) => response.writeHead(403, { 'Content-Encoding': 'gzip', 'Content-Type': 'text/plain' }).end(gzipSync('compressed refusal')),
      });

      const response = await get(`${junction.url('web')}/`);

      assert.deepEqual(values(auth.lastRequest, 'accept-encoding'), ['gzip']);
      assert.equal(response.status, 403);
      assert.equal(response.headers['content-encoding'], undefined);
      assert.equal(response.headers['content-length'], String('compressed refusal'.length));
      assert.equal(response.body, 'compressed refusal');
    });

    it('passes the client\'s Accept-Encoding and the encoded refusal as they are', async (t) => {
      const { junction, auth } = await withForwardAuth(t, {
        auth: (_request, response) => response.writeHead(403, { 'Content-Encoding': 'gzip' }).end(gzipSync('compressed refusal')),
      });

      const response = await request(`${junction.url('web')}/`, { headers: { 'accept-encoding': 'gzip, br' } });
      const body = Buffer.from(await response.body.arrayBuffer());

      assert.deepEqual(values(auth.lastRequest, 'accept-encoding'), ['gzip, br']);
      assert.equal(response.headers['content-encoding'], 'gzip');
      assert.deepEqual(body, gzipSync('compressed refusal'));
    });
  });

  describe('maxResponseBodySize', () => {
    for (const { description, limit, status, body, expectedStatus, expectedBody } of [
      { description: 'a refusal with no limit', limit: -1, status: 403, body: 'Forbidden', expectedStatus: 403, expectedBody: 'Forbidden' },
      { description: 'a refusal over the limit', limit: 1, status: 403, body: 'Forbidden', expectedStatus: 401, expectedBody: '' },
      { description: 'a success within the limit', limit: 100, status: 200, body: 'ok', expectedStatus: 200, expectedBody: 'traefik\n' },
      { description: 'a success over the limit', limit: 1, status: 200, body: 'large auth response', expectedStatus: 401, expectedBody: '' },
    ]) {
      it(`answers ${expectedStatus} for ${description}`, async (t) => {
        const { junction } = await withForwardAuth(t, {
          auth: (_request, response) => response.writeHead(status).end(body),
          upstream: (_request, response) => response.end('traefik\n'),
          config: `maxResponseBodySize: ${limit}`,
        });

        const response = await get(`${junction.url('web')}/`);

        assert.equal(response.status, expectedStatus);
        assert.equal(response.body, expectedBody);
      });
    }
  });

  describe('authSigninURL', () => {
    for (const { description, signin, authStatus, expectedStatus, expectedLocation, isUpstreamCalled } of [
      { description: 'redirects to the sign-in URL on 401', signin: 'https://auth.example.com/login', authStatus: 401, expectedStatus: 302, expectedLocation: 'https://auth.example.com/login', isUpstreamCalled: false },
      { description: 'returns 401 without a sign-in URL', signin: undefined, authStatus: 401, expectedStatus: 401, expectedLocation: undefined, isUpstreamCalled: false },
      { description: 'returns other refusals with a sign-in URL', signin: 'https://auth.example.com/login', authStatus: 403, expectedStatus: 403, expectedLocation: undefined, isUpstreamCalled: false },
      { description: 'lets 200 through with a sign-in URL', signin: 'https://auth.example.com/login', authStatus: 200, expectedStatus: 200, expectedLocation: undefined, isUpstreamCalled: true },
    ]) {
      it(description, async (t) => {
        const { junction, upstream } = await withForwardAuth(t, {
          auth: (_request, response) => goError(response, String(authStatus), authStatus),
          config: signin === undefined ? '' : `authSigninURL: ${JSON.stringify(signin)}`,
        });

        const response = await get(`${junction.url('web')}/`);

        assert.equal(response.status, expectedStatus);
        assert.equal(response.headers.location, expectedLocation);
        assert.equal(upstream.requests.length > 0, isUpstreamCalled);
      });
    }

    it('writes Go\'s redirect body for GET, resolving a relative sign-in URL against the request path', async (t) => {
      const { junction } = await withForwardAuth(t, { auth: (_request, response) => response.writeHead(401).end('no'), config: 'authSigninURL: "../login?next=a&b"' });

      const response = await get(`${junction.url('web')}/app/deep/page`);

      assert.equal(response.status, 302);
      assert.equal(response.headers.location, '/app/login?next=a&b');
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(response.body, '<a href="/app/login?next=a&amp;b">Found</a>.\n\n');
    });

    it('writes no body and no Content-Type for a POST', async (t) => {
      const { junction } = await withForwardAuth(t, { auth: (_request, response) => response.writeHead(401).end(), config: 'authSigninURL: "https://auth.example.com/login"' });

      const response = await get(`${junction.url('web')}/`, { method: 'POST', body: 'x' });

      assert.equal(response.status, 302);
      assert.equal(response.headers['content-type'], undefined);
      assert.equal(response.body, '');
    });
  });

  describe('failures', () => {
    it('answers 500 with no body when the authentication server is down, and calls no upstream', async (t) => {
      const dead = await startUpstream(t);
      await dead.close();
      const { junction, upstream } = await withForwardAuth(t, { address: () => `${dead.url}/auth` });

      const response = await get(`${junction.url('web')}/`);

      assert.equal(response.status, 500);
      assert.equal(response.body, '');
      assert.equal(upstream.requests.length, 0);
      await junction.waitForOutput(/ERR error calling http:\/\/127\.0\.0\.1:\d+\/auth/);
    });

    it('gives up the authentication request when the client leaves', async (t) => {
      let isAuthRequestClosed = false;
      const { junction, auth, upstream } = await withForwardAuth(t, {
        auth: (authRequest: IncomingMessage) => {
          authRequest.socket.once('close', () => (isAuthRequestClosed = true));
        },
      });
      const port = junction.ports.web!;

      const leaving = rawRequest(port, 'GET / HTTP/1.1\r\nHost: a.test\r\n\r\n', { idleMs: 200 });
      await until(() => auth.requests.length === 1);
      await leaving;

      await until(() => isAuthRequestClosed);
      assert.equal(upstream.requests.length, 0);
    });
  });

  describe('X-Forwarded headers sent to the authentication server', () => {
    const base = { accept: 'application/json' };
    const cases: ReadonlyArray<{
      description: string;
      trust: boolean | undefined;
      headers: Record<string, string>;
      allowed?: string[];
      expected: Record<string, string | undefined>;
      exact?: boolean;
    }> = [
      { description: 'keeps a trusted X-Forwarded-Host', trust: true, headers: { ...base, 'X-Forwarded-Host': 'fii.bir' }, expected: { accept: 'application/json', 'x-forwarded-host': 'fii.bir' } },
      { description: 'replaces an untrusted X-Forwarded-Host', trust: false, headers: { ...base, 'X-Forwarded-Host': 'fii.bir' }, expected: { accept: 'application/json', 'x-forwarded-host': 'foo.bar' } },
      { description: 'keeps a trusted X-Forwarded-Uri', trust: true, headers: { 'X-Forwarded-Uri': '/forward?q=1' }, expected: { 'x-forwarded-uri': '/forward?q=1' } },
      { description: 'replaces an untrusted X-Forwarded-Uri', trust: false, headers: { 'X-Forwarded-Uri': '/forward?q=1' }, expected: { 'x-forwarded-uri': '/path?q=1' } },
      { description: 'keeps a trusted X-Forwarded-Method', trust: true, headers: { 'X-Forwarded-Method': 'OPTIONS' }, expected: { 'x-forwarded-method': 'OPTIONS' } },
      { description: 'replaces an untrusted X-Forwarded-Method', trust: false, headers: { 'X-Forwarded-Method': 'OPTIONS' }, expected: { 'x-forwarded-method': 'GET' } },
      {
        description: 'removes hop-by-hop headers but passes Proxy-Authenticate and Proxy-Authorization',
        trust: false,
        headers: { Connection: 'X-Listed', 'X-Listed': 'x', 'Keep-Alive': 'KeepAlive', 'Proxy-Authenticate': 'ProxyAuthenticate', 'Proxy-Authorization': 'ProxyAuthorization', Te: 'Te', Trailers: 'Trailers', Upgrade: 'Upgrade', 'X-CustomHeader': 'CustomHeader' },
        expected: {
          'x-customheader': 'CustomHeader',
          'x-forwarded-proto': 'http',
          'x-forwarded-host': 'foo.bar',
          'x-forwarded-uri': '/path?q=1',
          'x-forwarded-method': 'GET',
          'x-forwarded-port': '80',
          'x-forwarded-for': '127.0.0.1',
          'proxy-authenticate': 'ProxyAuthenticate',
          'proxy-authorization': 'ProxyAuthorization',
        },
        exact: true,
      },
      {
        description: 'sends only the allowed request headers',
        trust: false,
        headers: { 'X-CustomHeader': 'CustomHeader', 'Content-Type': 'multipart/form-data; boundary=---123456' },
        allowed: ['X-CustomHeader', 'X-Non-Exists-Header'],
        expected: { 'x-customheader': 'CustomHeader', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'foo.bar', 'x-forwarded-uri': '/path?q=1', 'x-forwarded-method': 'GET', 'x-forwarded-port': '80', 'x-forwarded-for': '127.0.0.1', 'user-agent': 'Go-http-client/1.1' },
        exact: true,
      },
      {
        description: 'sends no User-Agent when the client has none and it is allowed',
        trust: false,
        headers: { 'X-CustomHeader': 'CustomHeader', Accept: 'application/json' },
        allowed: ['X-CustomHeader', 'Accept', 'User-Agent'],
        expected: { 'x-customheader': 'CustomHeader', accept: 'application/json', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'foo.bar', 'x-forwarded-uri': '/path?q=1', 'x-forwarded-method': 'GET', 'x-forwarded-port': '80', 'x-forwarded-for': '127.0.0.1' },
        exact: true,
      },
      {
        description: 'sends no User-Agent when the client has none',
        trust: false,
        headers: { 'X-CustomHeader': 'CustomHeader' },
        expected: { 'x-customheader': 'CustomHeader', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'foo.bar', 'x-forwarded-uri': '/path?q=1', 'x-forwarded-method': 'GET', 'x-forwarded-port': '80', 'x-forwarded-for': '127.0.0.1' },
        exact: true,
      },
      { description: 'passes the client\'s User-Agent', trust: false, headers: { 'User-Agent': 'curl/8' }, expected: { 'user-agent': 'curl/8' } },
      {
        description: 'keeps the trusted X-Forwarded headers next to the allowed ones',
        trust: true,
        headers: { 'X-CustomHeader': 'CustomHeader', 'X-Forwarded-Uri': '/path?q=2' },
        allowed: ['X-CustomHeader'],
        expected: { 'x-customheader': 'CustomHeader', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'foo.bar', 'x-forwarded-uri': '/path?q=2', 'x-forwarded-method': 'GET', 'x-forwarded-port': '80', 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1', 'user-agent': 'Go-http-client/1.1' },
      },
      { description: 'removes X-Forwarded and X_Forwarded spellings when untrusted', trust: false, headers: { 'X-CustomHeader': 'CustomHeader', X_forwarded_for: '10.0.0.1', 'X-Forwarded-Proto': 'xxx' }, expected: { 'x-forwarded-proto': 'http', 'x_forwarded_for': undefined, 'x-forwarded-for': '127.0.0.1' } },
      { description: 'does not read X-Forwarded-Port from an untrusted X-Forwarded-Proto', trust: false, headers: { 'X-Forwarded-Proto': 'https' }, expected: { 'x-forwarded-proto': 'http', 'x-forwarded-port': '80' } },
      { description: 'takes X-Forwarded-Port from a trusted X-Forwarded-Proto', trust: true, headers: { 'X-Forwarded-Proto': 'https' }, expected: { 'x-forwarded-proto': 'https', 'x-forwarded-port': '443' } },
      { description: 'appends the client to a trusted X-Forwarded-For', trust: true, headers: { 'X-Forwarded-For': '10.0.0.1' }, expected: { 'x-forwarded-for': '10.0.0.1, 127.0.0.1' } },
      { description: 'replaces X-Forwarded-For and keeps X-Forwarded-Prefix with trustForwardHeader unset', trust: undefined, headers: { 'X-Forwarded-For': '10.0.0.1', 'X-Forwarded-Prefix': '/p', 'X-Forwarded-Host': 'fii.bir' }, expected: { 'x-forwarded-for': '127.0.0.1', 'x-forwarded-prefix': '/p', 'x-forwarded-host': 'foo.bar' } },
      { description: 'sends Go\'s User-Agent with trustForwardHeader unset and no client User-Agent', trust: undefined, headers: {}, expected: { 'user-agent': 'Go-http-client/1.1' } },
      {
        description: 'filters with trustForwardHeader unset, then sets the X-Forwarded headers',
        trust: undefined,
        headers: { 'X-CustomHeader': 'CustomHeader', 'Content-Type': 'text/plain' },
        allowed: ['X-CustomHeader'],
        expected: { 'x-customheader': 'CustomHeader', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'foo.bar', 'x-forwarded-uri': '/path?q=1', 'x-forwarded-method': 'GET', 'x-forwarded-for': '127.0.0.1', 'user-agent': 'Go-http-client/1.1' },
        exact: true,
      },
    ];
    for (const { description, trust, headers, allowed, expected, exact } of cases) {
      it(description, async (t) => {
        const config = [trust === undefined ? '' : `trustForwardHeader: ${trust}`, allowed === undefined ? '' : `authRequestHeaders: ${JSON.stringify(allowed)}`].filter(Boolean).join('\n');
        const { junction, auth } = await withForwardAuth(t, { config, static: trustingStatic });

        await get(`${junction.url('web')}/path?q=1`, { headers: { host: 'foo.bar', ...headers } });

        for (const [name, value] of Object.entries(expected)) assert.deepEqual([name, values(auth.lastRequest, name)], [name, value === undefined ? [] : [value]]);
        if (exact === true) assert.deepEqual(headerNames(auth.lastRequest), Object.keys(expected).sort());
      });
    }

    it('tells the authentication server what an untrusted client really sent, through the default entryPoint', async (t) => {
      const { junction, auth } = await withForwardAuth(t, { config: 'trustForwardHeader: true' });

      await get(`${junction.url('web')}/orders?id=1`, { method: 'POST', body: 'x', headers: { host: 'tk2.jtthink.com', 'X-Forwarded-Host': 'evil.test', 'X-Forwarded-Token': 'abc' } });

      const seen = auth.lastRequest;
      assert.deepEqual(values(seen, 'x-forwarded-method'), ['POST']);
      assert.deepEqual(values(seen, 'x-forwarded-proto'), ['http']);
      assert.deepEqual(values(seen, 'x-forwarded-host'), ['tk2.jtthink.com']);
      assert.deepEqual(values(seen, 'x-forwarded-uri'), ['/orders?id=1']);
      assert.deepEqual(values(seen, 'x-forwarded-for'), ['127.0.0.1']);
      assert.deepEqual(values(seen, 'x-forwarded-port'), ['80']);
      assert.deepEqual(values(seen, 'x-forwarded-token'), ['abc']);
      assert.deepEqual(values(seen, 'content-length'), []);
    });
  });

  describe('tls', () => {
    async function startHttpsAuth(t: TestContext, requestCert: boolean): Promise<{ url: string; clients: string[] }> {
      const clients: string[] = [];
      const server = createHttpsServer(
        { cert: readFileSync(fixture('server.pem')), key: readFileSync(fixture('server.key')), ca: readFileSync(fixture('ca.pem')), requestCert, rejectUnauthorized: requestCert },
        (authRequest, response) => {
          const peer = (authRequest.socket as import('node:tls').TLSSocket).getPeerCertificate();
          clients.push(String(peer.subject?.CN ?? ''));
          response.end();
        },
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      t.after(() => new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }));
      return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/auth`, clients };
    }

    for (const { description, tls, status } of [
      { description: 'refuses an authentication server whose certificate it cannot verify: 500', tls: '', status: 500 },
      { description: 'accepts any certificate with insecureSkipVerify', tls: 'tls:\n  insecureSkipVerify: true', status: 200 },
      { description: 'verifies the certificate against tls.ca given as a file', tls: `tls:\n  ca: ${JSON.stringify(fixture('ca.pem'))}`, status: 200 },
      { description: 'verifies the certificate against tls.ca given as PEM text', tls: `tls:\n  ca: ${JSON.stringify(readFileSync(fixture('ca.pem'), 'utf8'))}`, status: 200 },
    ]) {
      it(description, async (t) => {
        const server = await startHttpsAuth(t, false);
        const { junction } = await withForwardAuth(t, { address: () => server.url, config: tls });

        const response = await get(`${junction.url('web')}/`);

        assert.equal(response.status, status);
      });
    }

    it('presents the client certificate of tls.cert and tls.key', async (t) => {
      const server = await startHttpsAuth(t, true);
      const { junction } = await withForwardAuth(t, {
        address: () => server.url,
        config: `tls:\n  ca: ${JSON.stringify(fixture('ca.pem'))}\n  cert: ${JSON.stringify(fixture('client.pem'))}\n  key: ${JSON.stringify(fixture('client.key'))}`,
      });

      const response = await get(`${junction.url('web')}/`);

      assert.equal(response.status, 200);
      assert.deepEqual(server.clients, ['junction client']);
    });
  });

  it('keeps its connection to the authentication server across a reload that leaves it unchanged', async (t) => {
    const { junction, auth, upstream } = await withForwardAuth(t, {});
    await get(`${junction.url('web')}/`);
    const firstConnection = auth.lastRequest.remotePort;

    await junction.writeDynamic(forwardAuthConfig(upstream.url, `address: "${auth.url}/auth"`, undefined, '\n    other: { rule: "Host(`other.test`)", service: app }'));
    await until(async () => (await get(`${junction.url('web')}/`, { headers: { host: 'other.test' } })).status === 200);
    await get(`${junction.url('web')}/`);

    assert.equal(auth.lastRequest.remotePort, firstConnection);
  });
});
