import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { KubernetesApiServer, type KubeObject } from '../../support/kubernetes/api-server.js';
import { endpointSliceFor } from '../../support/kubernetes/cluster-scenario.js';
import { firstAnswer, parseEcho, startClientLoop } from '../../support/scenario.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';
import { routeName } from '../../../src/providers/kubernetes-crd/naming.js';

const throttleMs = 500;

function service(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports: [{ name: 'http', port: 80 }] } } as KubeObject;
}

function ingressRoute(name: string, routes: Array<{ match: string; service: string; namespace?: string; port?: number }>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'traefik.io/v1alpha1',
    kind: 'IngressRoute',
    metadata: { name, namespace: 'default' },
    spec: {
      entryPoints: ['web'],
      routes: routes.map((route) => ({ match: route.match, kind: 'Rule', services: [{ name: route.service, port: route.port ?? 80, ...(route.namespace === undefined ? {} : { namespace: route.namespace }) }] })),
      ...extra,
    },
  } as KubeObject;
}

async function statusOf(junction: JunctionProcess, host: string): Promise<{ status: number; answeredBy: string | undefined }> {
  const response = await get(`${junction.url('web')}/`, { headers: { host } });
  return { status: response.status, answeredBy: parseEcho(response.body).hostname };
}

describe('Kubernetes CRD provider, live', () => {
  let cluster: KubernetesApiServer;
  let stable: Upstream;
  let canary: Upstream;
  let junction: JunctionProcess;

  before(async () => {
    cluster = await KubernetesApiServer.start();
    stable = await startUpstream(undefined, { name: 'stable' });
    canary = await startUpstream(undefined, { name: 'canary' });
    const stableService = service('stable');
    const canaryService = service('canary');
    cluster.apply([stableService, endpointSliceFor(stableService, stable), canaryService, endpointSliceFor(canaryService, canary)]);
    cluster.apply(ingressRoute('stable', [{ match: 'Host(`stable.example.com`)', service: 'stable' }]));
    junction = await startJunction(undefined, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
api:
  insecure: true
providers:
  providersThrottleDuration: 0s
  kubernetesCRD:
    endpoint: "${cluster.url}"
    throttleDuration: ${throttleMs}ms
`,
      readyPattern: /kubernetescrd provider: configuration read[\s\S]*configuration applied/,
      readyTimeoutMs: 60_000,
    });
  });
  after(async () => {
    await junction?.stop('SIGKILL');
    await Promise.all([stable?.close(), canary?.close(), cluster?.close()]);
  });

  it('applies, changes and deletes an IngressRoute within the throttle period plus 1 s, without failing one request of an unchanged route', async () => {
    const loop = startClientLoop(junction.url('web'), { path: '/', host: 'stable.example.com' });
    try {
      let since = Date.now();
      cluster.apply(ingressRoute('canary', [{ match: 'Host(`canary.example.com`)', service: 'canary' }]));
      const added = await firstAnswer(since, async () => ((await statusOf(junction, 'canary.example.com')).answeredBy === 'canary' ? true : undefined));
      assert.ok(added.sentAfterMs <= throttleMs + 1000, `applied after ${added.sentAfterMs} ms`);

      since = Date.now();
      cluster.apply(ingressRoute('canary', [{ match: 'Host(`canary-v2.example.com`)', service: 'canary' }]));
      const changed = await firstAnswer(since, async () => ((await statusOf(junction, 'canary-v2.example.com')).status === 200 ? true : undefined));
      assert.ok(changed.sentAfterMs <= throttleMs + 1000, `changed after ${changed.sentAfterMs} ms`);
      assert.equal((await statusOf(junction, 'canary.example.com')).status, 404, 'the old match is gone');

      since = Date.now();
      cluster.delete(ingressRoute('canary', []));
      const deleted = await firstAnswer(since, async () => ((await statusOf(junction, 'canary-v2.example.com')).status === 404 ? true : undefined));
      assert.ok(deleted.sentAfterMs <= throttleMs + 1000, `deleted after ${deleted.sentAfterMs} ms`);
      // The unchanged route keeps being asked across the rebuilds that follow the changes.
      await until(() => loop.results.length >= 20, { timeoutMs: 20_000 });
    } finally {
      await loop.stop();
    }
        assert.deepEqual(loop.results.filter((result) => result.status !== 200 || result.answeredBy !== 'stable'), [], 'every request of the unchanged route was answered by its backend');
  });

  it('follows endpoints that go away (the route is left out and reported) and come back', async () => {
    const stableService = service('stable');
    const from = junction.output().length;
    cluster.delete(endpointSliceFor(stableService, stable));
    await until(async () => (await statusOf(junction, 'stable.example.com')).status === 404, { timeoutMs: 20_000, message: 'the route without endpoints to be left out' });
    await junction.waitForOutput(/IngressRoute default\/stable: spec\.routes\[0\]\.services\[0\]: no servers found for default\/stable/, { from });

    cluster.apply(endpointSliceFor(stableService, stable));
    await until(async () => (await statusOf(junction, 'stable.example.com')).answeredBy === 'stable', { timeoutMs: 20_000, message: 'the route to come back with its endpoints' });
  });

  it('keeps serving through a broken watch and a 410 Gone, then catches up with the changes made meanwhile', async () => {
    cluster.suspendWatches('reset');
    cluster.apply(ingressRoute('during', [{ match: 'Host(`during.example.com`)', service: 'canary' }]));
    cluster.compact();
    assert.equal((await statusOf(junction, 'stable.example.com')).answeredBy, 'stable', 'the configuration is kept while the API is away');
    cluster.resumeWatches();

    await until(async () => (await statusOf(junction, 'during.example.com')).answeredBy === 'canary', { timeoutMs: 30_000, message: 'the change made during the outage' });
    assert.equal((await statusOf(junction, 'stable.example.com')).answeredBy, 'stable');
    cluster.delete(ingressRoute('during', []));
  });

  it('reports faulty routes with namespace/name and field, leaving out only them', async () => {
    const from = junction.output().length;
    cluster.apply(
      ingressRoute('faulty', [
        { match: 'Host(`bad-rule.example.com`', service: 'canary' },
        { match: 'Host(`missing.example.com`)', service: 'missing' },
        { match: 'Host(`elsewhere.example.com`)', service: 'canary', namespace: 'other' },
        { match: 'Host(`fine.example.com`)', service: 'canary' },
      ]),
    );
    cluster.apply(ingressRoute('tls-faulty', [{ match: 'Host(`tls.example.com`)', service: 'canary' }], { tls: { secretName: 'absent' } }));

    await until(async () => (await statusOf(junction, 'fine.example.com')).answeredBy === 'canary', { timeoutMs: 20_000, message: 'the faulty object\'s good route' });
    await junction.waitForOutput(/IngressRoute default\/faulty: spec\.routes\[0\]\.match: /, { from });
    await junction.waitForOutput(/IngressRoute default\/faulty: spec\.routes\[1\]\.services\[0\]: service default\/missing not found/, { from });
    await junction.waitForOutput(/IngressRoute default\/faulty: spec\.routes\[2\]\.services\[0\]\.namespace: service other\/canary is not in the parent resource namespace default/, { from });
    await junction.waitForOutput(/IngressRoute default\/tls-faulty: spec\.tls\.secretName: secret "default\/absent" does not exist/, { from });
    for (const host of ['bad-rule.example.com', 'missing.example.com', 'elsewhere.example.com']) assert.equal((await statusOf(junction, host)).status, 404, host);
    assert.equal((await statusOf(junction, 'stable.example.com')).answeredBy, 'stable');

    // The API lists each left-out router as disabled, with the fault that cost it; the good route is enabled.
    const routers = JSON.parse((await get(`${junction.url('traefik')}/api/http/routers?search=faulty`)).body) as Array<{ name: string; status: string; error?: string[] }>;
    const byRule = (match: string): (typeof routers)[number] | undefined => routers.find((router) => router.name === `${routeName('default', 'faulty', match)}@kubernetescrd`);
    assert.deepEqual(byRule('Host(`bad-rule.example.com`')?.status, 'disabled');
    assert.match(byRule('Host(`bad-rule.example.com`')?.error?.[0] ?? '', /^IngressRoute default\/faulty: spec\.routes\[0\]\.match: /);
    assert.deepEqual(byRule('Host(`missing.example.com`)')?.error, ['IngressRoute default/faulty: spec.routes[1].services[0]: service default/missing not found']);
    assert.match(byRule('Host(`elsewhere.example.com`)')?.error?.[0] ?? '', /^IngressRoute default\/faulty: spec\.routes\[2\]\.services\[0\]\.namespace: service other\/canary is not in the parent resource namespace default/);
    assert.equal(byRule('Host(`fine.example.com`)')?.status, 'enabled');
    const detail = await get(`${junction.url('traefik')}/api/http/routers/${routeName('default', 'faulty', 'Host(`missing.example.com`)')}@kubernetescrd`);
    assert.equal(detail.status, 200);
    assert.equal((JSON.parse(detail.body) as { status: string }).status, 'disabled');
    cluster.delete([ingressRoute('faulty', []), ingressRoute('tls-faulty', [])]);
  });
});
