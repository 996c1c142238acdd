import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import { get, type SimpleResponse } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { withMiddlewares } from '../../support/middleware.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';
import type { TestContext } from 'node:test';

/** Sends one GET from a chosen local address (the whole 127/8 block is loopback on Linux). */
function getFrom(url: string, localAddress: string): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(url, { localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    call.on('error', reject);
    call.end();
  });
}

/** A Junction whose entryPoint trusts X-Forwarded-For (or not), with router `app` through `allow`. */
async function withForwardedFor(t: TestContext, middleware: string, options: { trusted: boolean }): Promise<{ junction: JunctionProcess; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const junction = await startJunction(t, {
    static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    forwardedHeaders:
      insecure: ${options.trusted}
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
    dynamic: `
http:
  routers:
    app: { rule: "PathPrefix(\`/\`)", middlewares: [allow], service: app }
  middlewares:
    allow: ${middleware}
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
  });
  return { junction, upstream };
}

describe('ipAllowList', () => {
  it('lets a client in sourceRange through', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'allow:\n  ipAllowList:\n    sourceRange: ["127.0.0.1/32", "192.168.0.0/16"]', ['allow']);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 200);
    assert.equal(upstream.requests.length, 1);
  });

  it('refuses a client outside sourceRange with 403 and the body "Forbidden"; the upstream sees nothing', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'allow:\n  ipAllowList:\n    sourceRange: ["10.0.0.0/8", "::1"]', ['allow']);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 403);
    assert.equal(response.body, 'Forbidden');
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(upstream.requests.length, 0);
  });

  it('matches single addresses and ranges against the connection address', async (t) => {
    const { junction } = await withMiddlewares(t, 'allow:\n  ipAllowList:\n    sourceRange: ["127.0.0.1", "127.0.1.0/24"]', ['allow']);
    const url = `${junction.url('web')}/`;

    assert.equal((await getFrom(url, '127.0.0.1')).status, 200);
    assert.equal((await getFrom(url, '127.0.0.2')).status, 403);
    assert.equal((await getFrom(url, '127.0.1.77')).status, 200);
  });

  it('refuses an IPv4 client when sourceRange is all of IPv6, as Go\'s checker does', async (t) => {
    const { junction } = await withMiddlewares(t, 'allow:\n  ipAllowList:\n    sourceRange: ["::/0"]', ['allow']);

    assert.equal((await get(`${junction.url('web')}/`)).status, 403);
  });

  it('answers with rejectStatusCode and its status text', async (t) => {
    const { junction } = await withMiddlewares(t, 'allow:\n  ipAllowList:\n    sourceRange: ["10.0.0.0/8"]\n    rejectStatusCode: 404', ['allow']);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 404);
    assert.equal(response.body, 'Not Found');
  });

  it('uses Go\'s status texts: 418 is "I\'m a teapot"', async (t) => {
    const { junction } = await withMiddlewares(t, 'allow:\n  ipAllowList:\n    sourceRange: ["10.0.0.0/8"]\n    rejectStatusCode: 418', ['allow']);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 418);
    assert.equal(response.body, "I'm a teapot");
  });

  it('sends no body with a rejectStatusCode of 204', async (t) => {
    const { junction } = await withMiddlewares(t, 'allow:\n  ipAllowList:\n    sourceRange: ["10.0.0.0/8"]\n    rejectStatusCode: 204', ['allow']);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 204);
    assert.equal(response.body, '');
  });

  it('answers a refused HEAD request without body', async (t) => {
    const { junction } = await withMiddlewares(t, 'allow:\n  ipAllowList:\n    sourceRange: ["10.0.0.0/8"]', ['allow']);

    const response = await get(`${junction.url('web')}/`, { method: 'HEAD' });

    assert.equal(response.status, 403);
    assert.equal(response.body, '');
  });

  it('ignores X-Forwarded-For without ipStrategy, even from a trusted peer', async (t) => {
    const { junction } = await withForwardedFor(t, '{ ipAllowList: { sourceRange: ["10.0.0.0/8"] } }', { trusted: true });

    assert.equal((await get(`${junction.url('web')}/`, { headers: { 'x-forwarded-for': '10.0.0.1' } })).status, 403);
  });

  it('checks the depth-th X-Forwarded-For entry from the right with ipStrategy.depth', async (t) => {
    const { junction } = await withForwardedFor(t, '{ ipAllowList: { sourceRange: ["10.0.0.0/8"], ipStrategy: { depth: 2 } } }', { trusted: true });
    const url = `${junction.url('web')}/`;

    assert.equal((await get(url, { headers: { 'x-forwarded-for': '10.0.0.1, 192.0.2.1' } })).status, 200);
    assert.equal((await get(url, { headers: { 'x-forwarded-for': '192.0.2.1, 10.0.0.1' } })).status, 403);
    assert.equal((await get(url, { headers: { 'x-forwarded-for': '10.0.0.1' } })).status, 403);
    assert.equal((await get(url)).status, 403);
  });

  it('allows an X-Forwarded-For entry written with a port, as Go\'s checker does', async (t) => {
    const { junction } = await withForwardedFor(t, '{ ipAllowList: { sourceRange: ["10.0.0.0/8", "2001:db8::/32"], ipStrategy: { depth: 1 } } }', { trusted: true });
    const url = `${junction.url('web')}/`;

    assert.equal((await get(url, { headers: { 'x-forwarded-for': '10.1.2.3:4567' } })).status, 200);
    assert.equal((await get(url, { headers: { 'x-forwarded-for': '[2001:db8::7]:4567' } })).status, 200);
    assert.equal((await get(url, { headers: { 'x-forwarded-for': '2001:db8::7' } })).status, 200);
    assert.equal((await get(url, { headers: { 'x-forwarded-for': '2001:db9::7' } })).status, 403);
  });

  it('takes the first X-Forwarded-For entry from the right that is not excluded with ipStrategy.excludedIPs', async (t) => {
    const { junction } = await withForwardedFor(t, '{ ipAllowList: { sourceRange: ["10.0.0.0/8"], ipStrategy: { excludedIPs: ["192.0.2.0/24"] } } }', { trusted: true });
    const url = `${junction.url('web')}/`;

    assert.equal((await get(url, { headers: { 'x-forwarded-for': '10.0.0.1, 192.0.2.1, 192.0.2.2' } })).status, 200);
    assert.equal((await get(url, { headers: { 'x-forwarded-for': '10.0.0.1, 198.51.100.1, 192.0.2.2' } })).status, 403);
    assert.equal((await get(url, { headers: { 'x-forwarded-for': '192.0.2.1' } })).status, 403);
  });

  it('finds no X-Forwarded-For behind an entryPoint that does not trust it, and refuses', async (t) => {
    const { junction } = await withForwardedFor(t, '{ ipAllowList: { sourceRange: ["10.0.0.0/8", "127.0.0.1"], ipStrategy: { depth: 1 } } }', { trusted: false });

    assert.equal((await get(`${junction.url('web')}/`, { headers: { 'x-forwarded-for': '10.0.0.1' } })).status, 403);
  });

  it('checks the subnet of an IPv6 entry with ipStrategy.ipv6Subnet', async (t) => {
    const { junction } = await withForwardedFor(t, '{ ipAllowList: { sourceRange: ["2001:db8:1:2::"], ipStrategy: { depth: 1, ipv6Subnet: 64 } } }', { trusted: true });
    const url = `${junction.url('web')}/`;

    assert.equal((await get(url, { headers: { 'x-forwarded-for': '2001:db8:1:2:aaaa::1' } })).status, 200);
    assert.equal((await get(url, { headers: { 'x-forwarded-for': '2001:db8:1:3::1' } })).status, 403);
  });
});

describe('ipWhiteList (deprecated alias)', () => {
  it('lets a client in sourceRange through and refuses others with 403 "Forbidden"', async (t) => {
    const allowed = await withMiddlewares(t, 'allow:\n  ipWhiteList:\n    sourceRange: ["127.0.0.0/8"]', ['allow']);
    const refused = await withMiddlewares(t, 'allow:\n  ipWhiteList:\n    sourceRange: ["10.0.0.0/8"]', ['allow']);

    const pass = await get(`${allowed.junction.url('web')}/`);
    const fail = await get(`${refused.junction.url('web')}/`);

    assert.equal(pass.status, 200);
    assert.equal(fail.status, 403);
    assert.equal(fail.body, 'Forbidden');
    assert.match(allowed.junction.output(), /WRN middleware type ipWhiteList is deprecated, use ipAllowList instead.* middlewareName=allow@file/);
  });

  it('reads ipStrategy as ipAllowList does', async (t) => {
    const { junction } = await withForwardedFor(t, '{ ipWhiteList: { sourceRange: ["10.0.0.0/8"], ipStrategy: { depth: 1 } } }', { trusted: true });

    assert.equal((await get(`${junction.url('web')}/`, { headers: { 'x-forwarded-for': '10.0.0.1' } })).status, 200);
  });
});
