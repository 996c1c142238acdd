import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { get } from '../support/http.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { startUpstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const staticConfig = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
api:
  insecure: true
providers:
  providersThrottleDuration: 0s
  rest:
    insecure: true
`;

function put(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'PUT', headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function restConfiguration(upstreamUrl: string, host: string): string {
  return JSON.stringify({
    http: {
      routers: { app: { rule: `Host(\`${host}\`)`, service: 'app', entryPoints: ['web'] } },
      services: { app: { loadBalancer: { servers: [{ url: upstreamUrl }] } } },
    },
  });
}

async function startWithRest(t: Parameters<typeof startJunction>[0], args: string[] = []): Promise<JunctionProcess> {
  return startJunction(t, { static: staticConfig, args, ...(args.length > 0 ? { readyPattern: /workers listening/ } : {}) });
}

describe('REST provider (providers.rest.insecure on entryPoint traefik)', () => {
  it('serves the configuration PUT to /api/providers/rest, and replaces it with the next one', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startWithRest(t);

    const answer = await put(`${junction.url('traefik')}/api/providers/rest`, restConfiguration(upstream.url, 'one.test'));
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), JSON.parse(restConfiguration(upstream.url, 'one.test')));
    await until(async () => (await get(`${junction.url('web')}/`, { headers: { host: 'one.test' } })).status === 200, { timeoutMs: 10_000 });
    const router = JSON.parse((await get(`${junction.url('traefik')}/api/http/routers/app@rest`)).body);
    assert.equal(router.status, 'enabled');

    await put(`${junction.url('traefik')}/api/providers/rest`, restConfiguration(upstream.url, 'two.test'));
    await until(async () => (await get(`${junction.url('web')}/`, { headers: { host: 'one.test' } })).status === 404, { timeoutMs: 10_000 });
    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'two.test' } })).status, 200);
  });

  it('refuses another provider name, invalid JSON and other methods', async (t) => {
    const junction = await startWithRest(t);

    const other = await put(`${junction.url('traefik')}/api/providers/file`, '{}');
    assert.equal(other.status, 400);
    assert.equal(other.body, "Only 'rest' provider can be updated through the REST API\n");
    assert.equal((await put(`${junction.url('traefik')}/api/providers/rest`, '{"http": ')).status, 400);
    assert.equal((await get(`${junction.url('traefik')}/api/providers/rest`)).status, 405);
  });

  it('reports a fault in a PUT configuration under its path, keeping the rest of it', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startWithRest(t);
    const config = JSON.parse(restConfiguration(upstream.url, 'good.test'));
    config.http.routers.broken = { rule: 'Hots(`x`)', service: 'app' };

    assert.equal((await put(`${junction.url('traefik')}/api/providers/rest`, JSON.stringify(config))).status, 200);

    await junction.waitForOutput(/http\.routers\.broken\.rule: .*Hots/);
    await until(async () => (await get(`${junction.url('web')}/`, { headers: { host: 'good.test' } })).status === 200, { timeoutMs: 10_000 });
  });

  it('takes configurations through any worker with --workers=2', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startWithRest(t, ['--workers=2']);

    assert.equal((await put(`${junction.url('traefik')}/api/providers/rest`, restConfiguration(upstream.url, 'workers.test'))).status, 200);

    await until(async () => (await get(`${junction.url('web')}/`, { headers: { host: 'workers.test' } })).status === 200, { timeoutMs: 10_000 });
    // Every worker serves it, whichever took the PUT.
    for (let attempt = 0; attempt < 6; attempt++) assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'workers.test', connection: 'close' } })).status, 200);
  });
});
