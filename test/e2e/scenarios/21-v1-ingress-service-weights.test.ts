import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scenarioProvider, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const scenario = '21-v1-ingress-service-weights';
const host = 'cheeses.minikube';

const weightsAnnotation = `    traefik.ingress.kubernetes.io/service-weights: |
      cheddar: 75%
      wensleydale: 25%
`;

/** crd.yaml with other `service-weights` lines: the variants the README describes. */
function withWeights(crd: string, lines: readonly string[]): string {
  assert.ok(crd.includes(weightsAnnotation), 'crd.yaml holds the 75 % / 25 % annotation');
  return crd.replace(weightsAnnotation, `    traefik.ingress.kubernetes.io/service-weights: |\n${lines.map((line) => `      ${line}\n`).join('')}`);
}

// The weight variants are changes of the Ingress annotation, so they run in Kubernetes mode only: file mode's
// dynamic.yaml (the modern weighted service the README gives as the equivalent) has no form for them.
const annotationOnly = scenarioProvider === 'file' ? 'the service-weights annotation exists in Kubernetes mode only' : false;

async function assertThreeToOne(run: ScenarioRun): Promise<void> {
  const names: string[] = [];
  for (let i = 0; i < 40; i++) {
    const response = await run.send('web', '/', { host });
    assert.equal(response.status, 200);
    names.push(response.echo.hostname!);
  }

  assert.equal(names.filter((name) => name === 'cheddar').length, 30);
  assert.equal(names.filter((name) => name === 'wensleydale').length, 10);
  for (let block = 0; block < 40; block += 4) assert.equal(names.slice(block, block + 4).filter((name) => name === 'wensleydale').length, 1);
}

describe('scenario 21: 75 % / 25 % weights between cheddar and wensleydale', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, scenario);
  });
  after(() => run?.close());

  it('step 1: 40 requests, 30 from cheddar and 10 from wensleydale, three and one in every four', async () => {
    await assertThreeToOne(run);
  });

  // Step 3 runs before step 2: variant B routes as step 1 does, so only a route that comes back after being
  // refused shows that the changed annotation was read.
  it('step 3: weights over 100 % refuse the path (404) and report the fault with the Ingress and the annotation', { skip: annotationOnly }, async () => {
    const from = run.junction.output().length;
    await run.applyCrd(withWeights(run.files.crd, ['cheddar: 80%', 'wensleydale: 30%']));

    await until(async () => (await run.send('web', '/', { host })).status === 404, { timeoutMs: 15_000, message: 'the path with weights over 100 % to be left out' });
    await run.junction.waitForOutput(
      /Ingress default\/cheeses metadata\.annotations\["traefik\.ingress\.kubernetes\.io\/service-weights"\]: the weights of path "cheeses\.minikube\/" sum to 110%, over 100%/,
      { from },
    );
    const response = await run.send('web', '/', { host });
    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });

  it('step 2 (variant B): with only "wensleydale: 25%", cheddar takes the remaining 75 %: 30 and 10 again', { skip: annotationOnly }, async () => {
    await run.applyCrd(withWeights(run.files.crd, ['wensleydale: 25%']));

    await until(async () => (await run.send('web', '/', { host })).status === 200, { timeoutMs: 15_000, message: 'the path to be routed again' });
    await assertThreeToOne(run);
  });

  it('step 4: backends see the original paths', async () => {
    const response = await run.send('web', '/stilton/slice?x=1', { host });

    assert.equal(response.status, 200);
    assert.equal(response.echo.target, '/stilton/slice?x=1');
  });
});
