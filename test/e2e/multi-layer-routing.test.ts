import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../support/http.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { answeredBy, startUpstream } from '../support/upstream.js';

const staticConfig = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
api:
  insecure: true
accessLog:
  format: json
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

interface RouterView {
  readonly name: string;
  readonly status: string;
  readonly error?: string[];
  readonly using?: string[];
  readonly service?: string;
  readonly parentRefs?: string[];
}

async function router(junction: JunctionProcess, name: string): Promise<RouterView> {
  const response = await get(`${junction.url('traefik')}/api/http/routers/${name}`);
  assert.equal(response.status, 200, `${name}: ${response.body}`);
  return JSON.parse(response.body) as RouterView;
}

describe('multi-layer routing (http.routers.<name>.parentRefs)', () => {
  it('routes on what the parent\'s middlewares left: a role header the forwardAuth server added picks the child', async (t) => {
    const auth = await startUpstream(t, {
      name: 'auth',
      handler: (request, response) => {
        const token = request.headers['authorization'];
        if (token === undefined) return void response.writeHead(401).end('no token');
        response.writeHead(200, { 'x-user-role': token === 'Bearer root' ? 'admin' : 'user' }).end();
      },
    });
    const admin = await startUpstream(t, { name: 'admin' });
    const user = await startUpstream(t, { name: 'user' });
    const junction = await startJunction(t, {
      static: staticConfig,
      dynamic: `
http:
  routers:
    api-parent:
      rule: "PathPrefix(\`/api\`)"
      middlewares: [auth]
      entryPoints: [web]
    api-admin:
      rule: "Header(\`X-User-Role\`, \`admin\`)"
      service: admin
      parentRefs: [api-parent]
    api-user:
      rule: "Header(\`X-User-Role\`, \`user\`)"
      service: user
      parentRefs: [api-parent@file]
  middlewares:
    auth:
      forwardAuth:
        address: "${auth.url}"
        authResponseHeaders: [X-User-Role]
  services:
    admin: { loadBalancer: { servers: [{ url: "${admin.url}" }] } }
    user: { loadBalancer: { servers: [{ url: "${user.url}" }] } }
`,
    });
    const url = `${junction.url('web')}/api/items`;

    assert.equal(answeredBy((await get(url, { headers: { authorization: 'Bearer root' } })).body), 'admin');
    assert.equal(answeredBy((await get(url, { headers: { authorization: 'Bearer someone' } })).body), 'user');
    assert.equal((await get(url)).status, 401, 'the parent\'s middleware answers before any child is tried');
    assert.equal((await get(`${junction.url('web')}/other`)).status, 404);

    const parent = await router(junction, 'api-parent@file');
    assert.equal(parent.status, 'enabled');
    assert.deepEqual(parent.using, ['web']);
    assert.equal(parent.service, undefined);
    const child = await router(junction, 'api-admin@file');
    assert.equal(child.status, 'enabled');
    assert.equal(child.using, undefined, 'a child serves through its parent, on no entryPoint of its own');
    assert.deepEqual(child.parentRefs, ['api-parent@file']);

    // Every router on the way, as Traefik's access log writes it (Go's JSON escapes `>`).
    await junction.waitForOutput(/"RouterName":"api-parent@file -\\u003e api-admin@file"/);
  });

  it('matches children against the path a parent\'s stripPrefix left, by priority, and answers 404 when no child matches', async (t) => {
    const v1 = await startUpstream(t, { name: 'v1' });
    const fallback = await startUpstream(t, { name: 'fallback' });
    const junction = await startJunction(t, {
      static: staticConfig,
      dynamic: `
http:
  routers:
    shop:
      rule: "Host(\`shop.test\`) && PathPrefix(\`/shop\`)"
      middlewares: [strip]
    shop-v1:
      rule: "PathPrefix(\`/v1\`)"
      service: v1
      parentRefs: [shop]
    shop-any:
      rule: "PathPrefix(\`/\`)"
      priority: 1
      service: fallback
      parentRefs: [shop]
    shop-admin:
      rule: "Path(\`/admin\`)"
      service: v1
      middlewares: [deny]
      parentRefs: [shop]
  middlewares:
    strip: { stripPrefix: { prefixes: [/shop] } }
    deny: { ipAllowList: { sourceRange: [192.0.2.1] } }
  services:
    v1: { loadBalancer: { servers: [{ url: "${v1.url}" }] } }
    fallback: { loadBalancer: { servers: [{ url: "${fallback.url}" }] } }
`,
    });
    const send = (path: string): ReturnType<typeof get> => get(`${junction.url('web')}${path}`, { headers: { host: 'shop.test' } });

    const versioned = await send('/shop/v1/cart');
    assert.equal(answeredBy(versioned.body), 'v1');
    assert.equal(v1.lastRequest.path, '/v1/cart');
    assert.equal(answeredBy((await send('/shop/cart')).body), 'fallback');
    assert.equal((await send('/shop/admin')).status, 403, 'the child\'s own middlewares run after its rule matched');
  });

  it('answers 404 from a parent whose children all miss', async (t) => {
    const app = await startUpstream(t, { name: 'app' });
    const junction = await startJunction(t, {
      static: staticConfig,
      dynamic: `
http:
  routers:
    parent: { rule: "Host(\`app.test\`)" }
    child: { rule: "Method(\`POST\`)", service: app, parentRefs: [parent] }
  services:
    app: { loadBalancer: { servers: [{ url: "${app.url}" }] } }
`,
    });

    const response = await get(`${junction.url('web')}/`, { headers: { host: 'app.test' } });
    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });

  it('reports a broken tree on the routers at fault, as Traefik does, and serves the rest', async (t) => {
    const app = await startUpstream(t, { name: 'app' });
    const junction = await startJunction(t, {
      static: staticConfig,
      dynamic: `
http:
  routers:
    root:
      rule: "Host(\`root.test\`)"
    good:
      rule: "PathPrefix(\`/\`)"
      service: app
      parentRefs: [root]
    with-entrypoints:
      rule: "Path(\`/a\`)"
      service: app
      entryPoints: [web]
      parentRefs: [root]
    with-tls:
      rule: "Path(\`/b\`)"
      service: app
      tls: {}
      parentRefs: [root]
    orphan:
      rule: "Path(\`/c\`)"
      service: app
      parentRefs: [nowhere]
    both:
      rule: "Host(\`both.test\`)"
      service: app
    under-both:
      rule: "Path(\`/d\`)"
      service: app
      parentRefs: [both]
    dead-end:
      rule: "Host(\`dead.test\`)"
    loop-a:
      rule: "Path(\`/e\`)"
      parentRefs: [loop-b]
    loop-b:
      rule: "Path(\`/f\`)"
      parentRefs: [loop-a]
  services:
    app: { loadBalancer: { servers: [{ url: "${app.url}" }] } }
`,
    });

    assert.equal(answeredBy((await get(`${junction.url('web')}/a`, { headers: { host: 'root.test' } })).body), 'app', 'the good child takes /a');
    const expectations: Record<string, string> = {
      'with-entrypoints@file': 'http.routers.with-entrypoints.entryPoints: non-root router cannot have Entrypoints configuration',
      'with-tls@file': 'http.routers.with-tls.tls: non-root router cannot have TLS configuration',
      'orphan@file': 'http.routers.orphan.parentRefs: parent router "nowhere@file" does not exist',
      'both@file': 'http.routers.both: router has both a service and is referenced as a parent by other routers',
      'dead-end@file': 'http.routers.dead-end: router has no service and no child routers',
      'loop-a@file': 'http.routers.loop-a: router is not reachable',
      'loop-b@file': 'http.routers.loop-b: router is not reachable',
    };
    for (const [name, error] of Object.entries(expectations)) {
      const view = await router(junction, name);
      assert.equal(view.status, 'disabled', name);
      assert.ok(view.error?.some((message) => message.startsWith(error)), `${name}: ${JSON.stringify(view.error)}`);
    }
    assert.equal((await router(junction, 'good@file')).status, 'enabled');
    assert.equal((await router(junction, 'root@file')).status, 'enabled');
    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'both.test' } })).status, 404);
  });

  it('cuts a cycle below a root at the router that closes it, and reports the cycle there', async (t) => {
    const app = await startUpstream(t, { name: 'app' });
    const junction = await startJunction(t, {
      static: staticConfig,
      dynamic: `
http:
  routers:
    root: { rule: "Host(\`loop.test\`)" }
    middle: { rule: "PathPrefix(\`/m\`)", parentRefs: [root, leafish] }
    leafish: { rule: "PathPrefix(\`/m/l\`)", parentRefs: [middle] }
    leaf: { rule: "PathPrefix(\`/m/l/x\`)", service: app, parentRefs: [leafish] }
  services:
    app: { loadBalancer: { servers: [{ url: "${app.url}" }] } }
`,
    });

    const view = await router(junction, 'leafish@file');
    assert.ok(view.error?.some((message) => message.includes('cyclic reference detected in router tree: middle@file -> leafish@file -> middle@file')), JSON.stringify(view.error));
    // As in Traefik, a child with any fault is left out of its parent's table, so the branch under it stops there.
    assert.equal((await get(`${junction.url('web')}/m/l/x`, { headers: { host: 'loop.test' } })).status, 404);
  });
});
