import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { answeredBy, startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';
import { startCheckedUpstream } from './checked-upstream.js';

const withApi = `
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
`;

function send(junction: JunctionProcess, host: string, path = '/'): ReturnType<typeof get> {
  return get(`${junction.url('web')}${path}`, { headers: { host } });
}

async function api(junction: JunctionProcess, path: string): Promise<any> {
  const response = await get(`${junction.url('traefik')}${path}`);
  assert.equal(response.status, 200, response.body);
  return JSON.parse(response.body);
}

/** Rewrites the dynamic file and waits until the new configuration serves. */
async function reload(junction: JunctionProcess, dynamic: string): Promise<void> {
  const from = junction.output().length;
  await junction.writeDynamic(dynamic);
  await junction.waitForOutput(/configuration applied/, { from, timeoutMs: 20_000 });
}

describe('service middlewares (http.services.<name>.middlewares)', () => {
  it('adds the request header of its headers middleware whichever router reaches the service', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    first: { rule: "Host(\`a.test\`)", service: app }
    second: { rule: "Host(\`b.test\`)", service: app }
    plain: { rule: "Host(\`c.test\`)", service: bare }
  middlewares:
    tag:
      headers:
        customRequestHeaders: { X-Custom-Header: service-middleware-test }
  services:
    app:
      middlewares: [tag]
      loadBalancer: { servers: [{ url: "${upstream.url}" }] }
    bare:
      loadBalancer: { servers: [{ url: "${upstream.url}" }] }
`,
    });

    for (const host of ['a.test', 'b.test']) {
      assert.equal((await send(junction, host)).status, 200);
      assert.equal(upstream.lastRequest.headers['x-custom-header'], 'service-middleware-test');
    }
    assert.equal((await send(junction, 'c.test')).status, 200);
    assert.equal(upstream.lastRequest.headers['x-custom-header'], undefined);
  });

  it("runs the router's chain first, then the service's chain", async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`a.test\`)", middlewares: [routerPrefix], service: app }
  middlewares:
    routerPrefix: { addPrefix: { prefix: /router } }
    servicePrefix: { addPrefix: { prefix: /service } }
  services:
    app:
      middlewares: [servicePrefix]
      loadBalancer: { servers: [{ url: "${upstream.url}" }] }
`,
    });

    assert.equal((await send(junction, 'a.test', '/page')).status, 200);
    assert.equal(upstream.lastRequest.path, '/service/router/page');
  });

  it('resolves its middleware names from the provider of the service, and takes qualified names as written', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`a.test\`)", service: app }
  middlewares:
    first: { addPrefix: { prefix: /one } }
    second: { addPrefix: { prefix: /two } }
  services:
    app:
      middlewares: [first, second@file]
      loadBalancer: { servers: [{ url: "${upstream.url}" }] }
`,
    });

    assert.equal((await send(junction, 'a.test', '/x')).status, 200);
    assert.equal(upstream.lastRequest.path, '/two/one/x');
  });

  it('limits with a rateLimit on the service: one bucket for every router reaching it', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    first: { rule: "Host(\`a.test\`)", service: app }
    second: { rule: "Host(\`b.test\`)", service: app }
  middlewares:
    limit: { rateLimit: { average: 1, period: 1h, burst: 2 } }
  services:
    app:
      middlewares: [limit]
      loadBalancer: { servers: [{ url: "${upstream.url}" }] }
`,
    });

    const statuses = [];
    for (const host of ['a.test', 'b.test', 'a.test', 'b.test']) statuses.push((await send(junction, host)).status);

    assert.deepEqual(statuses, [200, 200, 429, 429]);
    assert.equal(upstream.requests.length, 2);
  });

  it('keeps a separate bucket from the same rateLimit on a router', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    limited: { rule: "Host(\`a.test\`)", middlewares: [limit], service: plain }
    other: { rule: "Host(\`b.test\`)", service: app }
  middlewares:
    limit: { rateLimit: { average: 1, period: 1h, burst: 1 } }
  services:
    app:
      middlewares: [limit]
      loadBalancer: { servers: [{ url: "${upstream.url}" }] }
    plain:
      loadBalancer: { servers: [{ url: "${upstream.url}" }] }
`,
    });

    assert.equal((await send(junction, 'a.test')).status, 200);
    assert.equal((await send(junction, 'a.test')).status, 429);
    assert.equal((await send(junction, 'b.test')).status, 200);
    assert.equal((await send(junction, 'b.test')).status, 429);
  });

  it('keeps its rateLimit bucket across reloads while the middleware is unchanged, even when the servers change', async (t) => {
    const upstream = await startUpstream(t, { name: 'one' });
    const other = await startUpstream(t, { name: 'two' });
    const config = (servers: string, extraRouter = ''): string => `
http:
  routers:
    app: { rule: "Host(\`a.test\`)", service: app }${extraRouter}
  middlewares:
    limit: { rateLimit: { average: 1, period: 1h, burst: 2 } }
  services:
    app:
      middlewares: [limit]
      loadBalancer: { servers: [${servers}] }
`;
    const junction = await startJunction(t, { dynamic: config(`{ url: "${upstream.url}" }`) });
    assert.equal((await send(junction, 'a.test')).status, 200);

    await reload(junction, config(`{ url: "${upstream.url}" }`, `\n    more: { rule: "Host(\`more.test\`)", service: app }`));
    assert.equal((await send(junction, 'a.test')).status, 200);

    await reload(junction, config(`{ url: "${other.url}" }`));
    const response = await send(junction, 'a.test');
    assert.equal(response.status, 429);
    assert.equal(other.requests.length, 0);
  });

  it('applies the middlewares of a weighted child only to the requests sent to that child', async (t) => {
    const tagged = await startUpstream(t, { name: 'tagged' });
    const plain = await startUpstream(t, { name: 'plain' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`w.test\`)", service: canary }
  middlewares:
    tag:
      headers:
        customRequestHeaders: { X-Child: tagged }
  services:
    canary:
      weighted:
        services: [{ name: v1, weight: 1 }, { name: v2, weight: 1 }]
    v1:
      middlewares: [tag]
      loadBalancer: { servers: [{ url: "${tagged.url}" }] }
    v2:
      loadBalancer: { servers: [{ url: "${plain.url}" }] }
`,
    });

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(answeredBy((await send(junction, 'w.test')).body));

    assert.deepEqual(answers.sort(), ['plain', 'plain', 'tagged', 'tagged']);
    assert.ok(tagged.requests.every((request) => request.headers['x-child'] === 'tagged'));
    assert.ok(plain.requests.every((request) => request.headers['x-child'] === undefined));
  });

  it("lets a failover follow the health of a main service that has middlewares", async (t) => {
    const main = await startCheckedUpstream(t, 'main');
    const backup = await startCheckedUpstream(t, 'backup');
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`f.test\`)", service: app }
  middlewares:
    tag:
      headers:
        customRequestHeaders: { X-Main: "yes" }
  services:
    app:
      failover: { service: main, fallback: backup }
    main:
      middlewares: [tag]
      loadBalancer: { healthCheck: { path: /health, interval: 500ms }, servers: [{ url: "${main.url}" }] }
    backup:
      loadBalancer: { servers: [{ url: "${backup.url}" }] }
`,
    });
    const answer = async (): Promise<string | undefined> => answeredBy((await send(junction, 'f.test')).body);

    assert.equal(await answer(), 'main');
    assert.equal(main.lastRequest.headers['x-main'], 'yes');

    main.healthy = false;
    await until(async () => (await answer()) === 'backup', { timeoutMs: 15_000 });
    main.healthy = true;
    await until(async () => (await answer()) === 'main', { timeoutMs: 15_000 });
  });

  it('disables the service and the routers using it when a middleware reference is broken, and says why in the API', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: withApi,
      dynamic: `
http:
  routers:
    broken: { rule: "Host(\`broken.test\`)", service: app }
    working: { rule: "Host(\`ok.test\`)", service: good }
  middlewares:
    tag:
      headers:
        customRequestHeaders: { X-Tag: "yes" }
  services:
    app:
      middlewares: [tag, missing]
      loadBalancer: { servers: [{ url: "${upstream.url}" }] }
    good:
      middlewares: [tag]
      loadBalancer: { servers: [{ url: "${upstream.url}" }] }
`,
    });

    assert.equal((await send(junction, 'broken.test')).status, 404);
    assert.equal((await send(junction, 'ok.test')).status, 200);

    const broken = await api(junction, '/api/http/services/app@file');
    assert.equal(broken.status, 'disabled');
    assert.deepEqual(broken.middlewares, ['tag', 'missing']);
    assert.match(broken.error.join('\n'), /http\.services\.app\.middlewares\[1\]: middleware "missing@file" does not exist/);
    const router = await api(junction, '/api/http/routers/broken@file');
    assert.equal(router.status, 'disabled');
    assert.match(router.error.join('\n'), /service "app@file" is invalid: middleware "missing@file" does not exist/);

    const good = await api(junction, '/api/http/services/good@file');
    assert.equal(good.status, 'enabled');
    assert.deepEqual(Object.keys(good).slice(0, 2), ['middlewares', 'loadBalancer']);
    assert.deepEqual(good.middlewares, ['tag']);
    assert.equal(good.type, 'loadbalancer');
    assert.deepEqual(good.usedBy, ['working@file']);
    // As in Traefik, a middleware's usedBy lists routers only.
    assert.equal((await api(junction, '/api/http/middlewares/tag@file')).usedBy, undefined);
  });
});
