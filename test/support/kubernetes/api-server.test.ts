import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { KubernetesApiServer, type KubeObject } from './api-server.js';
import { until } from '../until.js';

function ingress(name: string, labels: Record<string, string> = {}, host = `${name}.example.com`): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', labels },
    spec: { rules: [{ host }] },
  };
}

function clientFor(server: KubernetesApiServer): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  config.loadFromString(server.kubeconfig());
  return config;
}

async function fetchJson(url: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

/** Reads a watch stream until it ends or `count` events arrived. */
async function watchEvents(url: string, count: number): Promise<Array<{ type: string; object: any }>> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  const events: Array<{ type: string; object: any }> = [];
  let buffered = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        events.push(JSON.parse(buffered.slice(0, newline)));
        buffered = buffered.slice(newline + 1);
        if (events.length === count) return events;
      }
    }
  } finally {
    controller.abort();
  }
  return events;
}

describe('Kubernetes API test server', () => {
  let server: KubernetesApiServer;
  before(async () => {
    server = await KubernetesApiServer.start({ bookmarkIntervalMs: 100 });
  });
  after(() => server.close());

  it('feeds an informer of the official client: initial list, then additions, changes and deletions', async (t) => {
    server.apply(ingress('first'));
    const api = clientFor(server).makeApiClient(k8s.NetworkingV1Api);
    const informer = k8s.makeInformer(clientFor(server), '/apis/networking.k8s.io/v1/ingresses', () => api.listIngressForAllNamespaces());
    const seen: string[] = [];
    informer.on('add', (object) => seen.push(`add ${object.metadata?.name}`));
    informer.on('update', (object) => seen.push(`update ${object.metadata?.name} ${object.spec?.rules?.[0]?.host}`));
    informer.on('delete', (object) => seen.push(`delete ${object.metadata?.name}`));
    await informer.start();
    t.after(() => informer.stop());

    await until(() => seen.includes('add first'));
    server.apply(ingress('second'));
    server.apply(ingress('first', {}, 'changed.example.com'));
    server.delete(ingress('second'));
    await until(() => seen.includes('delete second'));
    assert.deepEqual(seen, ['add first', 'add second', 'update first changed.example.com', 'delete second']);
    server.delete(ingress('first'));
  });

  it('applies YAML manifests of both Traefik API groups and serves them as custom objects', async () => {
    server.apply(`
apiVersion: traefik.containo.us/v1alpha1
kind: IngressRoute
metadata: { name: legacy, namespace: apps }
spec: { entryPoints: [web], routes: [{ match: "Host(\`a\`)", kind: Rule, services: [{ name: a, port: 80 }] }] }
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: { name: current, namespace: apps }
spec: { routes: [] }
`);
    const custom = clientFor(server).makeApiClient(k8s.CustomObjectsApi);
    const legacy = (await custom.listClusterCustomObject({ group: 'traefik.containo.us', version: 'v1alpha1', plural: 'ingressroutes' })) as { items: KubeObject[] };
    const current = (await custom.listNamespacedCustomObject({ group: 'traefik.io', version: 'v1alpha1', namespace: 'apps', plural: 'ingressroutes' })) as { items: KubeObject[] };
    assert.deepEqual(legacy.items.map((item) => `${item.apiVersion} ${item.metadata.namespace}/${item.metadata.name}`), ['traefik.containo.us/v1alpha1 apps/legacy']);
    assert.deepEqual(current.items.map((item) => item.metadata.name), ['current']);
  });

  it('filters lists and watches by label selector, turning label changes into additions and deletions', async (t) => {
    const api = clientFor(server).makeApiClient(k8s.NetworkingV1Api);
    server.apply([ingress('in', { class: 'outer' }), ingress('out', { class: 'inner' })]);
    const informer = k8s.makeInformer(clientFor(server), '/apis/networking.k8s.io/v1/namespaces/default/ingresses', () => api.listNamespacedIngress({ namespace: 'default', labelSelector: 'class=outer' }), 'class=outer');
    const seen: string[] = [];
    informer.on('add', (object) => seen.push(`add ${object.metadata?.name}`));
    informer.on('delete', (object) => seen.push(`delete ${object.metadata?.name}`));
    await informer.start();
    t.after(() => informer.stop());
    await until(() => seen.includes('add in'));
    server.apply(ingress('out', { class: 'outer' }));
    server.apply(ingress('in', { class: 'inner' }));
    await until(() => seen.includes('delete in'));
    assert.deepEqual(seen, ['add in', 'add out', 'delete in']);
    server.delete([ingress('in'), ingress('out')]);
  });

  it('answers a watch from a compacted resourceVersion with 410 Gone, and the informer relists', async (t) => {
    const api = clientFor(server).makeApiClient(k8s.CoreV1Api);
    const informer = k8s.makeInformer(clientFor(server), '/api/v1/services', () => api.listServiceForAllNamespaces());
    const names = (): string[] => informer.list().map((service) => service.metadata?.name ?? '').sort();
    // The official informer stops on a connection error; its owner restarts it (as a provider does), until the test ends.
    let isStopped = false;
    informer.on('error', () => setTimeout(() => isStopped || void informer.start(), 50));
    await informer.start();
    t.after(() => {
      isStopped = true;
      return informer.stop();
    });
    server.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kept', namespace: 'default' }, spec: {} });
    await until(() => names().includes('kept'));

    const before = server.get('v1', 'Service', 'default', 'kept')!.metadata.resourceVersion!;
    server.suspendWatches();
    server.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'while-away', namespace: 'default' }, spec: {} });
    server.delete({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kept', namespace: 'default' } });
    server.compact();
    assert.deepEqual(names(), ['kept'], 'nothing reaches the informer while watches are held');
    server.resumeWatches();
    await until(() => names().join() === 'while-away', { timeoutMs: 10_000 });
    assert.ok(server.requests.some((request) => request.query.get('watch') === 'true' && request.query.get('resourceVersion') === before), 'the informer resumed from its last version first');

    const [gone] = await watchEvents(`${server.url}/api/v1/services?watch=true&resourceVersion=${before}`, 1);
    assert.equal(gone!.type, 'ERROR');
    assert.equal(gone!.object.code, 410);
    assert.equal(gone!.object.reason, 'Expired');
  });

  it('sends bookmarks with the current resourceVersion when asked, and replays history from a resourceVersion', async () => {
    const created = server.apply(ingress('bookmarked'))[0]!;
    server.apply(ingress('bookmarked', {}, 'later.example.com'));
    const events = await watchEvents(`${server.url}/apis/networking.k8s.io/v1/ingresses?watch=1&allowWatchBookmarks=true&resourceVersion=${created.metadata.resourceVersion}`, 2);
    assert.equal(events[0]!.type, 'MODIFIED');
    assert.equal(events[0]!.object.spec.rules[0].host, 'later.example.com');
    assert.equal(events[1]!.type, 'BOOKMARK');
    assert.equal(events[1]!.object.metadata.resourceVersion, events[0]!.object.metadata.resourceVersion);
    server.delete(ingress('bookmarked'));
  });

  it('updates only the status through the status subresource, and refuses a stale resourceVersion', async () => {
    const created = server.apply(ingress('published'))[0]!;
    const api = clientFor(server).makeApiClient(k8s.NetworkingV1Api);
    const body = { ...created, spec: { rules: [] }, status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } } } as k8s.V1Ingress;
    await api.replaceNamespacedIngressStatus({ name: 'published', namespace: 'default', body });
    const stored = server.get('networking.k8s.io/v1', 'Ingress', 'default', 'published')!;
    assert.deepEqual(stored['status'], { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } });
    assert.deepEqual(stored['spec'], created['spec']);

    const stale = await fetchJson(`${server.url}/apis/networking.k8s.io/v1/namespaces/default/ingresses/published/status`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...created, status: {} }),
    });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    server.delete(ingress('published'));
  });

  it('answers unknown objects and resources with a NotFound status', async () => {
    const object = await fetchJson(`${server.url}/api/v1/namespaces/default/secrets/absent`);
    assert.equal(object.status, 404);
    assert.equal(object.body.kind, 'Status');
    assert.equal(object.body.reason, 'NotFound');
    const resource = await fetchJson(`${server.url}/apis/example.com/v1/widgets`);
    assert.equal(resource.status, 404);
  });

  it('narrows lists and watches to one object with a metadata.name field selector', async () => {
    server.apply([ingress('picked'), ingress('other')]);
    const listed = await fetchJson(`${server.url}/apis/networking.k8s.io/v1/namespaces/default/ingresses?fieldSelector=metadata.name%3Dpicked`);
    assert.deepEqual(listed.body.items.map((item: KubeObject) => item.metadata.name), ['picked']);

    const events = watchEvents(`${server.url}/apis/networking.k8s.io/v1/namespaces/default/ingresses?watch=true&resourceVersion=${listed.body.metadata.resourceVersion}&fieldSelector=metadata.name%3Dpicked`, 1);
    await until(() => server.openWatches('networking.k8s.io/v1/ingresses') > 0);
    server.apply(ingress('other', { changed: 'yes' }));
    server.apply(ingress('picked', { changed: 'yes' }));
    const [event] = await events;
    assert.equal(event?.type, 'MODIFIED');
    assert.equal(event?.object.metadata.name, 'picked');
    server.delete([ingress('picked'), ingress('other')]);
  });
});
