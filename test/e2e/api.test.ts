import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { get } from '../support/http.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const staticConfig = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
api:
  insecure: true
ping: {}
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

const dynamicConfig = (upstreamUrl: string): string => `
http:
  routers:
    app:
      rule: "Host(\`app.test\`) && PathPrefix(\`/shop\`)"
      middlewares: [strip]
      service: app
    broken:
      rule: "Hots(\`broken.test\`)"
      service: app
    orphan:
      rule: "Host(\`orphan.test\`)"
      service: missing
  middlewares:
    strip:
      stripPrefix:
        prefixes: [/shop]
  services:
    app:
      loadBalancer:
        servers:
          - url: "${upstreamUrl}"
`;

interface Json {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: any;
}

describe('REST API (api.insecure on entryPoint traefik)', () => {
  let junction: JunctionProcess;
  let upstream: Upstream;
  const api = async (path: string): Promise<Json> => {
    const response = await get(`${junction.url('traefik')}${path}`);
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      json = undefined;
    }
    return { ...response, json };
  };

  before(async () => {
    upstream = await startUpstream(undefined);
    junction = await startJunction(undefined, { static: staticConfig, dynamic: dynamicConfig(upstream.url) });
  });
  after(async () => {
    await junction.stop('SIGKILL');
    await upstream.close();
  });

  it('lists the HTTP routers sorted by name, with status, using and the error of the broken one', async () => {
    const response = await api('/api/http/routers');
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(response.headers['x-next-page'], '1');
    const names = response.json.map((router: { name: string }) => router.name);
    assert.deepEqual(names, ['api@internal', 'app@file', 'broken@file', 'dashboard@internal', 'orphan@file', 'ping@internal']);
    const app = response.json.find((router: { name: string }) => router.name === 'app@file');
    assert.deepEqual(app, {
      entryPoints: ['web'],
      middlewares: ['strip'],
      service: 'app',
      rule: 'Host(`app.test`) && PathPrefix(`/shop`)',
      status: 'enabled',
      using: ['web'],
      name: 'app@file',
      provider: 'file',
      priorityStr: '0',
    });
    assert.match(response.body, /Host\(`app.test`\) \\u0026\\u0026 PathPrefix/);
  });

  it('shows a broken router as disabled with its error message', async () => {
    const response = await api('/api/http/routers/broken@file');
    assert.equal(response.status, 200);
    assert.equal(response.json.status, 'disabled');
    assert.deepEqual(response.json.using, ['web']);
    assert.equal(response.json.error.length, 1);
    assert.match(response.json.error[0], /^http\.routers\.broken\.rule: unknown matcher "Hots" at col 1; did you mean "Host"\?/);
  });

  it('shows a router whose service does not exist as disabled, naming the service', async () => {
    const response = await api('/api/http/routers/orphan@file');
    assert.equal(response.json.status, 'disabled');
    assert.match(response.json.error[0], /http\.routers\.orphan\.service: service "missing@file" does not exist/);
  });

  it('answers an unknown router with 404 and a JSON message', async () => {
    const response = await api('/api/http/routers/nope@file');
    assert.equal(response.status, 404);
    assert.equal(response.body, '{"message":"router not found: nope@file"}\n');
  });

  it('shows the internal routers with Traefik priorities near MaxInt64', async () => {
    const response = await api('/api/http/routers/api@internal');
    assert.equal(response.json.rule, 'PathPrefix(`/api`)');
    assert.equal(response.json.priorityStr, '9223372036854775806');
    assert.match(response.body, /"priority":9223372036854775806,/);
    const ping = await api('/api/http/routers/ping@internal');
    assert.equal(ping.json.priorityStr, '9223372036854775807');
  });

  it('filters routers by status, search, serviceName and middlewareName', async () => {
    const names = async (query: string): Promise<string[]> => (await api(`/api/http/routers?${query}`)).json.map((router: { name: string }) => router.name);
    assert.deepEqual(await names('status=disabled'), ['broken@file', 'orphan@file']);
    assert.deepEqual(await names('search=APP.TEST'), ['app@file']);
    assert.deepEqual(await names('serviceName=app@file'), ['app@file', 'broken@file']);
    assert.deepEqual(await names('middlewareName=strip'), ['app@file']);
  });

  it('pages lists with page, per_page and X-Next-Page, and refuses a page past the end', async () => {
    const first = await api('/api/http/routers?per_page=2');
    assert.deepEqual(first.json.map((router: { name: string }) => router.name), ['api@internal', 'app@file']);
    assert.equal(first.headers['x-next-page'], '2');
    const last = await api('/api/http/routers?per_page=2&page=3');
    assert.equal(last.headers['x-next-page'], '1');
    const past = await api('/api/http/routers?per_page=2&page=4');
    assert.equal(past.status, 400);
    assert.equal(past.body, '{"message":"invalid request: page: 4, per_page: 2"}\n');
  });

  it('sorts lists by a field and direction', async () => {
    const response = await api('/api/http/routers?sortBy=priority&direction=desc');
    assert.deepEqual(response.json.slice(0, 3).map((router: { name: string }) => router.name), ['ping@internal', 'api@internal', 'dashboard@internal']);
  });

  it('lists services with type, usedBy and server status', async () => {
    const response = await api('/api/http/services');
    assert.equal(response.status, 200);
    const app = response.json.find((service: { name: string }) => service.name === 'app@file');
    assert.equal(app.type, 'loadbalancer');
    assert.deepEqual(app.loadBalancer, { servers: [{ url: upstream.url }], strategy: 'wrr', passHostHeader: true, responseForwarding: { flushInterval: '100ms' } });
    assert.equal(app.status, 'enabled');
    assert.deepEqual(app.usedBy, ['app@file', 'broken@file']);
    assert.deepEqual(app.serverStatus, { [upstream.url]: 'UP' });
    const detail = await api('/api/http/services/api@internal');
    assert.deepEqual(detail.json, { status: 'enabled', usedBy: ['api@internal'], name: 'api@internal', provider: 'internal' });
  });

  it('lists middlewares with type and usedBy', async () => {
    const response = await api('/api/http/middlewares/strip@file');
    assert.deepEqual(response.json, { stripPrefix: { prefixes: ['/shop'] }, status: 'enabled', usedBy: ['app@file'], name: 'strip@file', provider: 'file', type: 'stripprefix' });
    const list = await api('/api/http/middlewares');
    assert.deepEqual(list.json.map((middleware: { name: string }) => middleware.name), ['dashboard_redirect@internal', 'dashboard_stripprefix@internal', 'strip@file']);
  });

  it('answers the TCP and UDP endpoints with empty lists and 404 for names', async () => {
    for (const path of ['/api/tcp/routers', '/api/tcp/services', '/api/tcp/middlewares', '/api/udp/routers', '/api/udp/services']) {
      const response = await api(path);
      assert.equal(response.status, 200, path);
      assert.deepEqual(response.json, [], path);
    }
    assert.equal((await api('/api/tcp/routers/x@file')).status, 404);
    assert.equal((await api('/api/udp/services/x@file')).status, 404);
    assert.equal((await api('/api/udp/middlewares')).status, 404);
  });

  it('counts items and their errors in the overview', async () => {
    const response = await api('/api/overview');
    assert.deepEqual(response.json.http.routers, { total: 6, warnings: 0, errors: 2 });
    assert.deepEqual(response.json.tcp.routers, { total: 0, warnings: 0, errors: 0 });
    assert.deepEqual(response.json.features, { tracing: '', metrics: '', accessLog: false });
    assert.deepEqual(response.json.providers, ['File']);
  });

  it('returns the whole runtime configuration in rawdata', async () => {
    const response = await api('/api/rawdata');
    assert.deepEqual(Object.keys(response.json), ['routers', 'middlewares', 'services']);
    assert.equal(response.json.routers['broken@file'].status, 'disabled');
    assert.deepEqual(response.json.services['app@file'].serverStatus, { [upstream.url]: 'UP' });
    assert.equal(response.json.routers['app@file'].name, undefined);
  });

  it('lists the entryPoints with their addresses and finds one by name', async () => {
    const response = await api('/api/entrypoints');
    assert.deepEqual(response.json.map((entryPoint: { name: string }) => entryPoint.name), ['traefik', 'web']);
    const web = await api('/api/entrypoints/web');
    assert.equal(web.json.address, `127.0.0.1:${junction.ports.web}`);
    assert.equal(web.json.transport.respondingTimeouts.readTimeout, '1m0s');
    const missing = await api('/api/entrypoints/nope');
    assert.equal(missing.body, '{"message":"entry point not found: nope"}\n');
  });

  it('tells its version and start date', async () => {
    const response = await api('/api/version');
    assert.equal(typeof response.json.Version, 'string');
    assert.ok(!Number.isNaN(Date.parse(response.json.startDate)));
  });

  it('answers 404 for unknown API paths and 405 for other methods', async () => {
    assert.equal((await api('/api/nope')).status, 404);
    const post = await get(`${junction.url('traefik')}/api/rawdata`, { method: 'POST' });
    assert.equal(post.status, 405);
  });

  it('follows a configuration change: a fixed router becomes enabled', async () => {
    await junction.writeDynamic(dynamicConfig(upstream.url).replace('Hots(', 'Host('));
    await until(async () => (await api('/api/http/routers/broken@file')).json.status === 'enabled');
    const response = await api('/api/http/routers/broken@file');
    assert.equal(response.json.error, undefined);
  });
});

describe('REST API: TCP and UDP routers, services and middlewares', () => {
  let junction: JunctionProcess;
  const api = async (path: string): Promise<{ status: number; json: any }> => {
    const response = await get(`${junction.url('traefik')}${path}`);
    return { status: response.status, json: JSON.parse(response.body) };
  };

  before(async () => {
    junction = await startJunction(undefined, {
      static: `
entryPoints:
  db:
    address: "127.0.0.1:{{PORT_db}}"
  dns:
    address: "127.0.0.1:{{PORT_dns}}/udp"
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
tcp:
  routers:
    redis:
      entryPoints: [db]
      rule: "HostSNI(\`*\`)"
      middlewares: [local-only]
      service: redis
    broken:
      entryPoints: [db]
      rule: "HostSNI(\`a.test\`)"
      service: redis
  middlewares:
    local-only:
      ipAllowList: { sourceRange: [127.0.0.1/32] }
  services:
    redis:
      loadBalancer:
        servers: [{ address: "127.0.0.1:1" }]
        healthCheck: { interval: 100ms, timeout: 500ms }
udp:
  routers:
    resolver: { entryPoints: [dns], service: resolver }
  services:
    resolver:
      loadBalancer:
        servers: [{ address: "127.0.0.1:53" }]
`,
    });
  });
  after(async () => {
    await junction.stop('SIGKILL');
  });

  it('lists TCP routers with status, using, middlewares and the error of a broken one', async () => {
    const response = await api('/api/tcp/routers');
    assert.equal(response.status, 200);
    assert.deepEqual(response.json.map((router: { name: string }) => router.name), ['broken@file', 'redis@file']);
    const redis = response.json[1];
    assert.deepEqual(
      { status: redis.status, using: redis.using, middlewares: redis.middlewares, service: redis.service, rule: redis.rule, provider: redis.provider },
      { status: 'enabled', using: ['db'], middlewares: ['local-only'], service: 'redis', rule: 'HostSNI(`*`)', provider: 'file' },
    );
    const broken = (await api('/api/tcp/routers/broken@file')).json;
    assert.equal(broken.status, 'disabled');
    assert.match(broken.error[0], /^tcp\.routers\.broken\.rule: .*HostSNI matcher, but no TLS on router/);
  });

  it('shows a TCP service with usedBy and the server status its health check found', async () => {
    await until(async () => (await api('/api/tcp/services/redis@file')).json.serverStatus?.['127.0.0.1:1'] === 'DOWN', { timeoutMs: 10_000 });
    const service = (await api('/api/tcp/services/redis@file')).json;
    assert.equal(service.type, 'loadbalancer');
    assert.deepEqual(service.usedBy, ['broken@file', 'redis@file']);
    assert.deepEqual(service.loadBalancer.servers, [{ address: '127.0.0.1:1' }]);
  });

  it('lists TCP middlewares with type and usedBy', async () => {
    const middleware = (await api('/api/tcp/middlewares/local-only@file')).json;
    assert.deepEqual(
      { type: middleware.type, usedBy: middleware.usedBy, status: middleware.status, ipAllowList: middleware.ipAllowList },
      { type: 'ipallowlist', usedBy: ['redis@file'], status: 'enabled', ipAllowList: { sourceRange: ['127.0.0.1/32'] } },
    );
  });

  it('lists UDP routers and services', async () => {
    const router = (await api('/api/udp/routers/resolver@file')).json;
    assert.deepEqual(router, { entryPoints: ['dns'], service: 'resolver', status: 'enabled', using: ['dns'], name: 'resolver@file', provider: 'file' });
    const service = (await api('/api/udp/services/resolver@file')).json;
    assert.deepEqual(service, { loadBalancer: { servers: [{ address: '127.0.0.1:53' }] }, status: 'enabled', usedBy: ['resolver@file'], name: 'resolver@file', provider: 'file', type: 'loadbalancer' });
  });

  it('counts TCP and UDP items in the overview', async () => {
    const overview = (await api('/api/overview')).json;
    assert.deepEqual(overview.tcp.routers, { total: 2, warnings: 0, errors: 1 });
    assert.deepEqual(overview.tcp.services, { total: 1, warnings: 0, errors: 0 });
    assert.deepEqual(overview.udp.routers, { total: 1, warnings: 0, errors: 0 });
  });
});
