import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connect } from 'node:tls';
import { acmeRouter, acmeStatic, verifiedGet } from '../support/acme.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { skipUnlessPebble, startPebble, type Pebble } from '../support/pebble.js';
import { freePort } from '../support/ports.js';
import { skipUnlessRedis, startRedisServer } from '../support/redis-server.js';
import { KubernetesApiServer } from '../support/kubernetes/api-server.js';
import { answeredBy, startUpstream } from '../support/upstream.js';
import { until } from '../support/until.js';

/** The service alone: a replica with it serves no router asking for a certificate. */
const serviceOnly = (upstreamUrl: string): string => `
http:
  services:
    app:
      loadBalancer:
        servers:
          - url: "${upstreamUrl}"
`;

/**
 * Two replicas start at once on a machine shared with other work, and the first configuration waits for each
 * resolver's first read of its store (which, for a Secret, loads the Kubernetes client): starting may be slow.
 */
const readyTimeoutMs = 60_000;

interface Replica {
  readonly webPort: number;
  readonly websecurePort: number;
}

async function replicaPorts(): Promise<Replica> {
  return { webPort: await freePort(), websecurePort: await freePort() };
}

/** Waits until the replica routes `host` over TLS with a certificate chained to pebble's root; returns the answer. */
function servedByPebble(replica: Replica, junction: JunctionProcess, host: string, pebble: Pebble) {
  return until(async () => {
    const answer = await verifiedGet(replica.websecurePort, host, pebble.root);
    return answer.status === 200 ? answer : undefined;
  }, {
    timeoutMs: 90_000,
    intervalMs: 250,
    message: `a certificate for ${host} chained to pebble's root on port ${replica.websecurePort}; junction said:\n${junction.output()}\npebble said:\n${pebble.output().slice(-3000)}`,
  });
}

/** The status of a GET over TLS for `host`, accepting whatever certificate is served (the default one, say). */
function unverifiedStatus(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: host, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)));
      socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.once('error', reject);
  });
}

const skip = skipUnlessPebble || skipUnlessRedis();

describe('ACME certificates shared by two replicas through Redis', { skip }, () => {
  it('lets one replica order while the CA validates HTTP-01 on the other, and both serve the one certificate', async (t) => {
    const redis = await startRedisServer(t);
    const [ordering, answering] = [await replicaPorts(), await replicaPorts()];
    // The CA validates on the replica that does not order: it answers from the shared store.
    const pebble = await startPebble(t, { httpPort: answering.webPort, tlsPort: answering.websecurePort });
    const upstream = await startUpstream(t, { name: 'shared' });
    const staticFor = (replica: Replica): string =>
      acmeStatic({ pebble, ...replica, storage: `${redis.url}/0`, challenge: '      httpChallenge:\n        entryPoint: web' });

    const second = await startJunction(t, { static: staticFor(answering), dynamic: serviceOnly(upstream.url), readyTimeoutMs });
    const first = await startJunction(t, { static: staticFor(ordering), dynamic: acmeRouter('shared.example.com', upstream.url), readyTimeoutMs });

    const fromFirst = await servedByPebble(ordering, first, 'shared.example.com', pebble);
    assert.equal(answeredBy(fromFirst.body), 'shared');
    assert.match(pebble.output(), new RegExp(`shared\\.example\\.com:${answering.webPort}`));

    // The second replica now asks for the same certificate: it finds it in the store instead of ordering.
    await second.writeDynamic(acmeRouter('shared.example.com', upstream.url));
    const fromSecond = await servedByPebble(answering, second, 'shared.example.com', pebble);

    assert.equal(answeredBy(fromSecond.body), 'shared');
    assert.equal(fromSecond.certificate.serialNumber, fromFirst.certificate.serialNumber);
    assert.equal(pebble.orderCount(), 1);
    assert.equal(pebble.issuedCount(), 1);
  });

  it('makes exactly one order when two replicas start together with the same router', async (t) => {
    const redis = await startRedisServer(t);
    const [one, two] = [await replicaPorts(), await replicaPorts()];
    // Whichever replica wins the lock, the CA asks replica one: the challenge is answered either way.
    const pebble = await startPebble(t, { httpPort: one.webPort, tlsPort: one.websecurePort });
    const upstream = await startUpstream(t, { name: 'race' });
    const startReplica = (replica: Replica) =>
      startJunction(t, {
        static: acmeStatic({ pebble, ...replica, storage: `${redis.url}/0`, challenge: '      httpChallenge:\n        entryPoint: web' }),
        dynamic: acmeRouter('race.example.com', upstream.url),
        readyTimeoutMs,
      });

    const [first, second] = await Promise.all([startReplica(one), startReplica(two)]);
    const [fromOne, fromTwo] = await Promise.all([
      servedByPebble(one, first, 'race.example.com', pebble),
      servedByPebble(two, second, 'race.example.com', pebble),
    ]);

    assert.equal(fromOne.certificate.serialNumber, fromTwo.certificate.serialNumber);
    assert.equal(answeredBy(fromTwo.body), 'race');
    assert.equal(pebble.orderCount(), 1);
    assert.equal(pebble.issuedCount(), 1);
  });
});

describe('ACME certificates shared through Redis with --workers', { skip }, () => {
  it("answers the CA's HTTP-01 validation from a worker of the replica that did not order", async (t) => {
    const redis = await startRedisServer(t);
    const [ordering, answering] = [await replicaPorts(), await replicaPorts()];
    const pebble = await startPebble(t, { httpPort: answering.webPort, tlsPort: answering.websecurePort });
    const upstream = await startUpstream(t, { name: 'workers' });
    const staticFor = (replica: Replica): string =>
      acmeStatic({ pebble, ...replica, storage: `${redis.url}/0`, challenge: '      httpChallenge:\n        entryPoint: web' });

    await startJunction(t, { static: staticFor(answering), dynamic: serviceOnly(upstream.url), args: ['--workers=2'], readyTimeoutMs });
    const first = await startJunction(t, { static: staticFor(ordering), dynamic: acmeRouter('workers.example.com', upstream.url), readyTimeoutMs });

    const answer = await servedByPebble(ordering, first, 'workers.example.com', pebble);
    assert.equal(answeredBy(answer.body), 'workers');
    assert.match(pebble.output(), new RegExp(`workers\\.example\\.com:${answering.webPort}`));
    assert.equal(pebble.orderCount(), 1);
  });
});

describe('ACME with Redis storage while Redis is away', { skip }, () => {
  it('keeps routing with the default certificate, says why, and obtains the certificate once Redis is back', async (t) => {
    const redis = await startRedisServer(t);
    await redis.stop();
    const replica = await replicaPorts();
    const pebble = await startPebble(t, { httpPort: replica.webPort, tlsPort: replica.websecurePort });
    const upstream = await startUpstream(t, { name: 'patient' });
    const junction = await startJunction(t, {
      static: acmeStatic({ pebble, ...replica, storage: `${redis.url}/0`, challenge: '      httpChallenge:\n        entryPoint: web' }),
      dynamic: acmeRouter('patient.example.com', upstream.url),
      readyTimeoutMs,
    });

    await junction.waitForOutput(new RegExp(`certificatesResolvers\\.le: .*redis redis://127\\.0\\.0\\.1:${redis.port}/0: .*not connected`), { timeoutMs: 30_000 });
    assert.equal(await unverifiedStatus(replica.websecurePort, 'patient.example.com'), 200);
    assert.equal(junction.process.exitCode, null);

    // The failed order is retried (after 30 s at first), this time with Redis back.
    await redis.start();
    const answer = await until(async () => {
      const served = await verifiedGet(replica.websecurePort, 'patient.example.com', pebble.root);
      return served.status === 200 ? served : undefined;
    }, { timeoutMs: 150_000, intervalMs: 1000, message: `the certificate once Redis is back; junction said:\n${junction.output()}` });
    assert.equal(answeredBy(answer.body), 'patient');
    assert.equal(pebble.issuedCount(), 1);
  });
});

describe('ACME certificates shared by two replicas through a Kubernetes Secret', { skip: skipUnlessPebble }, () => {
  it('makes one order with TLS-ALPN-01, answered by either replica, and both serve the certificate from the Secret', async (t) => {
    const apiServer = await KubernetesApiServer.start();
    t.after(() => apiServer.close());
    const directory = await mkdtemp(join(tmpdir(), 'junction-acme-kube-'));
    t.after(() => rm(directory, { recursive: true, force: true }));
    const kubeconfig = await apiServer.writeKubeconfig(directory);
    const [one, two] = [await replicaPorts(), await replicaPorts()];
    const pebble = await startPebble(t, { httpPort: one.webPort, tlsPort: one.websecurePort });
    const upstream = await startUpstream(t, { name: 'kube' });
    const startReplica = (replica: Replica) =>
      startJunction(t, {
        static: acmeStatic({ pebble, ...replica, storage: 'kubernetes://default/junction-acme', challenge: '      tlsChallenge: {}' }),
        dynamic: acmeRouter('kube.example.com', upstream.url),
        env: { KUBECONFIG: kubeconfig },
        readyTimeoutMs,
      });

    const [first, second] = await Promise.all([startReplica(one), startReplica(two)]);
    const [fromOne, fromTwo] = await Promise.all([
      servedByPebble(one, first, 'kube.example.com', pebble),
      servedByPebble(two, second, 'kube.example.com', pebble),
    ]);

    assert.equal(fromOne.certificate.serialNumber, fromTwo.certificate.serialNumber);
    assert.equal(pebble.orderCount(), 1);
    assert.equal(pebble.issuedCount(), 1);
    const secret = apiServer.get('v1', 'Secret', 'default', 'junction-acme');
    assert.deepEqual(Object.keys(secret?.['data'] as object), ['le']);
  });
});
