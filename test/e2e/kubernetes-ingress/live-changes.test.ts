import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { KubernetesApiServer } from '../../support/kubernetes/api-server.js';
import { endpointSliceFor } from '../../support/kubernetes/cluster-scenario.js';
import { ingress, servedBy, service } from '../../support/kubernetes/ingress-objects.js';
import { firstAnswer, parseEcho, startClientLoop } from '../../support/scenario.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

const throttleMs = 500;

const hostIngress = (name: string, host: string, serviceName: string) => ingress(name, { rules: [{ host, paths: [{ service: serviceName }] }] });

async function statusOf(junction: JunctionProcess, host: string, path = '/'): Promise<{ status: number; answeredBy: string | undefined }> {
  const response = await get(`${junction.url('web')}${path}`, { headers: { host } });
  return { status: response.status, answeredBy: parseEcho(response.body).hostname };
}

describe('Kubernetes Ingress provider, live', () => {
  let cluster: KubernetesApiServer;
  let stable: Upstream;
  let canary: Upstream;
  let junction: JunctionProcess;

  before(async () => {
    cluster = await KubernetesApiServer.start();
    stable = await startUpstream(undefined, { name: 'stable' });
    canary = await startUpstream(undefined, { name: 'canary' });
    cluster.apply([...servedBy(stable), ...servedBy(canary), hostIngress('stable', 'stable.example.com', 'stable')]);
    junction = await startJunction(undefined, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
providers:
  providersThrottleDuration: 0s
  kubernetesIngress:
    endpoint: "${cluster.url}"
    throttleDuration: ${throttleMs}ms
`,
      readyPattern: /kubernetes provider: configuration read[\s\S]*configuration applied/,
      readyTimeoutMs: 60_000,
    });
  });
  after(async () => {
    await junction?.stop('SIGKILL');
    await Promise.all([stable?.close(), canary?.close(), cluster?.close()]);
  });

  it('applies, changes and deletes an Ingress within the throttle period plus 1 s, without failing one request of an unchanged route', async () => {
    const loop = startClientLoop(junction.url('web'), { path: '/', host: 'stable.example.com' });
    try {
      let since = Date.now();
      cluster.apply(hostIngress('canary', 'canary.example.com', 'canary'));
      const added = await firstAnswer(since, async () => ((await statusOf(junction, 'canary.example.com')).answeredBy === 'canary' ? true : undefined));
      assert.ok(added.sentAfterMs <= throttleMs + 1000, `applied after ${added.sentAfterMs} ms`);

      since = Date.now();
      cluster.apply(hostIngress('canary', 'canary-v2.example.com', 'canary'));
      const changed = await firstAnswer(since, async () => ((await statusOf(junction, 'canary-v2.example.com')).status === 200 ? true : undefined));
      assert.ok(changed.sentAfterMs <= throttleMs + 1000, `changed after ${changed.sentAfterMs} ms`);
      assert.equal((await statusOf(junction, 'canary.example.com')).status, 404, 'the old host is gone');

      since = Date.now();
      cluster.delete(hostIngress('canary', '', 'canary'));
      const deleted = await firstAnswer(since, async () => ((await statusOf(junction, 'canary-v2.example.com')).status === 404 ? true : undefined));
      assert.ok(deleted.sentAfterMs <= throttleMs + 1000, `deleted after ${deleted.sentAfterMs} ms`);
      // The unchanged route keeps being asked across the rebuilds that follow the changes.
      await until(() => loop.results.length >= 20, { timeoutMs: 20_000 });
    } finally {
      await loop.stop();
    }
    assert.deepEqual(loop.results.filter((result) => result.status !== 200 || result.answeredBy !== 'stable'), [], 'every request of the unchanged route was answered by its backend');
  });

  it('follows endpoints that go away (the path is left out and reported) and come back', async () => {
    const stableSlice = endpointSliceFor(service('stable'), stable);
    const from = junction.output().length;
    cluster.delete(stableSlice);
    await until(async () => (await statusOf(junction, 'stable.example.com')).status === 404, { timeoutMs: 20_000, message: 'the path without endpoints to be left out' });
    await junction.waitForOutput(/Ingress default\/stable spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service: service "default\/stable" has no endpoints ready on port "80"/, { from });

    cluster.apply(stableSlice);
    await until(async () => (await statusOf(junction, 'stable.example.com')).answeredBy === 'stable', { timeoutMs: 20_000, message: 'the path to come back with its endpoints' });
  });

  it('keeps serving through a broken watch and a 410 Gone, then catches up with the changes made meanwhile', async () => {
    cluster.suspendWatches('reset');
    cluster.apply(hostIngress('during', 'during.example.com', 'canary'));
    cluster.compact();
    assert.equal((await statusOf(junction, 'stable.example.com')).answeredBy, 'stable', 'the configuration is kept while the API is away');
    cluster.resumeWatches();

    await until(async () => (await statusOf(junction, 'during.example.com')).answeredBy === 'canary', { timeoutMs: 30_000, message: 'the change made during the outage' });
    assert.equal((await statusOf(junction, 'stable.example.com')).answeredBy, 'stable');
    cluster.delete(hostIngress('during', '', 'canary'));
  });

  it('keeps serving when a watch ends, and sees the next change', async () => {
    cluster.breakWatches('end');
    cluster.apply(hostIngress('after-break', 'after-break.example.com', 'canary'));

    await until(async () => (await statusOf(junction, 'after-break.example.com')).answeredBy === 'canary', { timeoutMs: 30_000, message: 'the change made after the watch ended' });
    assert.equal((await statusOf(junction, 'stable.example.com')).answeredBy, 'stable');
    cluster.delete(hostIngress('after-break', '', 'canary'));
  });

  it('reports faulty Ingresses with namespace/name and field, leaving out only their faulty parts', async () => {
    const from = junction.output().length;
    cluster.apply([
      ingress('faulty', {
        rules: [{
          host: 'faulty.example.com',
          paths: [
            { path: '/missing', service: 'missing' },
            { path: '/no-port', service: 'canary', port: 8080 },
            { path: '/fine', service: 'canary' },
          ],
        }],
      }),
      ingress('tls-faulty', { tls: [{ hosts: ['tls.example.com'], secretName: 'absent' }], rules: [{ host: 'tls.example.com', paths: [{ service: 'canary' }] }] }),
      ingress('bad-annotation', { annotations: { 'traefik.ingress.kubernetes.io/router.priority': 'high' }, rules: [{ host: 'bad-annotation.example.com', paths: [{ service: 'canary' }] }] }),
    ]);

    await until(async () => (await statusOf(junction, 'faulty.example.com', '/fine')).answeredBy === 'canary', { timeoutMs: 20_000, message: 'the faulty Ingress\'s good path' });
    await junction.waitForOutput(/Ingress default\/faulty spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service: service "default\/missing" does not exist/, { from });
    await junction.waitForOutput(/Ingress default\/faulty spec\.rules\[0\]\.http\.paths\[1\]\.backend\.service: service "default\/canary" has no port "8080"/, { from });
    await junction.waitForOutput(/Ingress default\/tls-faulty spec\.tls\[0\]\.secretName: secret "default\/absent" does not exist/, { from });
    await junction.waitForOutput(/Ingress default\/bad-annotation metadata\.annotations\["traefik\.ingress\.kubernetes\.io\/router\.priority"\]: expected an integer, got "high"/, { from });
    assert.equal((await statusOf(junction, 'faulty.example.com', '/missing')).status, 404);
    assert.equal((await statusOf(junction, 'faulty.example.com', '/no-port')).status, 404);
    assert.equal((await statusOf(junction, 'bad-annotation.example.com')).status, 404);
    // As in Traefik, a missing TLS Secret is reported and the Ingress's routers stay.
    assert.equal((await statusOf(junction, 'tls.example.com')).answeredBy, 'canary');
    assert.equal((await statusOf(junction, 'stable.example.com')).answeredBy, 'stable');
    cluster.delete([ingress('faulty', {}), ingress('tls-faulty', {}), ingress('bad-annotation', {})]);
  });
});
