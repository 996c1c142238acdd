import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { scenarioProvider, startScenario, type ScenarioRun } from '../../support/scenario.js';

/** The stilton router is the file-mode form of scenario 20's Ingress; this crd.yaml has only Traefik's own Service. */
const stiltonInFileModeOnly = scenarioProvider === 'file' ? false : 'the stilton route is an Ingress (scenario 20), not in this crd.yaml';

describe('scenario 25: the dashboard and API on the admin port (api.insecure)', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '25-dashboard-insecure-admin-port');
  });
  after(() => run?.close());

  // README step 1 expects 302 to /dashboard/. Traefik's insecure mode sends `/` through its internal
  // dashboard_redirect@internal (redirectRegex, permanent), so the answer is 301 to the absolute URL; Junction
  // follows Traefik.
  it('redirects / on traefik to /dashboard/', async () => {
    const response = await get(`${run.junction.url('traefik')}/`);

    assert.equal(response.status, 301);
    assert.equal(response.headers.location, `http://127.0.0.1:${run.junction.ports.traefik}/dashboard/`);
  });

  it('serves the dashboard page at /dashboard/ on traefik', async () => {
    const response = await get(`${run.junction.url('traefik')}/dashboard/`);

    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(response.body, /<script type="module" src="main.js">/);
    const script = await get(`${run.junction.url('traefik')}/dashboard/main.js`);
    assert.equal(script.status, 200);
    assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
  });

  it('lists stilton@file, enabled, in /api/http/routers', { skip: stiltonInFileModeOnly }, async () => {
    const response = await get(`${run.junction.url('traefik')}/api/http/routers`);

    assert.equal(response.status, 200);
    const stilton = (JSON.parse(response.body) as Array<Record<string, unknown>>).find((router) => router.name === 'stilton@file');
    assert.equal(stilton?.rule, 'Host(`stilton.minikube`)');
    assert.equal(stilton?.status, 'enabled');
    assert.equal(stilton?.provider, 'file');
  });

  // README step 4 counts one router; Traefik's overview counts every router, the internal ones included
  // (api, dashboard), so the file provider's single router is one of three.
  it('counts the routers in /api/overview, the file router and the internal api and dashboard routers', { skip: stiltonInFileModeOnly }, async () => {
    const response = await get(`${run.junction.url('traefik')}/api/overview`);

    const overview = JSON.parse(response.body) as { http: { routers: { total: number; errors: number } } };
    assert.equal(overview.http.routers.total, 3);
    assert.equal(overview.http.routers.errors, 0);
  });

  it('does not serve the dashboard on web', async () => {
    const response = await get(`${run.junction.url('web')}/dashboard/`);

    assert.equal(response.status, 404);
  });

  it('answers an unknown host on web with 404 page not found', async () => {
    const response = await run.send('web', '/', { host: 'unknown.example' });

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });
});
