import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

describe('scenario 27: the dashboard through a router to api@internal', () => {
  let run: ScenarioRun;
  const host = 'traefik.qikqiak.com';
  before(async () => {
    run = await startScenario(undefined, '27-dashboard-api-internal');
  });
  after(() => run?.close());

  it('redirects / to /dashboard/ with 302', async () => {
    const response = await run.send('web', '/', { host });

    assert.equal(response.status, 302);
    assert.equal(response.headers.location, '/dashboard/');
  });

  it('serves the dashboard page and its assets', async () => {
    const page = await run.send('web', '/dashboard/', { host });
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(page.body, /<meta name="api-url" content="\/api\/">/);

    const style = await run.send('web', '/dashboard/style.css', { host });
    assert.equal(style.status, 200);
    assert.equal(style.headers['content-type'], 'text/css; charset=utf-8');
  });

  it('lists the router itself in /api/http/routers, enabled, to api@internal', async () => {
    const response = await run.send('web', '/api/http/routers', { host });

    const router = (JSON.parse(response.body) as Array<Record<string, unknown>>).find((item) => item.name === run.routerName('traefik-dashboard'));
    assert.equal(router?.service, 'api@internal');
    assert.equal(router?.status, 'enabled');
  });

  it('returns rawdata with routers, services (api@internal among them) and middlewares', async () => {
    const response = await run.send('web', '/api/rawdata', { host });

    assert.equal(response.status, 200);
    const raw = JSON.parse(response.body) as { routers: object; services: Record<string, unknown> };
    assert.ok(raw.routers);
    assert.ok(raw.services['api@internal']);
  });

  it('lists the entryPoints traefik and web with their addresses', async () => {
    const response = await run.send('web', '/api/entrypoints', { host });

    const entryPoints = JSON.parse(response.body) as Array<{ name: string; address: string }>;
    assert.deepEqual(entryPoints.map((entryPoint) => entryPoint.name), ['traefik', 'web']);
    assert.equal(entryPoints[1]!.address, `:${run.junction.ports.web}/tcp`);
  });

  it('answers other hosts with 404; traefik has ping but no dashboard', async () => {
    assert.equal((await run.send('web', '/dashboard/', { host: 'other.example' })).status, 404);
    assert.equal((await get(`${run.junction.url('traefik')}/dashboard/`)).status, 404);
    const ping = await get(`${run.junction.url('traefik')}/ping`);
    assert.equal(ping.status, 200);
    assert.equal(ping.body, 'OK');
  });
});
