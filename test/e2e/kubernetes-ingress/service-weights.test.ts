import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { KubernetesApiServer } from '../../support/kubernetes/api-server.js';
import { ingress, servedBy } from '../../support/kubernetes/ingress-objects.js';
import { parseEcho } from '../../support/scenario.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';

/**
 * Backends of one host and path, `cheddar` then `wensleydale`, on `/`; and `/stilton` to a third Service that no
 * weight names (1.x applied a Service's weight on every path it backs).
 */
function cheeses(name: string, host: string, annotations?: Record<string, string>) {
  return ingress(name, {
    ...(annotations === undefined ? {} : { annotations }),
    rules: [{ host, paths: [{ path: '/', service: 'cheddar' }, { path: '/', service: 'wensleydale' }, { path: '/stilton', service: 'stilton' }] }],
  });
}

describe('Kubernetes Ingress provider: the service-weights annotation kept from Traefik 1.x', () => {
  let cluster: KubernetesApiServer;
  let cheddar: Upstream;
  let wensleydale: Upstream;
  let junction: JunctionProcess;

  async function answers(host: string, path: string, count: number): Promise<string[]> {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await get(`${junction.url('web')}${path}`, { headers: { host } });
      assert.equal(response.status, 200);
      names.push(parseEcho(response.body).hostname ?? '');
    }
    return names;
  }

  before(async () => {
    cluster = await KubernetesApiServer.start();
    cheddar = await startUpstream(undefined, { name: 'cheddar' });
    wensleydale = await startUpstream(undefined, { name: 'wensleydale' });
    cluster.apply([
      ...servedBy(cheddar),
      ...servedBy(wensleydale),
      // The stilton Service is played by the cheddar backend.
      ...servedBy(cheddar, 'stilton'),
      cheeses('decimal', 'decimal.example', { 'ingress.kubernetes.io/service-weights': 'wensleydale: 12.5%' }),
      cheeses('over', 'over.example', { 'traefik.ingress.kubernetes.io/service-weights': 'cheddar: 80%\nwensleydale: 30%' }),
      cheeses('plain', 'plain.example'),
    ]);
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
  kubernetesIngress:
    endpoint: "${cluster.url}"
`,
      readyPattern: /kubernetes provider: configuration read[\s\S]*configuration applied/,
      readyTimeoutMs: 60_000,
    });
  });
  after(async () => {
    await junction?.stop('SIGKILL');
    await Promise.all([cheddar?.close(), wensleydale?.close(), cluster?.close()]);
  });

  it('splits a path 87.5 % / 12.5 % with the plain ingress.kubernetes.io spelling: 14 and 2 in 16 requests', async () => {
    const names = await answers('decimal.example', '/', 16);

    assert.equal(names.filter((name) => name === 'cheddar').length, 14);
    assert.equal(names.filter((name) => name === 'wensleydale').length, 2);
  });

  it('leaves out only the path whose weights sum over 100 %, reports it (log and API), and keeps the other paths of the Ingress', async () => {
    const fault = 'Ingress default/over metadata.annotations["traefik.ingress.kubernetes.io/service-weights"]: the weights of path "over.example/" sum to 110%, over 100%';
    await junction.waitForOutput(new RegExp(fault.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'over.example' } })).status, 404);
    assert.deepEqual(await answers('over.example', '/stilton', 2), ['cheddar', 'cheddar']);
    const routers = JSON.parse((await get(`${junction.url('traefik')}/api/http/routers?search=over`)).body) as Array<{ name: string; status: string; error?: string[] }>;
    const byName = (name: string): { status: string; error?: string[] } | undefined => routers.find((router) => router.name === name);
    assert.equal(byName('default-over-over-example@kubernetes')?.status, 'disabled');
    assert.deepEqual(byName('default-over-over-example@kubernetes')?.error, [fault]);
    assert.equal(byName('default-over-over-example-stilton@kubernetes')?.status, 'enabled');
  });

  it('without the annotation keeps Traefik v3: backends on one host and path give one router, the last one listed serves', async () => {
    assert.deepEqual(await answers('plain.example', '/', 4), ['wensleydale', 'wensleydale', 'wensleydale', 'wensleydale']);
  });
});
