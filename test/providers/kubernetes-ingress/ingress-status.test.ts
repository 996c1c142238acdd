import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { decode } from '../../../src/config/schema.js';
import { staticConfigSchema, type KubernetesIngressProviderConfig } from '../../../src/config/static/static-config.js';
import { Logger } from '../../../src/observability/logger.js';
import { snapshotOf } from '../../../src/providers/kubernetes/cluster-snapshot.js';
import { desiredIngressStatus, isSameStatus } from '../../../src/providers/kubernetes-ingress/ingress-status.js';
import { kubernetesIngressProvider } from '../../../src/providers/kubernetes-ingress/kubernetes-ingress-provider.js';
import type { ProviderSnapshot } from '../../../src/providers/provider.js';
import { KubernetesApiServer, parseManifests } from '../../support/kubernetes/api-server.js';
import { until } from '../../support/until.js';

function providerOptions(options: Record<string, unknown>): KubernetesIngressProviderConfig {
  const { value, errors } = decode(staticConfigSchema, { providers: { kubernetesIngress: options } });
  assert.deepEqual(errors, []);
  return value!.providers.kubernetesIngress!;
}

const manifests = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: app, namespace: default }
spec:
  rules: [{ host: app.example.com, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: app, port: { number: 80 } } } }] } }]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: nginx-only, namespace: default, annotations: { kubernetes.io/ingress.class: nginx } }
spec:
  rules: [{ host: nginx.example.com }]
---
apiVersion: v1
kind: Service
metadata: { name: junction-lb, namespace: kube-system }
spec: { type: LoadBalancer, ports: [{ port: 80, protocol: TCP }] }
status: { loadBalancer: { ingress: [{ ip: 203.0.113.7 }, { hostname: lb.example.net }] } }
---
apiVersion: v1
kind: Service
metadata: { name: junction-pending, namespace: kube-system }
spec: { type: LoadBalancer, ports: [{ port: 80 }] }
---
apiVersion: v1
kind: Service
metadata: { name: junction-cluster, namespace: kube-system }
spec: { type: ClusterIP, externalIPs: [198.51.100.1], ports: [{ port: 80, protocol: TCP }] }
---
apiVersion: v1
kind: Service
metadata: { name: junction-external, namespace: kube-system }
spec: { type: ExternalName, externalName: edge.example.org }
---
apiVersion: v1
kind: Node
metadata: { name: node-1 }
status: { addresses: [{ type: InternalIP, address: 10.0.0.11 }, { type: ExternalIP, address: 192.0.2.11 }] }
`;

describe('desiredIngressStatus', () => {
  const snapshot = snapshotOf(parseManifests(manifests) as KubernetesObject[]);
  const cases: Array<{ description: string; options: Record<string, unknown>; expected: unknown }> = [
    { description: 'publishes ingressEndpoint.ip and hostname as they are', options: { ingressEndpoint: { ip: '192.0.2.1', hostname: 'edge.example.com' } }, expected: { kind: 'publish', ingress: [{ ip: '192.0.2.1', hostname: 'edge.example.com' }] } },
    { description: 'copies a LoadBalancer published service status', options: { ingressEndpoint: { publishedService: 'kube-system/junction-lb' } }, expected: { kind: 'publish', ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.net' }] } },
    { description: 'waits for a LoadBalancer published service without status', options: { ingressEndpoint: { publishedService: 'kube-system/junction-pending' } }, expected: { kind: 'none' } },
    { description: 'publishes a ClusterIP published service external IPs with its ports', options: { ingressEndpoint: { publishedService: 'kube-system/junction-cluster' } }, expected: { kind: 'publish', ingress: [{ ip: '198.51.100.1', ports: [{ port: 80, protocol: 'TCP' }] }] } },
    { description: 'publishes an ExternalName published service name as hostname', options: { ingressEndpoint: { publishedService: 'kube-system/junction-external' } }, expected: { kind: 'publish', ingress: [{ hostname: 'edge.example.org' }] } },
    { description: 'reports a missing published service', options: { ingressEndpoint: { publishedService: 'kube-system/nowhere' } }, expected: { kind: 'error', reason: 'published service "kube-system/nowhere" does not exist' } },
    { description: 'reports an ingressEndpoint with nothing to publish', options: { ingressEndpoint: {} }, expected: { kind: 'error', reason: 'ingressEndpoint needs publishedService, ip or hostname' } },
    { description: 'reports the nodes internal IPs with reportNodeInternalIPs', options: { reportNodeInternalIPs: true }, expected: { kind: 'publish', ingress: [{ ip: '10.0.0.11' }] } },
    { description: 'publishes nothing without ingressEndpoint', options: {}, expected: { kind: 'none' } },
  ];
  for (const { description, options, expected } of cases) {
    it(description, () => {
      assert.deepEqual(desiredIngressStatus(snapshot, providerOptions(options)), expected);
    });
  }

  it('compares statuses by hostname and IP, in any order', () => {
    assert.equal(isSameStatus([{ ip: '1.1.1.1' }, { hostname: 'a' }], [{ hostname: 'a' }, { ip: '1.1.1.1', ports: [] }]), true);
    assert.equal(isSameStatus([{ ip: '1.1.1.1' }], [{ ip: '1.1.1.2' }]), false);
    assert.equal(isSameStatus([], [{ ip: '1.1.1.1' }]), false);
  });
});

async function startProvider(t: TestContext, server: KubernetesApiServer, options: Record<string, unknown>): Promise<{ pushes: ProviderSnapshot[] }> {
  const pushes: ProviderSnapshot[] = [];
  const log = new Logger({ level: 'ERROR', format: 'json', sink: { write: () => {}, close: async () => {} } });
  const controller = new AbortController();
  const provider = kubernetesIngressProvider({ options: providerOptions({ endpoint: server.url, ...options }), defaultRuleSyntax: 'v3', log, env: {}, backoffMs: { initial: 50, max: 200 } });
  void provider.run((snapshot) => pushes.push(snapshot), controller.signal);
  t.after(() => controller.abort());
  return { pushes };
}

describe('Ingress status publishing', () => {
  it('writes the configured endpoint to the status of the served Ingresses, once, with the official client', async (t) => {
    const server = await KubernetesApiServer.start();
    t.after(() => server.close());
    server.apply(manifests);

    await startProvider(t, server, { ingressEndpoint: { ip: '192.0.2.1', hostname: 'edge.example.com' } });

    await until(() => server.get('networking.k8s.io/v1', 'Ingress', 'default', 'app')?.['status'] !== undefined, { timeoutMs: 10_000 });
    assert.deepEqual((server.get('networking.k8s.io/v1', 'Ingress', 'default', 'app') as any).status, { loadBalancer: { ingress: [{ ip: '192.0.2.1', hostname: 'edge.example.com' }] } });
    assert.equal((server.get('networking.k8s.io/v1', 'Ingress', 'default', 'nginx-only') as any).status?.loadBalancer?.ingress, undefined);

    // A change elsewhere brings a new snapshot: the status already matches, so nothing is written again.
    server.apply(parseManifests(manifests).filter((object) => object.kind === 'Node').map((node) => ({ ...node, metadata: { ...node.metadata, labels: { zone: 'b' } } })));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const statusWrites = server.requests.filter((request) => request.method === 'PUT' && request.path.endsWith('/status'));
    assert.equal(statusWrites.length, 1);
  });

  it('follows the published service as its status changes', async (t) => {
    const server = await KubernetesApiServer.start();
    t.after(() => server.close());
    server.apply(manifests);

    await startProvider(t, server, { ingressEndpoint: { publishedService: 'kube-system/junction-pending' } });
    server.apply(`
apiVersion: v1
kind: Service
metadata: { name: junction-pending, namespace: kube-system }
spec: { type: LoadBalancer, ports: [{ port: 80 }] }
status: { loadBalancer: { ingress: [{ ip: 203.0.113.9 }] } }
`);

    await until(() => (server.get('networking.k8s.io/v1', 'Ingress', 'default', 'app') as any)?.status?.loadBalancer?.ingress?.[0]?.ip === '203.0.113.9', { timeoutMs: 10_000 });
  });
});
