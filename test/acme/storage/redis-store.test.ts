import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import type { AcmeStore } from '../../../src/acme/storage/acme-store.js';
import { RedisStore } from '../../../src/acme/storage/redis-store.js';
import { parseRedisStoreUrl } from '../../../src/acme/storage/redis-store-url.js';
import { createCertificateAuthority, writeCertificate } from '../../support/certificates.js';
import { skipUnlessRedis, startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { until } from '../../support/until.js';
import { acmeStoreContract } from './store-contract.js';

function openStore(t: TestContext, url: string, options: ConstructorParameters<typeof RedisStore>[1] = {}): RedisStore {
  const store = new RedisStore(url, options);
  t.after(() => store.close());
  return store;
}

/** A plain client to look at what the store wrote, as an operator with redis-cli would. */
function inspect(t: TestContext, server: RedisServer): Redis {
  const client = new Redis(server.port, '127.0.0.1', { lazyConnect: false });
  t.after(() => client.disconnect());
  return client;
}

acmeStoreContract('Redis store', async (t) => {
  const server = await startRedisServer(t);
  return {
    open: async (): Promise<AcmeStore> => openStore(t, `${server.url}/0?pollInterval=1s`),
    async expireLocks() {
      const client = inspect(t, server);
      const keys = await client.keys('junction:acme:lock:*');
      if (keys.length > 0) await client.del(...keys);
    },
  };
}, { skip: skipUnlessRedis(), shared: true, shortLeaseMs: 2000 });

describe('Redis store URL', () => {
  it('reads host, port, database and credentials, and hides the password from descriptions', () => {
    const address = parseRedisStoreUrl('redis://junction:s%40cret@redis.internal:6380/3');
    assert.equal(address.host, 'redis.internal');
    assert.equal(address.port, 6380);
    assert.equal(address.db, 3);
    assert.equal(address.username, 'junction');
    assert.equal(address.password, 's@cret');
    assert.equal(address.tls, undefined);
    assert.equal(address.display, 'redis://junction:***@redis.internal:6380/3');
    assert.equal(address.keyPrefix, 'junction:acme');
  });

  it('defaults to port 6379 and database 0', () => {
    const address = parseRedisStoreUrl('redis://127.0.0.1');
    assert.equal(address.port, 6379);
    assert.equal(address.db, 0);
    assert.equal(address.display, 'redis://127.0.0.1/0');
  });

  it('uses TLS for rediss:// with the host as server name, unless it is an IP address', () => {
    const address = parseRedisStoreUrl('rediss://redis.internal?insecureSkipVerify=true');
    assert.deepEqual(address.tls, { servername: 'redis.internal', ca: undefined, rejectUnauthorized: false });
    assert.deepEqual(parseRedisStoreUrl('rediss://10.0.0.7').tls, { ca: undefined, rejectUnauthorized: true });
  });

  it('takes its key prefix and poll interval from the query string', () => {
    const address = parseRedisStoreUrl('redis://127.0.0.1/1?keyPrefix=edge:certs&pollInterval=2s');
    assert.equal(address.keyPrefix, 'edge:certs');
    assert.equal(address.pollIntervalMs, 2000);
  });

  const faults = [
    { description: 'an unknown option', url: 'redis://127.0.0.1?prefix=x', message: 'unknown option "prefix"; expected one of keyPrefix, caFile, insecureSkipVerify, pollInterval' },
    { description: 'a database that is not a number', url: 'redis://127.0.0.1/zero', message: 'database "zero" is not a number' },
    { description: 'TLS options on a plain URL', url: 'redis://127.0.0.1?caFile=/ca.pem', message: 'options "caFile" and "insecureSkipVerify" need a rediss:// URL' },
    { description: 'a CA file that cannot be read', url: 'rediss://127.0.0.1?caFile=/nonexistent/ca.pem', message: 'option "caFile": cannot read "/nonexistent/ca.pem": ENOENT' },
    { description: 'a bad poll interval', url: 'redis://127.0.0.1?pollInterval=soon', message: 'option "pollInterval": invalid duration "soon"' },
    { description: 'another scheme', url: 'http://127.0.0.1', message: 'unsupported scheme "http:"; expected redis: or rediss:' },
  ];
  for (const fault of faults) {
    it(`rejects ${fault.description}`, () => {
      assert.throws(() => parseRedisStoreUrl(fault.url), { message: fault.message });
    });
  }
});

describe('Redis store', { skip: skipUnlessRedis() }, () => {
  it('writes records an operator can read as acme.json entries', async (t) => {
    const server = await startRedisServer(t);
    const store = openStore(t, `${server.url}/2?keyPrefix=edge`);
    await store.saveAccount('le', { email: 'admin@example.com', privateKey: Buffer.from([1, 2, 3]) });
    await store.saveCertificate('le', { domain: { main: 'a.example.com', sans: ['b.example.com'] }, certificate: 'CERT PEM', key: 'KEY PEM', store: 'default' });

    const client = inspect(t, server);
    await client.select(2);
    assert.deepEqual(JSON.parse((await client.get('edge:resolver:le:account'))!), { Email: 'admin@example.com', Registration: null, PrivateKey: 'AQID' });
    assert.deepEqual(await client.hkeys('edge:resolver:le:certificates'), ['a.example.com,b.example.com']);
    assert.deepEqual(JSON.parse((await client.hget('edge:resolver:le:certificates', 'a.example.com,b.example.com'))!), {
      domain: { main: 'a.example.com', sans: ['b.example.com'] },
      certificate: Buffer.from('CERT PEM').toString('base64'),
      key: Buffer.from('KEY PEM').toString('base64'),
      Store: 'default',
    });
    assert.deepEqual(await client.smembers('edge:resolvers'), ['le']);
  });

  it('names the store and the operation when Redis cannot be reached, and works again once it is back', async (t) => {
    const server = await startRedisServer(t);
    const store = openStore(t, server.url, { commandTimeoutMs: 1000 });
    await store.saveCertificate('le', { domain: { main: 'a.example.com', sans: [] }, certificate: 'C', key: 'K', store: 'default' });

    await server.stop();
    await assert.rejects(store.load('le'), (error: Error) => error.message.startsWith(`redis ${server.url}/0: load resolver "le": `));
    await assert.rejects(store.tryLock('le:a.example.com', 5000), /redis .*: lock "le:a.example.com": /);

    await server.start();
    await until(async () => {
      await store.saveAccount('le', { email: 'back@example.com', privateKey: Buffer.from([1]) });
      return true;
    }, { timeoutMs: 30_000, intervalMs: 200, message: 'the store to reconnect' });
    assert.equal((await store.load('le')).account?.email, 'back@example.com');
  });

  it('leaves no lock behind from an attempt that failed while Redis was away', async (t) => {
    const server = await startRedisServer(t);
    const [failing, other] = [openStore(t, server.url, { commandTimeoutMs: 1000 }), openStore(t, server.url)];
    await server.stop();
    await assert.rejects(failing.tryLock('le:a.example.com', 60_000), /not connected/);

    await server.start();
    await until(async () => (await failing.load('le')) !== undefined, { timeoutMs: 30_000, intervalMs: 200, message: 'the failing store to reconnect' });
    const lock = await other.tryLock('le:a.example.com', 60_000);

    assert.ok(lock);
    await lock.release();
  });

  it('stops holding a lock when Redis stays away for longer than the lease', async (t) => {
    const server = await startRedisServer(t);
    const store = openStore(t, server.url, { commandTimeoutMs: 500 });
    const lock = await store.tryLock('le:a.example.com', 1000);
    assert.ok(lock);

    await server.stop();

    await until(() => !lock.held, { timeoutMs: 10_000, message: 'the lock to be given up' });
    await server.start();
  });

  it('catches up with saves it was not told about while disconnected', async (t) => {
    const server = await startRedisServer(t);
    const [saving, watching] = [openStore(t, server.url), openStore(t, `${server.url}?pollInterval=500ms`)];
    const seen: string[] = [];
    const stop = watching.watch((resolver) => seen.push(resolver));
    t.after(stop);
    // The watch starts asynchronously: the save is repeated until it is heard.
    await until(async () => {
      await saving.saveCertificate('le', { domain: { main: 'a.example.com', sans: [] }, certificate: 'C', key: 'K', store: 'default' });
      return seen.includes('le');
    }, { timeoutMs: 20_000, intervalMs: 250, message: 'the first notice' });

    // Another resolver's counter moves without a notice on the channel, as when the subscription was down.
    const client = inspect(t, server);
    await client.multi().sadd('junction:acme:resolvers', 'other').incr('junction:acme:resolver:other:version').exec();

    await until(() => seen.includes('other'), { timeoutMs: 20_000, message: 'the poll to find the change' });
  });

  it('connects over TLS with a password, trusting the CA named by caFile', async (t) => {
    const directory = await mkdtemp(join(tmpdir(), 'junction-rediss-'));
    t.after(() => rm(directory, { recursive: true, force: true }));
    const ca = await createCertificateAuthority();
    const serverCertificate = await ca.issue({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    const { certFile, keyFile } = await writeCertificate(directory, 'redis', serverCertificate);
    const caFile = join(directory, 'ca.pem');
    await writeFile(caFile, ca.cert);
    const server = await startRedisServer(t, { tls: { certFile, keyFile, caFile }, password: 'pa55' });

    const store = openStore(t, `rediss://:pa55@localhost:${server.port}/0?caFile=${encodeURIComponent(caFile)}`);
    await store.saveAccount('le', { email: 'tls@example.com', privateKey: Buffer.from([7]) });

    assert.equal((await store.load('le')).account?.email, 'tls@example.com');
    assert.equal(store.description, `redis rediss://:***@localhost:${server.port}/0`);
  });
});
