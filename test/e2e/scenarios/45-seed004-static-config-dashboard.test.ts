import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';

/**
 * The scenario's static configuration with logging at DEBUG instead of `log: {}` (level ERROR), so that the
 * harness sees when the first configuration is applied.
 */
function scenarioStatic(): string {
  return readScenario('45-seed004-static-config-dashboard').static.replace('log: {}', 'log:\n  level: DEBUG');
}

describe("scenario 45: seed 004's entryPoints http and traefik with the insecure dashboard", () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '45-seed004-static-config-dashboard', { static: scenarioStatic() });
  });
  after(() => run?.close());

  it('serves the dashboard at /dashboard/ on traefik', async () => {
    const response = await get(`${run.junction.url('traefik')}/dashboard/`);

    assert.equal(response.status, 200);
    assert.match(response.body, /<html/);
  });

  it('answers /dashboard without the trailing slash with 404, and redirects / to /dashboard/', async () => {
    assert.equal((await get(`${run.junction.url('traefik')}/dashboard`)).status, 404);
    const root = await get(`${run.junction.url('traefik')}/`);
    assert.equal(root.status, 301);
    assert.match(String(root.headers.location), /\/dashboard\/$/);
  });

  it('lists the entryPoints http and traefik', async () => {
    const response = await get(`${run.junction.url('traefik')}/api/entrypoints`);

    assert.deepEqual((JSON.parse(response.body) as Array<{ name: string }>).map((entryPoint) => entryPoint.name), ['http', 'traefik']);
  });

  it('answers 404 on http, which has no routes', async () => {
    assert.equal((await get(`${run.junction.url('http')}/`)).status, 404);
  });
});

describe("scenario 45: seed 004's original arguments, without api.insecure", () => {
  let run: ScenarioRun;
  before(async () => {
    const withoutApi = scenarioStatic().replace(/api:\n  insecure: true\n  dashboard: true\n/, '');
    assert.doesNotMatch(withoutApi, /api:/);
    run = await startScenario(undefined, '45-seed004-static-config-dashboard', { static: withoutApi });
  });
  after(() => run?.close());

  it('does not serve /dashboard/ on traefik', async () => {
    assert.equal((await get(`${run.junction.url('traefik')}/dashboard/`)).status, 404);
  });
});
