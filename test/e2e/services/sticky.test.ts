import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { answeredBy, startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';
import { startCheckedUpstream } from './checked-upstream.js';

function hashed(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 16);
}

/** The `name=value` part of a Set-Cookie header. */
function cookiePair(setCookie: string | string[] | undefined): string {
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  assert.ok(first !== undefined, 'expected a Set-Cookie header');
  return first.split(';')[0]!;
}

describe('sticky sessions', () => {
  it('names the cookie after the service and its value after the server, as Traefik does', async (t) => {
    const a = await startUpstream(t, { name: 'a' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`sticky.test\`)", service: app }
  services:
    app:
      loadBalancer:
        sticky: { cookie: {} }
        servers: [{ url: "${a.url}" }]
`,
    });

    const response = await get(`${junction.url('web')}/`, { headers: { host: 'sticky.test' } });

    const expectedName = `_${createHash('sha1').update('_TRAEFIK_BACKEND_app@file').digest('hex')}`.slice(0, 6);
    assert.equal(response.headers['set-cookie']?.[0], `${expectedName}=${hashed(a.url)}; Path=/`);
  });

  it('writes the configured attributes in Go order, before the server’s own cookies', async (t) => {
    const a = await startUpstream(t, {
      name: 'a',
      handler(_request, response) {
        response.writeHead(200, { 'set-cookie': 'session=abc' }).end('a');
      },
    });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`sticky.test\`)", service: app }
  services:
    app:
      loadBalancer:
        sticky:
          cookie: { name: "my cookie", secure: true, httpOnly: true, sameSite: strict, maxAge: 60, path: /app, domain: .example.com }
        servers: [{ url: "${a.url}" }]
`,
    });

    const response = await get(`${junction.url('web')}/`, { headers: { host: 'sticky.test' } });

    assert.deepEqual(response.headers['set-cookie'], [
      `my_cookie=${hashed(a.url)}; Path=/app; Domain=example.com; Max-Age=60; HttpOnly; Secure; SameSite=Strict`,
      'session=abc',
    ]);
  });

  it('pins a client to its server, and re-pins it when that server goes down', async (t) => {
    const a = await startCheckedUpstream(t, 'a');
    const b = await startCheckedUpstream(t, 'b');
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`sticky.test\`)", service: app }
  services:
    app:
      loadBalancer:
        sticky: { cookie: { name: pin } }
        healthCheck: { path: /health, interval: 200ms }
        servers: [{ url: "${a.url}" }, { url: "${b.url}" }]
`,
    });
    const url = `${junction.url('web')}/`;
    const first = await get(url, { headers: { host: 'sticky.test' } });
    const pinnedTo = answeredBy(first.body)!;
    const cookie = cookiePair(first.headers['set-cookie']);

    for (let i = 0; i < 6; i++) {
      const again = await get(url, { headers: { host: 'sticky.test', cookie } });
      assert.equal(answeredBy(again.body), pinnedTo);
      assert.equal(again.headers['set-cookie'], undefined);
    }

    const pinned = pinnedTo === 'a' ? a : b;
    pinned.healthy = false;
    const moved = await until(async () => {
      const response = await get(url, { headers: { host: 'sticky.test', cookie } });
      return answeredBy(response.body) !== pinnedTo ? response : undefined;
    });
    const newCookie = cookiePair(moved.headers['set-cookie']);
    assert.notEqual(newCookie, cookie);
    assert.equal(answeredBy((await get(url, { headers: { host: 'sticky.test', cookie: newCookie } })).body), answeredBy(moved.body));
  });

  it('accepts the legacy FNV cookie value and rewrites it', async (t) => {
    const a = await startUpstream(t, { name: 'a' });
    const b = await startUpstream(t, { name: 'b' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`sticky.test\`)", service: app }
  services:
    app:
      loadBalancer:
        sticky: { cookie: { name: pin } }
        servers: [{ url: "${a.url}" }, { url: "${b.url}" }]
`,
    });
    // FNV-64 of b's URL, as Traefik 2 wrote it.
    let hash = 0xcbf29ce484222325n;
    for (const byte of Buffer.from(b.url)) hash = ((hash * 0x100000001b3n) & 0xffffffffffffffffn) ^ BigInt(byte);

    for (let i = 0; i < 3; i++) {
      const response = await get(`${junction.url('web')}/`, { headers: { host: 'sticky.test', cookie: `pin=${hash.toString(16)}` } });
      assert.equal(answeredBy(response.body), 'b');
      assert.equal(cookiePair(response.headers['set-cookie']), `pin=${hashed(b.url)}`);
    }
  });

  it('keeps pins across a reload: the cookie names the server, not a table entry', async (t) => {
    const a = await startUpstream(t, { name: 'a' });
    const b = await startUpstream(t, { name: 'b' });
    const service = `
http:
  routers:
    app: { rule: "Host(\`sticky.test\`)", service: app }
  services:
    app:
      loadBalancer:
        sticky: { cookie: { name: pin } }
        servers: [{ url: "${a.url}" }, { url: "${b.url}" }]
`;
    const junction = await startJunction(t, { dynamic: service });
    const cookie = `pin=${hashed(b.url)}`;
    assert.equal(answeredBy((await get(`${junction.url('web')}/`, { headers: { host: 'sticky.test', cookie } })).body), 'b');

    const from = junction.output().length;
    await junction.writeDynamic(service.replace(`{ url: "${a.url}" }, `, `{ url: "${a.url}", weight: 5 }, `));
    await junction.waitForOutput(/configuration applied/, { from });

    for (let i = 0; i < 4; i++) assert.equal(answeredBy((await get(`${junction.url('web')}/`, { headers: { host: 'sticky.test', cookie } })).body), 'b');
  });
});
