import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

describe('scenario 23: the priority annotation overrides the longest-rule default', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '23-v1-ingress-priority-annotation');
  });
  after(() => run?.close());

  it('answers /cheddar/wensleydale/xxx from cheddar with path /wensleydale/xxx (only /cheddar is stripped)', async () => {
    const response = await run.send('web', '/cheddar/wensleydale/xxx', { host: 'cheeses.minikube' });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'cheddar');
    assert.equal(response.echo.target, '/wensleydale/xxx');
  });

  it('answers /cheddar/xxx from cheddar with path /xxx', async () => {
    const response = await run.send('web', '/cheddar/xxx', { host: 'cheeses.minikube' });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'cheddar');
    assert.equal(response.echo.target, '/xxx');
  });

  it('makes wensleydale unreachable through this host: every path under /cheddar/wensleydale goes to cheddar', async () => {
    for (const path of ['/cheddar/wensleydale', '/cheddar/wensleydale/', '/cheddar/wensleydale/xxx', '/cheddar/wensleydale/a/b?c=d']) {
      const response = await run.send('web', path, { host: 'cheeses.minikube' });
      assert.equal(response.status, 200);
      assert.equal(response.echo.hostname, 'cheddar');
    }

    assert.equal(run.backend('wensleydale').requests.length, 0);
  });

  it('restores the length-based order without restart when both priorities are removed (back to scenario 22)', async () => {
    if (run.cluster === undefined) await run.writeDynamic(readScenario('22-v1-ingress-longest-path').dynamic);
    else {
      // Kubernetes mode: the priority annotation taken off both Ingresses.
      for (const name of ['cheddar', 'wensleydale']) {
        const ingress = structuredClone(run.cluster.get('networking.k8s.io/v1', 'Ingress', 'default', name)!);
        delete ingress.metadata.annotations!['traefik.ingress.kubernetes.io/router.priority'];
        run.cluster.apply(ingress);
      }
    }

    const response = await until(async () => {
      const answer = await run.send('web', '/cheddar/wensleydale/xxx', { host: 'cheeses.minikube' });
      return answer.echo.hostname === 'wensleydale' ? answer : undefined;
    });

    assert.equal(response.status, 200);
    assert.equal(response.echo.target, '/xxx');
    assert.equal(run.junction.process.exitCode, null);
    assert.equal(run.junction.output().match(/starting Junction/g)?.length, 1);
  });
});
