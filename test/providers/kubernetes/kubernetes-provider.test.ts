import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Ingress } from '@kubernetes/client-node';
import { Logger } from '../../../src/observability/logger.js';
import { kinds, type ClusterSnapshot } from '../../../src/providers/kubernetes/cluster-snapshot.js';
import { kubernetesProvider, type KubernetesProviderSpec } from '../../../src/providers/kubernetes/kubernetes-provider.js';
import type { ProviderSnapshot } from '../../../src/providers/provider.js';
import { KubernetesApiServer, type KubeObject } from '../../support/kubernetes/api-server.js';
import { until } from '../../support/until.js';

function ingress(name: string, namespace = 'default', options: { labels?: Record<string, string>; host?: string } = {}): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace, labels: options.labels ?? {} },
    spec: { rules: [{ host: options.host ?? `${name}.example.com` }] },
  };
}

/** A translation that makes one router per Ingress host, enough to see what the provider read. */
function routersPerIngress(snapshot: ClusterSnapshot) {
  const routers: Record<string, unknown> = {};
  for (const object of snapshot.list<V1Ingress>(kinds.ingress)) {
    routers[`${object.metadata!.namespace}-${object.metadata!.name}`] = { rule: `Host(\`${object.spec?.rules?.[0]?.host}\`)`, service: 'svc' };
  }
  return { config: { http: { routers } }, errors: [] };
}

function routerNames(snapshot: ProviderSnapshot | undefined): string[] {
  const http = snapshot?.config['http'] as { routers: Record<string, unknown> } | undefined;
  return Object.keys(http?.routers ?? {}).sort();
}

interface Running {
  readonly pushes: ProviderSnapshot[];
  readonly logs: string[];
  readonly latest: () => ProviderSnapshot | undefined;
  readonly stop: () => void;
}

function run(server: KubernetesApiServer, overrides: Partial<KubernetesProviderSpec> = {}): Running {
  const pushes: ProviderSnapshot[] = [];
  const logs: string[] = [];
  const log = new Logger({ level: 'DEBUG', format: 'json', sink: { write: (line) => logs.push(line), close: async () => {} } });
  const controller = new AbortController();
  const provider = kubernetesProvider({
    name: 'kubernetes',
    optionsPath: 'providers.kubernetesIngress',
    client: { endpoint: server.url },
    namespaces: [],
    throttleMs: 0,
    watched: [{ kind: kinds.ingress }],
    translate: routersPerIngress,
    log,
    env: {},
    backoffMs: { initial: 50, max: 200 },
    ...overrides,
  });
  void provider.run((snapshot) => pushes.push(snapshot), controller.signal);
  return { pushes, logs, latest: () => pushes.at(-1), stop: () => controller.abort() };
}

describe('Kubernetes provider', () => {
  let server: KubernetesApiServer;
  before(async () => {
    server = await KubernetesApiServer.start();
  });
  after(() => server.close());

  it('pushes the translation of the whole cache once listed, then each change', async (t) => {
    server.apply([ingress('a'), ingress('b', 'other')]);
    const provider = run(server);
    t.after(() => {
      provider.stop();
      server.delete([ingress('a'), ingress('b', 'other'), ingress('c')]);
    });
    await until(() => routerNames(provider.latest()).length === 2);
    assert.deepEqual(routerNames(provider.pushes[0]), ['default-a', 'other-b'], 'the first configuration has every object');
    server.apply(ingress('c'));
    await until(() => routerNames(provider.latest()).includes('default-c'));
    server.delete(ingress('a'));
    await until(() => !routerNames(provider.latest()).includes('default-a'));
  });

  it('watches only the configured namespaces and applies the label selector to the kinds it is given for', async (t) => {
    server.apply([ingress('kept', 'apps', { labels: { class: 'outer' } }), ingress('unlabelled', 'apps'), ingress('elsewhere', 'other', { labels: { class: 'outer' } })]);
    const provider = run(server, { namespaces: ['apps'], watched: [{ kind: kinds.ingress, labelSelector: 'class=outer' }] });
    t.after(() => {
      provider.stop();
      server.delete([ingress('kept', 'apps'), ingress('unlabelled', 'apps'), ingress('elsewhere', 'other')]);
    });
    await until(() => provider.latest());
    assert.deepEqual(routerNames(provider.latest()), ['apps-kept']);
  });

  it('does not push again when a change leaves the translation as it was', async (t) => {
    server.apply(ingress('steady'));
    const provider = run(server);
    t.after(() => {
      provider.stop();
      server.delete([ingress('steady'), ingress('marker')]);
    });
    await until(() => routerNames(provider.latest()).includes('default-steady'));
    const count = provider.pushes.length;
    server.apply({ ...ingress('steady'), metadata: { name: 'steady', namespace: 'default', annotations: { unrelated: 'change' } } });
    server.apply(ingress('marker'));
    await until(() => routerNames(provider.latest()).includes('default-marker'));
    assert.equal(provider.pushes.length, count + 1, 'the unrelated annotation change was not pushed');
  });

  it('keeps its configuration through a broken watch and a 410 Gone, then catches up', async (t) => {
    server.apply(ingress('before'));
    const provider = run(server);
    t.after(() => {
      provider.stop();
      server.delete([ingress('before'), ingress('during')]);
    });
    await until(() => routerNames(provider.latest()).includes('default-before'));

    server.suspendWatches('reset');
    server.apply(ingress('during'));
    server.compact();
    assert.deepEqual(routerNames(provider.latest()), ['default-before'], 'nothing is dropped while the API is away');
    server.resumeWatches();
    await until(() => routerNames(provider.latest()).join() === 'default-before,default-during');
  });

  it('retries with backoff while the API server is unreachable, logging each failure', async (t) => {
    const provider = run(server, { client: { endpoint: 'http://127.0.0.1:1' } });
    t.after(() => provider.stop());
    await until(() => provider.logs.filter((line) => line.includes('cannot watch /apis/networking.k8s.io/v1/ingresses')).length >= 2);
    assert.equal(provider.pushes.length, 0, 'no configuration before the first complete list');
  });

  it('reports a missing endpoint outside a cluster at the provider options path', async () => {
    const provider = run(server, { client: {} });
    await until(() => provider.latest());
    assert.deepEqual(provider.latest()!.errors.map((error) => error.message), ['providers.kubernetesIngress: endpoint missing for external cluster client']);
  });
});
