import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

/**
 * The crd.yaml holds plain Services with `mesh.traefik.io/*` annotations: in Kubernetes mode Junction's mesh
 * provider (`providers.kubernetesMesh`) reads them, as Traefik Mesh's controller does for its proxies; in file
 * mode dynamic.yaml stands for what that controller gives the proxy.
 */
const scenario = '17-mesh-ratelimit-annotations';
const meshHost = 'ngx2-svc.tk.traefik.mesh';
const clusterIp = '10.96.0.17';

describe('scenario 17: the mesh rate limit (average 1, burst 1) on ngx2-svc.tk.traefik.mesh', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, scenario, { mesh: true, values: { 'CLUSTER_IP_ngx2-svc': clusterIp } });
  });
  after(() => run?.close());

  /** `curl -I -o /dev/null -s -w '%{http_code}'`: a HEAD request, only the status kept. */
  const head = async (host: string): Promise<number> => (await run.send('http-5000', '/', { host, method: 'HEAD' })).status;

  it('steps 1-3: answers 200, then 429 at once; after a second 200 again, then 429', async () => {
    assert.equal(await head(meshHost), 200);
    assert.equal(await head(meshHost), 429);

    await delay(1200);
    assert.equal(await head(meshHost), 200);
    assert.equal(await head(meshHost), 429);
  });

  it('step 4: the ClusterIP as Host shares the same bucket', async () => {
    await delay(1200);
    assert.equal(await head(clusterIp), 200);
    assert.equal(await head(meshHost), 429);
    assert.equal(await head(clusterIp), 429);
  });

  it('step 5: another mesh service, not in this configuration, answers 404', async () => {
    assert.equal(await head('ngx1-svc.tk.traefik.mesh'), 404);
    assert.equal(run.backend('ngx2-svc').requests.every((request) => request.method === 'HEAD'), true);
  });
});
