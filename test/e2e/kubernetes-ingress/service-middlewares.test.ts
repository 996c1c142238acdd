import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { KubernetesApiServer, type KubeObject } from '../../support/kubernetes/api-server.js';
import { ingress, servedBy } from '../../support/kubernetes/ingress-objects.js';
import { bothKubernetesProvidersApplied } from '../../support/scenario.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';

const headersMiddleware: KubeObject = {
  apiVersion: 'traefik.io/v1alpha1',
  kind: 'Middleware',
  metadata: { name: 'service-headers', namespace: 'default' },
  spec: { headers: { customRequestHeaders: { 'X-Service-Middleware': 'applied' } } },
};

const ingressRoute: KubeObject = {
  apiVersion: 'traefik.io/v1alpha1',
  kind: 'IngressRoute',
  metadata: { name: 'whoami', namespace: 'default' },
  spec: {
    entryPoints: ['web'],
    routes: [{ match: 'Host(`route.example.com`)', kind: 'Rule', services: [{ name: 'routed', port: 80, middlewares: [{ name: 'service-headers' }] }] }],
  },
};

describe('service middlewares from Kubernetes', () => {
  let cluster: KubernetesApiServer;
  let annotated: Upstream;
  let routed: Upstream;
  let junction: JunctionProcess;

  before(async () => {
    cluster = await KubernetesApiServer.start();
    annotated = await startUpstream(undefined, { name: 'annotated' });
    routed = await startUpstream(undefined, { name: 'routed' });
    cluster.apply([
      headersMiddleware,
      ...servedBy(annotated, 'annotated', { annotations: { 'traefik.ingress.kubernetes.io/service.middlewares': 'default-service-headers@kubernetescrd' } }),
      ingress('annotated', { rules: [{ host: 'ingress.example.com', paths: [{ service: 'annotated' }] }] }),
      ...servedBy(routed, 'routed'),
      ingressRoute,
    ]);
    junction = await startJunction(undefined, {
      static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
providers:
  providersThrottleDuration: 0s
  kubernetesIngress:
    endpoint: "${cluster.url}"
  kubernetesCRD:
    endpoint: "${cluster.url}"
`,
      readyPattern: bothKubernetesProvidersApplied,
      readyTimeoutMs: 60_000,
    });
  });
  after(async () => {
    await junction?.stop('SIGKILL');
    await Promise.all([annotated?.close(), routed?.close(), cluster?.close()]);
  });

  it('applies the middlewares of the service.middlewares annotation of a Service behind an Ingress', async () => {
    const response = await get(`${junction.url('web')}/`, { headers: { host: 'ingress.example.com' } });

    assert.equal(response.status, 200);
    assert.equal(annotated.lastRequest.headers['x-service-middleware'], 'applied');
  });

  it('applies the middlewares of a service reference in an IngressRoute', async () => {
    const response = await get(`${junction.url('web')}/`, { headers: { host: 'route.example.com' } });

    assert.equal(response.status, 200);
    assert.equal(routed.lastRequest.headers['x-service-middleware'], 'applied');
  });
});
