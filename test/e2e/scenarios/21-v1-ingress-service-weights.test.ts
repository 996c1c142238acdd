import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

const scenario = '21-v1-ingress-service-weights';
const host = 'cheeses.minikube';

// File mode: the modern weighted service the README gives as the equivalent of the 1.x annotation (75 / 25).
// Variant B and step 3 are about the Ingress annotation and belong to the Kubernetes provider.
describe('scenario 21: 75 % / 25 % weights between cheddar and wensleydale', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, scenario);
  });
  after(() => run?.close());

  it('step 1: 40 requests, 30 from cheddar and 10 from wensleydale, three and one in every four', async () => {
    const names: string[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await run.send('web', '/', { host });
      assert.equal(response.status, 200);
      names.push(response.echo.hostname!);
    }

    assert.equal(names.filter((name) => name === 'cheddar').length, 30);
    assert.equal(names.filter((name) => name === 'wensleydale').length, 10);
    for (let block = 0; block < 40; block += 4) assert.equal(names.slice(block, block + 4).filter((name) => name === 'wensleydale').length, 1);
  });

  it('step 4: backends see the original paths', async () => {
    const response = await run.send('web', '/stilton/slice?x=1', { host });

    assert.equal(response.status, 200);
    assert.equal(response.echo.target, '/stilton/slice?x=1');
  });
});
