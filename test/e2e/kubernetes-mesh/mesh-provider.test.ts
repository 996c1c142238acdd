import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { KubernetesApiServer, type KubeObject } from '../../support/kubernetes/api-server.js';
import { endpointSliceFor } from '../../support/kubernetes/cluster-scenario.js';
import { parseEcho } from '../../support/scenario.js';
import { startTcpEcho, tcpExchange } from '../../support/tcp-peers.js';
import { startUdpBackend, udpClient } from '../../support/udp.js';
import { startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

function meshService(name: string, clusterIP: string, annotations: Record<string, string> = {}, ports: Array<Record<string, unknown>> = [{ name: 'http', port: 80 }]): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'tk', annotations }, spec: { clusterIP, ports } } as KubeObject;
}

async function startCluster(t: TestContext): Promise<KubernetesApiServer> {
  const cluster = await KubernetesApiServer.start();
  t.after(() => cluster.close());
  return cluster;
}

async function startMeshProxy(t: TestContext, cluster: KubernetesApiServer): Promise<JunctionProcess> {
  const junction = await startJunction(t, {
    static: `
entryPoints:
  http-5000:
    address: "127.0.0.1:{{PORT_http-5000}}"
  tcp-10000:
    address: "127.0.0.1:{{PORT_tcp-10000}}"
  udp-15000:
    address: "127.0.0.1:{{PORT_udp-15000}}/udp"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
api:
  insecure: true
providers:
  providersThrottleDuration: 0s
  kubernetesMesh:
    endpoint: "${cluster.url}"
`,
    readyPattern: /kubernetesmesh provider: configuration read[\s\S]*configuration applied/,
    readyTimeoutMs: 60_000,
  });
  return junction;
}

const sendTo = (junction: JunctionProcess, host: string, method = 'GET') => get(`${junction.url('http-5000')}/`, { method, headers: { host } });

describe('Kubernetes mesh provider (providers.kubernetesMesh)', () => {
  it('serves an HTTP Service on its mesh names and ClusterIP, and leaves out only a Service with a wrong annotation, logging it by name and annotation', async (t) => {
    const cluster = await startCluster(t);
    const app = await startUpstream(t, { name: 'app' });
    const good = meshService('app', '10.96.0.50');
    const bad = meshService('bad', '10.96.0.51', { 'mesh.traefik.io/ratelimit-average': '1', 'mesh.traefik.io/ratelimit-burst': 'one' });
    cluster.apply([good, endpointSliceFor(good, app), bad, endpointSliceFor(bad, app)]);
    const junction = await startMeshProxy(t, cluster);

    for (const host of ['app.tk.traefik.mesh', 'app.tk.maesh', '10.96.0.50']) {
      const response = await sendTo(junction, host);
      assert.equal(response.status, 200, host);
      assert.equal(parseEcho(response.body).hostname, 'app');
      assert.equal(parseEcho(response.body).header('Host'), host);
    }
    assert.equal((await sendTo(junction, 'bad.tk.traefik.mesh')).status, 404);
    await junction.waitForOutput(/Service tk\/bad: annotation "mesh\.traefik\.io\/ratelimit-burst": expected an integer, got "one"/, { timeoutMs: 10_000 });

    const router = JSON.parse((await get(`${junction.url('traefik')}/api/http/routers/tk-app-80@kubernetesmesh`)).body) as Record<string, unknown>;
    assert.equal(router['rule'], 'Host(`app.tk.traefik.mesh`) || Host(`app.tk.maesh`) || Host(`10.96.0.50`)');
    assert.deepEqual(router['entryPoints'], ['http-5000']);
    assert.equal(router['priority'], 1002);
    // The router the fault costs is listed disabled, with the fault.
    const rejected = JSON.parse((await get(`${junction.url('traefik')}/api/http/routers/tk-bad-80@kubernetesmesh`)).body) as { status: string; error?: string[] };
    assert.equal(rejected.status, 'disabled');
    assert.deepEqual(rejected.error, ['Service tk/bad: annotation "mesh.traefik.io/ratelimit-burst": expected an integer, got "one"']);
  });

  it('follows a new rate-limit annotation, and endpoints going away and coming back', async (t) => {
    const cluster = await startCluster(t);
    const app = await startUpstream(t, { name: 'app' });
    const service = meshService('app', '10.96.0.60');
    const slice = endpointSliceFor(service, app);
    cluster.apply([service, slice]);
    const junction = await startMeshProxy(t, cluster);
    assert.equal((await sendTo(junction, 'app.tk.traefik.mesh')).status, 200);

    cluster.apply(meshService('app', '10.96.0.60', { 'mesh.traefik.io/ratelimit-average': '1', 'mesh.traefik.io/ratelimit-burst': '1' }));
    await until(async () => (await sendTo(junction, 'app.tk.traefik.mesh', 'HEAD')).status === 429 || undefined, { timeoutMs: 15_000, message: 'the rate limit applies' });
    const middleware = await get(`${junction.url('traefik')}/api/http/middlewares/tk-app-rate-limit@kubernetesmesh`);
    assert.equal(middleware.status, 200);
    const rateLimit = (JSON.parse(middleware.body) as { rateLimit: { average: number; burst: number } }).rateLimit;
    assert.deepEqual([rateLimit.average, rateLimit.burst], [1, 1]);

    cluster.delete(slice);
    await until(async () => (await sendTo(junction, '10.96.0.60')).status === 503 || undefined, { timeoutMs: 15_000, message: 'no server left: 503' });
    cluster.apply(slice);
    await until(async () => (await sendTo(junction, '10.96.0.60')).status === 200 || undefined, { timeoutMs: 15_000, message: 'the endpoint is back' });
  });

  it('relays a TCP Service port through tcp-10000 and a UDP Service port through udp-15000', async (t) => {
    const cluster = await startCluster(t);
    const redis = await startTcpEcho(t, { name: 'redis' });
    const dns = await startUdpBackend(t, { name: 'dns' });
    const tcpService = meshService('redis', '10.96.0.70', { 'mesh.traefik.io/traffic-type': 'tcp' }, [{ name: 'redis', port: 6379 }]);
    const udpService = meshService('dns', '10.96.0.71', { 'mesh.traefik.io/traffic-type': 'udp' }, [{ name: 'dns', port: 53, protocol: 'UDP' }]);
    cluster.apply([tcpService, endpointSliceFor(tcpService, redis), udpService, endpointSliceFor(udpService, dns)]);
    const junction = await startMeshProxy(t, cluster);

    assert.equal(await tcpExchange(junction.ports['tcp-10000']!, 'PING', { end: true }), 'redis:PINGredis bye');
    const client = await udpClient(t, junction.ports['udp-15000']!);
    assert.equal(await client.who(), 'dns');
  });
});
