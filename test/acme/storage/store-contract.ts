import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { AcmeStore, StoredAccount, StoredCertificate } from '../../../src/acme/storage/acme-store.js';
import { until } from '../../support/until.js';

/** Opens instances of one kind of store over one backing storage, as several Junction instances would. */
export interface StoreHarness {
  /** A new instance over the same storage; closed when the test ends. */
  open(): Promise<AcmeStore>;
  /** Makes every lock's lease run out at once, as if its holder had stalled; only for shared stores. */
  expireLocks?(): Promise<void>;
}

export interface StoreContractOptions {
  readonly skip?: false | string;
  /** Whether instances share locks, challenges and notifications (Redis, Kubernetes) or not (the file). */
  readonly shared: boolean;
  /** The shortest lease the store can keep, in ms (Kubernetes leases count whole seconds). */
  readonly shortLeaseMs: number;
}

const account: StoredAccount = {
  email: 'admin@example.com',
  registration: { body: { status: 'valid', contact: ['mailto:admin@example.com'] }, uri: 'https://ca.test/acme/acct/1' },
  privateKey: Buffer.from('30820122300d06092a864886f70d01010105000382010f00', 'hex'),
};

function certificate(main: string, sans: string[] = [], serial = '1'): StoredCertificate {
  return {
    domain: { main, sans },
    certificate: `-----BEGIN CERTIFICATE-----\n${main}-${serial}\n-----END CERTIFICATE-----\n`,
    key: `-----BEGIN PRIVATE KEY-----\n${main}-${serial}\n-----END PRIVATE KEY-----\n`,
    store: 'default',
  };
}

/**
 * The behaviour every ACME store keeps, run against each implementation. Shared stores also show that what one
 * instance does is seen by the others: locks exclude each other, challenges and saves are visible, watches fire.
 */
export function acmeStoreContract(name: string, setup: (t: TestContext) => Promise<StoreHarness>, options: StoreContractOptions): void {
  describe(`${name} (ACME store contract)`, { skip: options.skip }, () => {
    it('gives an empty record for a resolver it has nothing for', async (t) => {
      const store = await (await setup(t)).open();
      const record = await store.load('unknown');
      assert.equal(record.account, undefined);
      assert.deepEqual(record.certificates, []);
    });

    it('reads back the account and certificates it saved, from a new instance', async (t) => {
      const harness = await setup(t);
      const writer = await harness.open();
      await writer.saveAccount('le', account);
      await writer.saveCertificate('le', certificate('a.example.com', ['www.a.example.com']));
      await writer.saveCertificate('le', certificate('b.example.com'));

      const reader = await harness.open();
      const record = await reader.load('le');

      assert.equal(record.account?.email, account.email);
      assert.deepEqual(record.account?.registration, account.registration);
      assert.deepEqual(record.account?.privateKey, account.privateKey);
      assert.deepEqual(
        [...record.certificates].sort((x, y) => x.domain.main.localeCompare(y.domain.main)),
        [certificate('a.example.com', ['www.a.example.com']), certificate('b.example.com')],
      );
    });

    it('replaces the certificate of the same domain set, whatever the order of its names', async (t) => {
      const store = await (await setup(t)).open();
      await store.saveCertificate('le', certificate('a.example.com', ['www.a.example.com'], '1'));
      await store.saveCertificate('le', certificate('c.example.com', [], '1'));
      await store.saveCertificate('le', certificate('www.a.example.com', ['a.example.com'], '2'));

      const record = await store.load('le');

      assert.equal(record.certificates.length, 2);
      const renewed = record.certificates.find((stored) => stored.domain.main === 'www.a.example.com');
      assert.equal(renewed?.certificate, certificate('www.a.example.com', ['a.example.com'], '2').certificate);
      assert.ok(record.certificates.some((stored) => stored.domain.main === 'c.example.com'));
    });

    it('keeps resolvers apart', async (t) => {
      const store = await (await setup(t)).open();
      await store.saveCertificate('one', certificate('one.example.com'));
      await store.saveAccount('two', account);

      assert.deepEqual((await store.load('one')).certificates.map((stored) => stored.domain.main), ['one.example.com']);
      assert.equal((await store.load('one')).account, undefined);
      assert.deepEqual((await store.load('two')).certificates, []);
    });

    it('lets one holder at a time take a lock, and again once it is released', async (t) => {
      const store = await (await setup(t)).open();
      const lock = await store.tryLock('le:a.example.com', 10_000);
      assert.ok(lock);
      assert.equal(lock.held, true);
      assert.equal(await store.tryLock('le:a.example.com', 10_000), undefined);

      const other = await store.tryLock('le:b.example.com', 10_000);
      assert.ok(other, 'another key is another lock');

      await lock.release();
      assert.equal(lock.held, false);
      const again = await store.tryLock('le:a.example.com', 10_000);
      assert.ok(again);
      await again.release();
      await other.release();
    });

    it('keeps a lock past its lease while the holder keeps it', async (t) => {
      const store = await (await setup(t)).open();
      const lock = await store.tryLock('le:a.example.com', options.shortLeaseMs);
      assert.ok(lock);

      await new Promise((resolve) => setTimeout(resolve, options.shortLeaseMs * 2.5));

      assert.equal(lock.held, true);
      assert.equal(await store.tryLock('le:a.example.com', options.shortLeaseMs), undefined);
      await lock.release();
    });

    it('answers challenges until they are removed', async (t) => {
      const store = await (await setup(t)).open();
      await store.putChallenge({ kind: 'http-01', domain: 'a.example.com', token: 'tok-1', keyAuthorization: 'tok-1.thumb' }, 60_000);
      await store.putChallenge({ kind: 'tls-alpn-01', domain: 'a.example.com', certificate: 'CERT', key: 'KEY' }, 60_000);

      assert.equal(await store.httpChallenge('tok-1'), 'tok-1.thumb');
      assert.equal(await store.httpChallenge('tok-2'), undefined);
      assert.deepEqual(await store.tlsAlpnChallenge('a.example.com'), { certificate: 'CERT', key: 'KEY' });
      assert.equal(await store.tlsAlpnChallenge('b.example.com'), undefined);

      await store.removeChallenge({ kind: 'http-01', domain: 'a.example.com', token: 'tok-1', keyAuthorization: 'tok-1.thumb' });
      await store.removeChallenge({ kind: 'tls-alpn-01', domain: 'a.example.com', certificate: 'CERT', key: 'KEY' });
      assert.equal(await store.httpChallenge('tok-1'), undefined);
      assert.equal(await store.tlsAlpnChallenge('a.example.com'), undefined);
    });

    if (!options.shared) return;

    it('forgets a challenge nobody removed once its time to live has passed', async (t) => {
      const store = await (await setup(t)).open();
      await store.putChallenge({ kind: 'http-01', domain: 'a.example.com', token: 'short', keyAuthorization: 'short.thumb' }, 300);
      await until(async () => (await store.httpChallenge('short')) === undefined, { timeoutMs: 10_000, message: 'the challenge to expire' });
    });

    it('lets only one of two instances take a lock until the holder releases it', async (t) => {
      const harness = await setup(t);
      const [first, second] = [await harness.open(), await harness.open()];
      const results = await Promise.all([first.tryLock('le:a.example.com', 10_000), second.tryLock('le:a.example.com', 10_000)]);
      const holders = results.filter((lock) => lock !== undefined);
      assert.equal(holders.length, 1);

      await holders[0]!.release();
      const taken = await second.tryLock('le:a.example.com', 10_000);
      assert.ok(taken);
      assert.equal(await first.tryLock('le:a.example.com', 10_000), undefined);
      await taken.release();
    });

    it('lets another instance take a lock whose holder went away without releasing it, once the lease ran out', async (t) => {
      const harness = await setup(t);
      const [gone, waiting] = [await harness.open(), await harness.open()];
      const abandoned = await gone.tryLock('le:a.example.com', options.shortLeaseMs);
      assert.ok(abandoned);
      await gone.close();

      assert.equal(await waiting.tryLock('le:a.example.com', options.shortLeaseMs), undefined);
      const taken = await until(() => waiting.tryLock('le:a.example.com', 10_000), { timeoutMs: options.shortLeaseMs * 4 + 10_000, intervalMs: 200, message: 'the abandoned lease to run out' });
      assert.equal(taken.held, true);
      await taken.release();
    });

    it('tells a holder whose lease was taken over that it no longer holds the lock', async (t) => {
      const harness = await setup(t);
      const [stalled, other] = [await harness.open(), await harness.open()];
      const lost = await stalled.tryLock('le:a.example.com', options.shortLeaseMs);
      assert.ok(lost);

      await harness.expireLocks!();
      const taken = await until(() => other.tryLock('le:a.example.com', 60_000), { timeoutMs: 10_000, message: 'the expired lock to be taken' });

      await until(() => !lost.held, { timeoutMs: options.shortLeaseMs * 2 + 10_000, message: 'the first holder to notice' });
      await lost.release();
      assert.equal(taken.held, true, 'a late release by the old holder leaves the new holder alone');
      assert.equal(await stalled.tryLock('le:a.example.com', 10_000), undefined);
      await taken.release();
    });

    it('shows a challenge published by one instance to the others', async (t) => {
      const harness = await setup(t);
      const [ordering, answering] = [await harness.open(), await harness.open()];
      const http = { kind: 'http-01', domain: 'a.example.com', token: 'shared-token', keyAuthorization: 'shared-token.thumb' } as const;
      await ordering.putChallenge(http, 60_000);
      await ordering.putChallenge({ kind: 'tls-alpn-01', domain: 'a.example.com', certificate: 'CERT', key: 'KEY' }, 60_000);

      assert.equal(await answering.httpChallenge('shared-token'), 'shared-token.thumb');
      assert.deepEqual(await answering.tlsAlpnChallenge('a.example.com'), { certificate: 'CERT', key: 'KEY' });

      await ordering.removeChallenge(http);
      assert.equal(await answering.httpChallenge('shared-token'), undefined);
    });

    it("tells a watching instance about another instance's saves, and not about its own", async (t) => {
      const harness = await setup(t);
      const [saving, watching] = [await harness.open(), await harness.open()];
      const seenByWatcher: string[] = [];
      const seenBySaver: string[] = [];
      const stopWatching = watching.watch((resolver) => seenByWatcher.push(resolver));
      const stopSaver = saving.watch((resolver) => seenBySaver.push(resolver));
      t.after(() => {
        stopWatching();
        stopSaver();
      });
      // A watch starts asynchronously (a subscription, a watch request): the save is repeated until it is heard.
      await until(async () => {
        await saving.saveCertificate('le', certificate('a.example.com'));
        return seenByWatcher.includes('le');
      }, { timeoutMs: 30_000, intervalMs: 250, message: 'the watcher to hear of the certificate' });
      assert.equal((await watching.load('le')).certificates[0]?.domain.main, 'a.example.com');

      await saving.saveAccount('other', account);
      await until(() => seenByWatcher.includes('other'), { timeoutMs: 30_000, message: 'the watcher to hear of the account' });
      assert.deepEqual(seenBySaver, []);
    });
  });
}
