import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { readScenario, scenarioProvider, startScenario, type ScenarioRun } from '../../support/scenario.js';

const scenario = '29-externalname-services';
const host = 'ext.qikqiak.com';

/**
 * The crd.yaml with its ExternalName pointed at something that resolves here: `localhost`, on the port of the
 * echo backend that stands for api.external.test (the Service port is the port Traefik connects to).
 */
const resolvableCrd = readScenario(scenario)
  .crd.replace('externalName: api.external.test', 'externalName: localhost')
  .replaceAll('port: 80', 'port: {{PORT_external-api}}');

/** The scenario's static configuration with the API on entryPoint traefik, to read the generated servers. */
const withApi = readScenario(scenario).static.replace('entryPoints:\n', 'entryPoints:\n  traefik:\n    address: ":{{PORT_traefik}}/tcp"\n') + 'api:\n  insecure: true\n';

function start(t: TestContext, provider: 'file' | 'kubernetescrd', allowExternalNameServices?: boolean, staticText?: string): Promise<ScenarioRun> {
  return startScenario(t, scenario, {
    provider,
    ...(staticText === undefined ? {} : { static: staticText }),
    ...(provider === 'kubernetescrd' ? { crd: resolvableCrd } : {}),
    ...(allowExternalNameServices === undefined ? {} : { crdOptions: { allowExternalNameServices } }),
  });
}

describe('scenario 29: ExternalName services and allowExternalNameServices', () => {
  it('step 1: routes ext.qikqiak.com to the external server, with the client\'s Host', async (t) => {
    const run = await start(t, scenarioProvider);

    const response = await run.send('web', '/v1', { host });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'external-api');
    assert.equal(response.echo.target, '/v1');
    assert.equal(response.echo.header('Host'), host);
  });

  it('step 2 (Kubernetes): with the option false the IngressRoute is rejected naming the ExternalName service, and the host answers 404', async (t) => {
    const run = await start(t, 'kubernetescrd', false);

    // The fault is logged just after the configuration it left the route out of is applied.
    await run.junction.waitForOutput(/IngressRoute default\/external-api: spec\.routes\[0\]\.services\[0\]: service "default\/external-api" is of type ExternalName/);
    const response = await run.send('web', '/v1', { host });
    assert.equal(response.status, 404);
    assert.equal(run.backend('external-api').requests.length, 0);
  });

  it('step 3 (Kubernetes): with the option true the server is http://<externalName>:<port>, resolved when connecting', async (t) => {
    const run = await start(t, 'kubernetescrd', true, withApi);

    assert.equal((await run.send('web', '/v1', { host })).status, 200);
    const rawData = await fetch(`${run.junction.url('traefik')}/api/rawdata`).then((response) => response.json() as Promise<{ services: Record<string, { loadBalancer?: { servers: Array<{ url: string }> } }> }>);
    const service = rawData.services[run.routeServiceName('external-api', 'external-api')];
    assert.deepEqual(service?.loadBalancer?.servers, [{ url: `http://localhost:${run.backend('external-api').port}` }]);
  });
});
