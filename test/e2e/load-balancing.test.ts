import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../support/http.js';
import { startJunction } from '../support/junction.js';
import { answeredBy, startUpstream } from '../support/upstream.js';

describe('loadBalancer', () => {
  it('spreads requests 3:1 in the smooth weighted round robin order Traefik uses', async (t) => {
    const heavy = await startUpstream(t, { name: 'heavy' });
    const light = await startUpstream(t, { name: 'light' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`lb.test\`)", service: app }
  services:
    app:
      loadBalancer:
        servers:
          - url: "${heavy.url}"
            weight: 3
          - url: "${light.url}"
            weight: 1
`,
    });

    const sequence: string[] = [];
    for (let i = 0; i < 8; i++) {
      const response = await get(`${junction.url('web')}/`, { headers: { host: 'lb.test' } });
      sequence.push(answeredBy(response.body)!);
    }

    // Traefik's EDF heap (float64 deadlines, Go's heap order) gives the lighter server the tie at the third pick.
    assert.deepEqual(sequence, ['heavy', 'heavy', 'light', 'heavy', 'heavy', 'heavy', 'heavy', 'light']);
  });

  it('takes a server with weight 0 out of the rotation', async (t) => {
    const active = await startUpstream(t, { name: 'active' });
    const parked = await startUpstream(t, { name: 'parked' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`lb.test\`)", service: app }
  services:
    app:
      loadBalancer:
        servers:
          - { url: "${active.url}" }
          - { url: "${parked.url}", weight: 0 }
`,
    });

    for (let i = 0; i < 4; i++) await get(`${junction.url('web')}/`, { headers: { host: 'lb.test' } });

    assert.equal(active.requests.length, 4);
    assert.equal(parked.requests.length, 0);
  });

  it('passes the client Host by default and the server host when passHostHeader is false', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    pass: { rule: "Host(\`pass.test\`)", service: pass }
    rewrite: { rule: "Host(\`rewrite.test\`)", service: rewrite }
  services:
    pass:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
    rewrite:
      loadBalancer:
        passHostHeader: false
        servers: [{ url: "${upstream.url}" }]
`,
    });

    await get(`${junction.url('web')}/`, { headers: { host: 'pass.test' } });
    assert.equal(upstream.lastRequest.headers.host, 'pass.test');

    await get(`${junction.url('web')}/`, { headers: { host: 'rewrite.test' } });
    assert.equal(upstream.lastRequest.headers.host, `127.0.0.1:${upstream.port}`);
    assert.equal(upstream.lastRequest.headers['x-forwarded-host'], 'rewrite.test');
  });

  it('joins the server URL path with the request path when preservePath is set, and ignores it otherwise', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    joined: { rule: "Host(\`joined.test\`)", service: joined }
    plain: { rule: "Host(\`plain.test\`)", service: plain }
  services:
    joined:
      loadBalancer:
        servers: [{ url: "${upstream.url}/base/", preservePath: true }]
    plain:
      loadBalancer:
        servers: [{ url: "${upstream.url}/base" }]
`,
    });

    await get(`${junction.url('web')}/users?id=1`, { headers: { host: 'joined.test' } });
    assert.equal(upstream.lastRequest.url, '/base/users?id=1');

    await get(`${junction.url('web')}/users`, { headers: { host: 'plain.test' } });
    assert.equal(upstream.lastRequest.url, '/users');
  });

  it('accepts a server port Go parses but no socket can use, and answers 502 for it, as Traefik', async (t) => {
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    broken: { rule: "Host(\`broken.test\`)", service: broken }
  services:
    broken:
      loadBalancer:
        servers: [{ url: "http://127.0.0.1:8989474" }]
`,
    });

    const response = await get(`${junction.url('web')}/`, { headers: { host: 'broken.test' } });

    assert.equal(response.status, 502);
    assert.equal(response.body, 'Bad Gateway');
  });

  it('serves ping@internal and noop@internal', async (t) => {
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    health: { rule: "Path(\`/healthz\`)", service: ping@internal }
    nothing: { rule: "Path(\`/noop\`)", service: noop@internal }
`,
    });

    const ping = await get(`${junction.url('web')}/healthz`);
    assert.equal(ping.status, 200);
    assert.equal(ping.body, 'OK');
    const builtin = await get(`${junction.url('traefik')}/ping`);
    assert.equal(builtin.body, 'OK');
    const noop = await get(`${junction.url('web')}/noop`);
    assert.equal(noop.status, 418);
    assert.equal(noop.body, '');
  });
});
