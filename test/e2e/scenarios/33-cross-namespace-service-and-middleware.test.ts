import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

const host = 'nexus.qikqiak.com';

describe('scenario 33: cross-namespace Service and Middleware references', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '33-cross-namespace-service-and-middleware');
  });
  after(() => run?.close());

  it('answers /foo on nexus.qikqiak.com from nexus with backend path / and X-Forwarded-Prefix: /foo', async () => {
    const response = await run.send('web', '/foo', { host });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'nexus');
    assert.equal(response.echo.target, '/');
    assert.equal(response.echo.header('X-Forwarded-Prefix'), '/foo');
  });

  it('forwards /foo/static/app.css with backend path /static/app.css', async () => {
    const response = await run.send('web', '/foo/static/app.css', { host });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'nexus');
    assert.equal(response.echo.target, '/static/app.css');
  });

  for (const path of ['/static/rapture/app.css', '/service/rest/v1/status']) {
    it(`answers 404 for the page's asset ${path}: only /foo is routed`, async () => {
      const received = run.backend('nexus').requests.length;

      const response = await run.send('web', path, { host });

      assert.equal(response.status, 404);
      assert.equal(response.body, '404 page not found\n');
      assert.equal(run.backend('nexus').requests.length, received);
    });
  }

  // Steps 3 to 5 (allowCrossNamespace true and false, same-namespace references) are left out: they need the
  // Kubernetes CRD provider, which Junction does not have yet.
});
