import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { acmeRouter, acmeStatic, traefikAcmeJson, verifiedGet } from '../../support/acme.js';
import { createCertificateAuthority } from '../../support/certificates.js';
import { startJunction } from '../../support/junction.js';
import { skipUnlessPebble, startPebble } from '../../support/pebble.js';
import { freePort } from '../../support/ports.js';
import { answeredBy, startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

async function dataDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'junction-acme-data-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('acme.json storage', { skip: skipUnlessPebble }, () => {
  it('writes acme.json in Traefik format with mode 0600 and serves it again after a restart without a new order', async (t) => {
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
    const upstream = await startUpstream(t, { name: 'kept' });
    const data = await dataDir(t);
    const storage = join(data, 'acme.json');
    const options = {
      static: acmeStatic({ pebble, webPort, websecurePort, storage, challenge: '      httpChallenge:\n        entryPoint: web' }),
      dynamic: acmeRouter('kept.example.com', upstream.url),
    };
    const first = await startJunction(t, options);
    const obtained = await until(() => verifiedGet(websecurePort, 'kept.example.com', pebble.root), { timeoutMs: 120_000, message: `a certificate; junction said:\n${first.output()}` });
    await first.stop();

    assert.equal((await stat(storage)).mode & 0o777, 0o600);
    const stored = JSON.parse(await readFile(storage, 'utf8')) as Record<string, { Account: Record<string, unknown>; Certificates: Array<Record<string, unknown>> }>;
    assert.deepEqual(Object.keys(stored), ['le']);
    assert.equal(stored.le!.Account.Email, 'admin@example.com');
    assert.match(String((stored.le!.Account.Registration as { uri: string }).uri), /^https:\/\/127\.0\.0\.1:\d+\/my-account\//);
    assert.ok(Buffer.from(String(stored.le!.Account.PrivateKey), 'base64').length > 1000);
    assert.deepEqual(stored.le!.Certificates[0]!.domain, { main: 'kept.example.com' });
    assert.match(Buffer.from(String(stored.le!.Certificates[0]!.certificate), 'base64').toString(), /^-----BEGIN CERTIFICATE-----/);
    assert.equal(stored.le!.Certificates[0]!.Store, 'default');

    const second = await startJunction(t, options);
    const served = await until(() => verifiedGet(websecurePort, 'kept.example.com', pebble.root), { timeoutMs: 20_000, message: `the stored certificate; junction said:\n${second.output()}` });

    assert.equal(served.certificate.serialNumber, obtained.certificate.serialNumber);
    assert.equal(answeredBy(served.body), 'kept');
    assert.equal(pebble.orderCount(), 1);
  });

  it('serves the certificates of an acme.json written by Traefik, keeping the entries of other resolvers', async (t) => {
    const ca = await createCertificateAuthority('Stored Test CA');
    const certificate = await ca.issue({ dnsNames: ['stored.example.com', 'www.stored.example.com'] });
    const upstream = await startUpstream(t, { name: 'stored' });
    const data = await dataDir(t);
    const storage = join(data, 'acme.json');
    await writeFile(storage, await traefikAcmeJson(certificate), { mode: 0o600 });
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const junction = await startJunction(t, {
      static: `
entryPoints:
  websecure:
    address: "127.0.0.1:${websecurePort}"
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
certificatesResolvers:
  le:
    acme:
      email: admin@example.com
      storage: "${storage}"
      caServer: "https://127.0.0.1:${webPort}/dir"
      tlsChallenge: {}
`,
      dynamic: acmeRouter('www.stored.example.com', upstream.url),
    });

    const answer = await until(() => verifiedGet(websecurePort, 'www.stored.example.com', ca.cert), { timeoutMs: 20_000, message: `the stored certificate; junction said:\n${junction.output()}` });

    assert.equal(answeredBy(answer.body), 'stored');
    assert.doesNotMatch(junction.output(), /obtaining a certificate/);
    const kept = JSON.parse(await readFile(storage, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(kept.other, { Account: null, Certificates: null });
  });
});
