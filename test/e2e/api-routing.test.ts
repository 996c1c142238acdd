import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../support/http.js';
import { startJunction } from '../support/junction.js';

describe('api@internal behind a router, with api.basePath', () => {
  const staticConfig = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    # Trusts the client's X-Forwarded-Prefix, as a proxy in front of Junction would set it.
    forwardedHeaders:
      insecure: true
api:
  basePath: /traefik
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;
  const dynamicConfig = `
http:
  routers:
    dashboard:
      rule: "PathPrefix(\`/traefik\`)"
      service: api@internal
`;

  it('serves the API under the base path', async (t) => {
    const junction = await startJunction(t, { static: staticConfig, dynamic: dynamicConfig });

    const response = await get(`${junction.url('web')}/traefik/api/http/routers/dashboard@file`);

    assert.equal(response.status, 200);
    assert.equal(JSON.parse(response.body).service, 'api@internal');
    assert.equal((await get(`${junction.url('web')}/traefik/api/nope`)).status, 404);
  });

  it('redirects the base path to the dashboard, after X-Forwarded-Prefix, and fills the API URL in the page', async (t) => {
    const junction = await startJunction(t, { static: staticConfig, dynamic: dynamicConfig });

    const redirect = await get(`${junction.url('web')}/traefik`);
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.location, '/traefik/dashboard/');
    const prefixed = await get(`${junction.url('web')}/traefik`, { headers: { 'x-forwarded-prefix': '/outer/' } });
    assert.equal(prefixed.headers.location, '/outer/traefik/dashboard/');
    const absolute = await get(`${junction.url('web')}/traefik`, { headers: { 'x-forwarded-prefix': 'https://evil.example/' } });
    assert.equal(absolute.headers.location, '/traefik/dashboard/');

    const page = await get(`${junction.url('web')}/traefik/dashboard/`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<meta name="api-url" content="\/traefik\/api\/">/);
    assert.equal((await get(`${junction.url('web')}/traefik/dashboard/missing.js`)).status, 404);
  });
});

describe('api@internal without api enabled', () => {
  it('leaves a router to api@internal out, with the reason in its error', async (t) => {
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    dashboard:
      rule: "PathPrefix(\`/api\`)"
      service: api@internal
`,
    });

    assert.equal((await get(`${junction.url('web')}/api/rawdata`)).status, 404);
    await junction.waitForOutput(/http\.routers\.dashboard\.service: service "api@internal" is invalid: api is not enabled/);
  });
});

describe('api.debug', () => {
  it('serves /debug/vars on the traefik entryPoint in insecure mode', async (t) => {
    const junction = await startJunction(t, {
      static: `
entryPoints:
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
api:
  insecure: true
  debug: true
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: 'http: {}\n',
    });

    const response = await get(`${junction.url('traefik')}/debug/vars`);

    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
    assert.ok(Array.isArray(JSON.parse(response.body).cmdline));
  });
});

describe('API with --workers', () => {
  it('answers from whichever worker serves the request, with the same report', async (t) => {
    const junction = await startJunction(t, {
      args: ['--workers=2'],
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
api:
  insecure: true
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: `
http:
  routers:
    broken:
      rule: "Hots(\`x.test\`)"
      service: missing
`,
    });

    for (let attempt = 0; attempt < 6; attempt++) {
      const response = await get(`${junction.url('traefik')}/api/http/routers/broken@file`);
      assert.equal(response.status, 200);
      const router = JSON.parse(response.body);
      assert.equal(router.status, 'disabled');
      assert.match(router.error[0], /unknown matcher "Hots"/);
    }
  });
});

describe('routers that decoding leaves out', () => {
  it('are listed as disabled with the faults that dropped them', async (t) => {
    const junction = await startJunction(t, {
      static: `
entryPoints:
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
api:
  insecure: true
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
      dynamic: `
http:
  routers:
    typo:
      rule: "Host(\`x.test\`)"
      servce: app
    noservice:
      rule: "Host(\`y.test\`)"
`,
    });

    const dropped = await get(`${junction.url('traefik')}/api/http/routers/typo@file`);
    assert.equal(dropped.status, 200);
    assert.equal(JSON.parse(dropped.body).status, 'disabled');
    assert.match(JSON.parse(dropped.body).error[0], /^http\.routers\.typo\.servce: unknown key "servce"; did you mean "service"\?/);

    // Without a service, a router must be the parent of others (multi-layer routing): Traefik's message.
    const lonely = JSON.parse((await get(`${junction.url('traefik')}/api/http/routers/noservice@file`)).body);
    assert.equal(lonely.status, 'disabled');
    assert.match(lonely.error[0], /^http\.routers\.noservice: router has no service and no child routers/);
  });
});
