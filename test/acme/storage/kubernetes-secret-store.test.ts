import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import type { AcmeStore } from '../../../src/acme/storage/acme-store.js';
import { KubernetesSecretStore } from '../../../src/acme/storage/kubernetes-secret-store.js';
import { parseKubernetesSecretUrl } from '../../../src/acme/storage/kubernetes-secret-store-url.js';
import { KubernetesApiServer } from '../../support/kubernetes/api-server.js';
import { until } from '../../support/until.js';
import { acmeStoreContract } from './store-contract.js';

async function startApiServer(t: TestContext): Promise<KubernetesApiServer> {
  const server = await KubernetesApiServer.start();
  t.after(() => server.close());
  return server;
}

function openStore(t: TestContext, server: KubernetesApiServer, url = 'kubernetes://default/acme?pollInterval=1s'): KubernetesSecretStore {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(server.kubeconfig());
  const store = new KubernetesSecretStore(url, { kubeConfig });
  t.after(() => store.close());
  return store;
}

const certificate = (main: string, serial = '1') => ({ domain: { main, sans: [] }, certificate: `CERT ${main} ${serial}`, key: `KEY ${main}`, store: 'default' });

acmeStoreContract('Kubernetes Secret store', async (t) => {
  const server = await startApiServer(t);
  return {
    open: async (): Promise<AcmeStore> => openStore(t, server),
    async expireLocks() {
      for (const lease of server.list('coordination.k8s.io/v1', 'Lease', 'default')) {
        server.apply({ ...lease, spec: { ...(lease['spec'] as object), renewTime: '2000-01-01T00:00:00.000000Z' } });
      }
    },
  };
}, { shared: true, shortLeaseMs: 2000 });

describe('Kubernetes Secret store URL', () => {
  it('names the namespace and the Secret', () => {
    assert.deepEqual(parseKubernetesSecretUrl('kubernetes://edge/junction-acme'), { namespace: 'edge', name: 'junction-acme', pollIntervalMs: 30_000 });
    assert.equal(parseKubernetesSecretUrl('kubernetes://edge/acme?pollInterval=5s').pollIntervalMs, 5000);
  });

  const faults = [
    { description: 'a URL without a Secret name', url: 'kubernetes://edge', message: 'expected kubernetes://<namespace>/<secret-name>' },
    { description: 'a namespace Kubernetes would refuse', url: 'kubernetes://Edge_1/acme', message: 'namespace "Edge_1" is not a valid namespace name' },
    { description: 'a Secret name Kubernetes would refuse', url: 'kubernetes://edge/ACME', message: 'secret name "ACME" is not a valid Secret name' },
    { description: 'an unknown option', url: 'kubernetes://edge/acme?ttl=1', message: 'unknown option "ttl"; expected pollInterval' },
  ];
  for (const fault of faults) {
    it(`rejects ${fault.description}`, () => {
      assert.throws(() => parseKubernetesSecretUrl(fault.url), { message: fault.message });
    });
  }
});

describe('Kubernetes Secret store', () => {
  it('keeps one Opaque Secret with each resolver as an acme.json entry', async (t) => {
    const server = await startApiServer(t);
    const store = openStore(t, server);
    await store.saveAccount('le', { email: 'admin@example.com', privateKey: Buffer.from([1, 2, 3]) });
    await store.saveCertificate('le', { domain: { main: 'a.example.com', sans: ['b.example.com'] }, certificate: 'CERT PEM', key: 'KEY PEM', store: 'default' });

    const secret = server.get('v1', 'Secret', 'default', 'acme')!;
    assert.equal(secret['type'], 'Opaque');
    const data = secret['data'] as Record<string, string>;
    assert.deepEqual(Object.keys(data), ['le']);
    assert.deepEqual(JSON.parse(Buffer.from(data['le']!, 'base64').toString()), {
      Account: { Email: 'admin@example.com', Registration: null, PrivateKey: 'AQID' },
      Certificates: [{ domain: { main: 'a.example.com', sans: ['b.example.com'] }, certificate: Buffer.from('CERT PEM').toString('base64'), key: Buffer.from('KEY PEM').toString('base64'), Store: 'default' }],
    });
  });

  it('loses no save when replicas write at the same time', async (t) => {
    const server = await startApiServer(t);
    const [first, second] = [openStore(t, server), openStore(t, server)];

    await Promise.all([
      ...['a', 'b', 'c', 'd'].map((name) => first.saveCertificate('le', certificate(`${name}.example.com`))),
      ...['e', 'f', 'g', 'h'].map((name) => second.saveCertificate('le', certificate(`${name}.example.com`))),
      second.saveAccount('other', { email: 'other@example.com', privateKey: Buffer.from([9]) }),
    ]);

    const record = await first.load('le');
    assert.deepEqual(record.certificates.map((stored) => stored.domain.main).sort(), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((name) => `${name}.example.com`));
    assert.equal((await first.load('other')).account?.email, 'other@example.com');
    assert.ok(server.requests.some((request) => request.method === 'PUT' && request.path.endsWith('/secrets/acme')));
  });

  it('locks with a Lease that names its holder, its duration and its last renewal, and frees it on release', async (t) => {
    const server = await startApiServer(t);
    const store = openStore(t, server);
    const lock = await store.tryLock('le:a.example.com', 15_000);
    assert.ok(lock);

    const [lease] = server.list('coordination.k8s.io/v1', 'Lease', 'default');
    const spec = lease?.['spec'] as { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
    assert.match(lease!.metadata.name, /^acme-lock-[0-9a-f]{16}$/);
    assert.equal(lease!.metadata.annotations?.['junction/acme-lock'], 'le:a.example.com');
    assert.ok(spec.holderIdentity !== undefined && spec.holderIdentity !== '');
    assert.equal(spec.leaseDurationSeconds, 15);
    assert.match(spec.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    await lock.release();
    const released = server.list('coordination.k8s.io/v1', 'Lease', 'default')[0]!['spec'] as { holderIdentity?: string };
    assert.equal(released.holderIdentity, undefined);
  });

  it('keeps challenges in a second Secret and drops expired ones when it next writes', async (t) => {
    const server = await startApiServer(t);
    const store = openStore(t, server);
    await store.putChallenge({ kind: 'http-01', domain: 'a.example.com', token: 'old', keyAuthorization: 'old.thumb' }, 1);
    await until(async () => (await store.httpChallenge('old')) === undefined, { message: 'the challenge to expire' });
    await store.putChallenge({ kind: 'http-01', domain: 'b.example.com', token: 'new', keyAuthorization: 'new.thumb' }, 60_000);

    const data = server.get('v1', 'Secret', 'default', 'acme-challenges')!['data'] as Record<string, string>;
    assert.deepEqual(Object.keys(data), ['http-01.new']);
    assert.equal(server.get('v1', 'Secret', 'default', 'acme'), undefined);
  });

  it('hears of changes again after its watch broke', async (t) => {
    const server = await startApiServer(t);
    const [saving, watching] = [openStore(t, server), openStore(t, server, 'kubernetes://default/acme?pollInterval=10m')];
    const seen: string[] = [];
    const stop = watching.watch((resolver) => seen.push(resolver));
    t.after(stop);
    await until(() => server.openWatches('/v1/secrets') > 0, { message: 'the watch to start' });

    server.breakWatches('reset');
    await saving.saveCertificate('le', certificate('a.example.com'));

    await until(() => seen.includes('le'), { timeoutMs: 20_000, message: 'the change to be heard' });
  });

  it('names the store and the operation when the API server cannot be reached', async (t) => {
    const server = await KubernetesApiServer.start();
    const store = openStore(t, server);
    await server.close();

    await assert.rejects(store.load('le'), (error: Error) => error.message.startsWith('kubernetes secret default/acme: load resolver "le": '));
  });

  it('refuses a resolver name that cannot be a Secret key', async (t) => {
    const server = await startApiServer(t);
    const store = openStore(t, server);
    await assert.rejects(store.saveCertificate('le/prod', certificate('a.example.com')), {
      message: 'kubernetes secret default/acme: save the certificate for "a.example.com" of resolver "le/prod": resolver name "le/prod" cannot name a Secret key (letters, digits, "-", "_" and "." only)',
    });
  });
});
