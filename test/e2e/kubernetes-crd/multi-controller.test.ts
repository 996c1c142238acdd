import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

async function statuses(run: ScenarioRun): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const host of ['in.qikqiak.com', 'out.qikqiak.com', 'plain.qikqiak.com']) result[host] = (await run.send('web', '/', { host })).status;
  return result;
}

describe('scenario 41: several controllers, IngressRoutes chosen by ingress class', () => {
  it('with ingressClass traefik-in serves only route-in, marked by the kubernetes.io/ingress.class annotation', async (t) => {
    const run = await startScenario(t, '41-multi-controller-ingressclass', { provider: 'kubernetescrd' });

    assert.deepEqual(await statuses(run), { 'in.qikqiak.com': 200, 'out.qikqiak.com': 404, 'plain.qikqiak.com': 404 });
    assert.equal((await run.send('web', '/', { host: 'in.qikqiak.com' })).echo.hostname, 'whoami');
  });

  it('without ingressClass serves the unmarked routes and not the one marked traefik-in', async (t) => {
    const run = await startScenario(t, '41-multi-controller-ingressclass', { provider: 'kubernetescrd', crdOptions: { ingressClass: '' } });

    assert.deepEqual(await statuses(run), { 'in.qikqiak.com': 404, 'out.qikqiak.com': 200, 'plain.qikqiak.com': 200 });
  });

  it('takes spec.ingressClassName before the annotation', async (t) => {
    const run = await startScenario(t, '41-multi-controller-ingressclass', { provider: 'kubernetescrd' });
    const route = run.cluster!.get('traefik.io/v1alpha1', 'IngressRoute', 'default', 'route-in')!;
    const before = run.junction.output().length;

    run.cluster!.apply({ ...route, metadata: { ...route.metadata, resourceVersion: undefined }, spec: { ...(route['spec'] as object), ingressClassName: 'traefik-other' } } as typeof route);
    await run.junction.waitForOutput(/configuration applied/, { from: before, timeoutMs: 30_000 });

    assert.equal((await run.send('web', '/', { host: 'in.qikqiak.com' })).status, 404);
  });
});

describe('scenario 42: several controllers, IngressRoutes chosen by label selector', () => {
  it('with labelSelector ingressclass=traefik-out serves only route-out; the unlabelled Service is still read', async (t) => {
    const run = await startScenario(t, '42-multi-controller-labelselector', { provider: 'kubernetescrd' });

    assert.deepEqual(await statuses(run), { 'in.qikqiak.com': 404, 'out.qikqiak.com': 200, 'plain.qikqiak.com': 404 });
  });

  it('reads the Kubernetes selector syntax: ingressclass in (traefik-out,traefik-edge)', async (t) => {
    const run = await startScenario(t, '42-multi-controller-labelselector', { provider: 'kubernetescrd', crdOptions: { labelSelector: 'ingressclass in (traefik-out,traefik-edge)' } });

    assert.deepEqual(await statuses(run), { 'in.qikqiak.com': 404, 'out.qikqiak.com': 200, 'plain.qikqiak.com': 404 });
  });

  it('applies the selector to Middlewares too: an unlabelled one is missing for route-out, which is then left out', async (t) => {
    const run = await startScenario(t, '42-multi-controller-labelselector', { provider: 'kubernetescrd' });
    const route = run.cluster!.get('traefik.io/v1alpha1', 'IngressRoute', 'default', 'route-out')!;
    const spec = route['spec'] as { routes: Array<Record<string, unknown>> };
    const before = run.junction.output().length;

    run.cluster!.apply({ apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: { name: 'unlabelled', namespace: 'default' }, spec: { headers: { customRequestHeaders: { X: '1' } } } });
    run.cluster!.apply({ ...route, metadata: { ...route.metadata, resourceVersion: undefined }, spec: { ...spec, routes: [{ ...spec.routes[0], middlewares: [{ name: 'unlabelled' }] }] } } as typeof route);
    await run.junction.waitForOutput(/default-unlabelled@kubernetescrd/, { from: before, timeoutMs: 30_000 });

    assert.equal((await run.send('web', '/', { host: 'out.qikqiak.com' })).status, 404);
  });
});
