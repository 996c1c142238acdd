import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scenarioProvider, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const scenario = '28-ingress-class-name';

describe('scenario 28: a Kubernetes Ingress selected by ingressClassName: traefik', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, scenario);
  });
  after(() => run?.close());

  it('step 1: answers ngdemo-by-traefik.qikqiak.com / from my-nginx', async () => {
    const response = await run.send('web', '/', { host: 'ngdemo-by-traefik.qikqiak.com' });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'my-nginx');
  });

  it('step 2: sends /any/path on the same host to my-nginx with the path unchanged (Prefix, no stripping)', async () => {
    const response = await run.send('web', '/any/path', { host: 'ngdemo-by-traefik.qikqiak.com' });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'my-nginx');
    assert.equal(response.echo.target, '/any/path');
  });

  it('step 3: answers 404 for ngdemo.qikqiak.com, whose Ingress is of class nginx', async () => {
    const response = await run.send('web', '/', { host: 'ngdemo.qikqiak.com' });

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });

  it(
    'step 4: ignores my-nginx-by-traefik (404) once the traefik IngressClass is deleted, and serves it again when it is back',
    { skip: scenarioProvider === 'file' ? 'IngressClass objects exist in Kubernetes mode only' : false },
    async () => {
      const cluster = run.cluster!;
      const traefikClass = cluster.get('networking.k8s.io/v1', 'IngressClass', undefined, 'traefik')!;
      cluster.delete(traefikClass);
      await until(async () => (await run.send('web', '/', { host: 'ngdemo-by-traefik.qikqiak.com' })).status === 404, { timeoutMs: 20_000, message: 'the Ingress to be ignored' });

      cluster.apply({ ...traefikClass, metadata: { name: 'traefik' } });
      await until(async () => (await run.send('web', '/', { host: 'ngdemo-by-traefik.qikqiak.com' })).echo.hostname === 'my-nginx', { timeoutMs: 20_000, message: 'the Ingress to be served again' });
    },
  );
});
