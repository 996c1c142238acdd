import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { KubernetesApiServer, type KubeObject } from '../../support/kubernetes/api-server.js';
import { ingress, servedBy } from '../../support/kubernetes/ingress-objects.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

/** `.status.loadBalancer.ingress` of an Ingress as the API server holds it. */
function loadBalancerOf(cluster: KubernetesApiServer, namespace: string, name: string): unknown {
  return (cluster.get('networking.k8s.io/v1', 'Ingress', namespace, name) as { status?: { loadBalancer?: { ingress?: unknown } } } | undefined)?.status?.loadBalancer?.ingress;
}

function loadBalancerService(status: Array<Record<string, string>>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'junction', namespace: 'kube-system' },
    spec: { type: 'LoadBalancer', ports: [{ name: 'web', port: 80, protocol: 'TCP' }] },
    status: { loadBalancer: { ingress: status } },
  };
}

function junctionWith(cluster: KubernetesApiServer, namespaces: string[], ingressEndpoint: Record<string, string>): Promise<JunctionProcess> {
  return startJunction(undefined, {
    static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
providers:
  providersThrottleDuration: 0s
  kubernetesIngress:
    endpoint: "${cluster.url}"
    namespaces: ${JSON.stringify(namespaces)}
    ingressEndpoint: ${JSON.stringify(ingressEndpoint)}
`,
    readyPattern: /kubernetes provider: configuration read[\s\S]*configuration applied/,
    readyTimeoutMs: 60_000,
  });
}

describe('Kubernetes Ingress status (providers.kubernetesIngress.ingressEndpoint)', () => {
  let cluster: KubernetesApiServer;
  let app: Upstream;
  let fixed: JunctionProcess;
  let published: JunctionProcess;

  before(async () => {
    cluster = await KubernetesApiServer.start();
    app = await startUpstream(undefined, { name: 'app' });
    cluster.apply([
      ...servedBy(app, 'app', { namespace: 'edge' }),
      ...servedBy(app, 'app', { namespace: 'published' }),
      ingress('app', { namespace: 'edge', rules: [{ host: 'app.example.com', paths: [{ service: 'app' }] }] }),
      ingress('elsewhere', { namespace: 'edge', annotations: { 'kubernetes.io/ingress.class': 'nginx' }, rules: [{ host: 'nginx.example.com', paths: [{ service: 'app' }] }] }),
      ingress('app', { namespace: 'published', rules: [{ host: 'published.example.com', paths: [{ service: 'app' }] }] }),
      loadBalancerService([{ ip: '203.0.113.7' }]),
    ]);
    // Each instance watches its own namespaces, so that each writes the status of its own Ingresses only.
    [fixed, published] = await Promise.all([
      junctionWith(cluster, ['edge'], { ip: '192.0.2.1', hostname: 'edge.example.com' }),
      junctionWith(cluster, ['published', 'kube-system'], { publishedService: 'kube-system/junction' }),
    ]);
  });
  after(async () => {
    await Promise.all([fixed?.stop('SIGKILL'), published?.stop('SIGKILL')]);
    await Promise.all([app?.close(), cluster?.close()]);
  });

  it('writes ingressEndpoint.ip and hostname to the status of the Ingresses it serves', async () => {
    await until(() => loadBalancerOf(cluster, 'edge', 'app') !== undefined, { timeoutMs: 20_000, message: 'the status of edge/app' });

    assert.deepEqual(loadBalancerOf(cluster, 'edge', 'app'), [{ ip: '192.0.2.1', hostname: 'edge.example.com' }]);
  });

  it('leaves the status of Ingresses of another class alone', () => {
    assert.equal(loadBalancerOf(cluster, 'edge', 'elsewhere'), undefined);
  });

  it('writes the status of an Ingress applied later', async () => {
    cluster.apply(ingress('late', { namespace: 'edge', rules: [{ host: 'late.example.com', paths: [{ service: 'app' }] }] }));

    await until(() => loadBalancerOf(cluster, 'edge', 'late') !== undefined, { timeoutMs: 20_000, message: 'the status of edge/late' });
    assert.deepEqual(loadBalancerOf(cluster, 'edge', 'late'), [{ ip: '192.0.2.1', hostname: 'edge.example.com' }]);
  });

  it('writes each status once: the Ingress changed by the write already has the status it wants', async () => {
    const writes = (): number => cluster.requests.filter((request) => request.method === 'PUT' && request.path === '/apis/networking.k8s.io/v1/namespaces/edge/ingresses/app/status').length;
    await until(() => writes() >= 1, { timeoutMs: 20_000 });
    // Another change in the namespace brings new snapshots; the status of edge/app is not written again.
    cluster.apply(ingress('later', { namespace: 'edge', rules: [{ host: 'later.example.com', paths: [{ service: 'app' }] }] }));
    await until(() => loadBalancerOf(cluster, 'edge', 'later') !== undefined, { timeoutMs: 20_000 });

    assert.equal(writes(), 1);
  });

  it('reads only the namespaces it is given', async () => {
    const ask = async (instance: JunctionProcess, host: string): Promise<number> => (await get(`${instance.url('web')}/`, { headers: { host } })).status;

    assert.equal(await ask(fixed, 'app.example.com'), 200);
    assert.equal(await ask(fixed, 'published.example.com'), 404);
    assert.equal(await ask(published, 'published.example.com'), 200);
    assert.equal(await ask(published, 'app.example.com'), 404);
  });

  it('copies the published Service\'s load balancer status', async () => {
    await until(() => loadBalancerOf(cluster, 'published', 'app') !== undefined, { timeoutMs: 20_000, message: 'the status of published/app' });

    assert.deepEqual(loadBalancerOf(cluster, 'published', 'app'), [{ ip: '203.0.113.7' }]);
  });

  it('follows the published Service when its status changes', async () => {
    cluster.apply(loadBalancerService([{ ip: '203.0.113.8' }, { hostname: 'lb.example.net' }]));

    await until(() => JSON.stringify(loadBalancerOf(cluster, 'published', 'app')) === JSON.stringify([{ ip: '203.0.113.8' }, { hostname: 'lb.example.net' }]), {
      timeoutMs: 20_000,
      message: 'the new status of published/app',
    });
  });
});
