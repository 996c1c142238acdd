import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { endpointSliceFor } from '../../support/kubernetes/cluster-scenario.js';
import { ingressClass, service } from '../../support/kubernetes/ingress-objects.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';
import type { UpstreamHandler } from '../../support/upstream.js';

const scenario = '47-seed004-cert-manager-tls-secret';
const challengePath = '/.well-known/acme-challenge/TOKEN123';

/** cert-manager's HTTP-01 solver: the key authorization for its token, 404 for anything else. */
const solver: UpstreamHandler = (request, response) => {
  if (request.url === challengePath) {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('TOKEN123.thumbprint');
    return;
  }
  response.writeHead(404);
  response.end();
};

/**
 * Scenario 47, step 5 in Kubernetes mode: the HTTP-01 solver Ingress cert-manager creates (ingressClassName
 * traefik, pathType ImplementationSpecific) routes the challenge with no IngressRoute. The crd.yaml holds the
 * Ingress only; the cluster also has what the seed's installation brought and the manifests leave out: the
 * `traefik` IngressClass of the Helm chart and the solver's Service, which cert-manager creates beside its Ingress.
 */
describe('scenario 47 in Kubernetes mode: the cert-manager HTTP-01 solver Ingress', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, scenario, { provider: 'kubernetescrd', handlers: { 'cm-acme-http-solver': solver } });
    const solverService = service('cm-acme-http-solver-abcde', { spec: { ports: [{ name: 'http', port: 8089 }] } });
    run.cluster!.apply([ingressClass('traefik', 'traefik.io/ingress-controller'), solverService, endpointSliceFor(solverService, run.backend('cm-acme-http-solver'))]);
  });
  after(() => run?.close());

  it('step 5: answers the challenge for example.com on web from the solver (ImplementationSpecific: a prefix)', async () => {
    const response = await until(async () => {
      const answer = await run.send('web', challengePath, { host: 'example.com' });
      return answer.status === 200 ? answer : undefined;
    }, { timeoutMs: 20_000, message: 'the solver Ingress to be served' });

    assert.equal(response.body, 'TOKEN123.thumbprint');
    assert.equal(run.backend('cm-acme-http-solver').lastRequest.path, challengePath);
  });

  it('step 5: leaves other paths of example.com on web unrouted (404)', async () => {
    assert.equal((await run.send('web', '/', { host: 'example.com' })).status, 404);
  });

  it('step 6: answers 404 for whoami.example.com on web (the IngressRoute is on websecure only)', async () => {
    assert.equal((await run.send('web', '/', { host: 'whoami.example.com' })).status, 404);
  });
});
