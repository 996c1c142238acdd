import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../support/http.js';
import { startJunction } from '../support/junction.js';
import { answeredBy, startUpstream } from '../support/upstream.js';

describe('entryPoints', () => {
  it('redirects every request of an entryPoint to another one with http.redirections.entryPoint', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    http:
      redirections:
        entryPoint:
          to: websecure
  websecure:
    address: "127.0.0.1:{{PORT_websecure}}"
  temporary:
    address: "127.0.0.1:{{PORT_temporary}}"
    http:
      redirections:
        entryPoint:
          to: ":8443"
          scheme: https
          permanent: false
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`app.test\`)", service: app }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });

    const get301 = await get(`${junction.url('web')}/path?q=1`, { headers: { host: 'app.test' } });
    assert.equal(get301.status, 301);
    assert.equal(get301.headers.location, `https://app.test:${junction.ports.websecure}/path?q=1`);
    const post308 = await get(`${junction.url('web')}/form`, { method: 'POST', headers: { host: 'app.test:80' } });
    assert.equal(post308.status, 308);
    assert.equal(post308.headers.location, `https://app.test:${junction.ports.websecure}/form`);
    const temporary = await get(`${junction.url('temporary')}/x`, { headers: { host: 'app.test' } });
    assert.equal(temporary.status, 302);
    assert.equal(temporary.headers.location, 'https://app.test:8443/x');
    assert.equal(upstream.requests.length, 0);
    const served = await get(`${junction.url('websecure')}/`, { headers: { host: 'app.test' } });
    assert.equal(served.status, 200);
  });

  it('applies entryPoint middlewares before the router middlewares of every router on it', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    http:
      middlewares: ["stamp@file"]
  plain:
    address: "127.0.0.1:{{PORT_plain}}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: `
http:
  routers:
    app: { rule: "PathPrefix(\`/api\`)", middlewares: [strip], service: app }
  middlewares:
    stamp:
      headers:
        customRequestHeaders: { X-Entry: "web" }
    strip:
      stripPrefix: { prefixes: [/api] }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });

    await get(`${junction.url('web')}/api/users`);
    assert.equal(upstream.lastRequest.headers['x-entry'], 'web');
    assert.equal(upstream.lastRequest.path, '/users');

    await get(`${junction.url('plain')}/api/users`);
    assert.equal(upstream.lastRequest.headers['x-entry'], undefined);
  });

  it('attaches routers without entryPoints only to the asDefault entryPoints when one is marked, never to traefik', async (t) => {
    const upstream = await startUpstream(t, { name: 'default-only' });
    const junction = await startJunction(t, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    asDefault: true
  internal:
    address: "127.0.0.1:{{PORT_internal}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
    asDefault: true
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: `
http:
  routers:
    app: { rule: "PathPrefix(\`/\`)", service: app }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });

    assert.equal(answeredBy((await get(`${junction.url('web')}/`)).body), 'default-only');
    assert.equal((await get(`${junction.url('internal')}/`)).status, 404);
    assert.equal((await get(`${junction.url('traefik')}/`)).status, 404);
  });

  it('resolves references with and without @provider, and internal services by their qualified name', async (t) => {
    const upstream = await startUpstream(t, { name: 'qualified' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    short: { rule: "Path(\`/short\`)", service: app, middlewares: [tag] }
    long: { rule: "Path(\`/long\`)", service: app@file, middlewares: [tag@file] }
    internal: { rule: "Path(\`/ping-here\`)", service: ping@internal }
  middlewares:
    tag: { headers: { customRequestHeaders: { X-Tag: "1" } } }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });

    for (const path of ['/short', '/long']) {
      const response = await get(`${junction.url('web')}${path}`);
      assert.equal(answeredBy(response.body), 'qualified');
      assert.equal(upstream.lastRequest.headers['x-tag'], '1');
    }
    assert.equal((await get(`${junction.url('web')}/ping-here`)).body, 'OK');
  });
});
