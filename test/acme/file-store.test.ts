import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { FileStore } from '../../src/acme/storage/file-store.js';
import { openAcmeStore } from '../../src/acme/storage/open-store.js';
import { ConfigError } from '../../src/config/errors.js';
import { traefikAcmeJson } from '../support/acme.js';
import { createCertificateAuthority } from '../support/certificates.js';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'junction-file-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('acme.json file store', () => {
  it("reads Traefik's acme.json: account key, registration and certificates as PEM", async (t) => {
    const ca = await createCertificateAuthority();
    const certificate = await ca.issue({ dnsNames: ['stored.example.com', 'www.stored.example.com'] });
    const path = join(await tempDir(t), 'acme.json');
    await writeFile(path, await traefikAcmeJson(certificate), { mode: 0o600 });

    const record = await new FileStore(path).load('le');

    assert.equal(record.account?.email, 'admin@example.com');
    assert.equal(record.account?.registration?.uri, 'https://acme.example.net/my-account/1');
    assert.deepEqual(record.account?.registration?.body, { status: 'valid', contact: ['mailto:admin@example.com'] });
    assert.deepEqual(record.certificates, [{ domain: { main: 'stored.example.com', sans: ['www.stored.example.com'] }, certificate: certificate.cert, key: certificate.key, store: 'default' }]);
  });

  it('writes back what it read byte for byte, as Go indents it, when a certificate is replaced by an equal one', async (t) => {
    const ca = await createCertificateAuthority();
    const certificate = await ca.issue({ dnsNames: ['stored.example.com', 'www.stored.example.com'] });
    const path = join(await tempDir(t), 'acme.json');
    const original = await traefikAcmeJson(certificate);
    await writeFile(path, original, { mode: 0o600 });
    const store = new FileStore(path);

    const [stored] = (await store.load('le')).certificates;
    await store.saveCertificate('le', stored!);

    assert.equal(await readFile(path, 'utf8'), original.trimEnd());
  });

  it('replaces the certificate of the same domain set in any order, and keeps the other resolvers', async (t) => {
    const ca = await createCertificateAuthority();
    const path = join(await tempDir(t), 'acme.json');
    await writeFile(path, await traefikAcmeJson(await ca.issue({ dnsNames: ['stored.example.com'] })), { mode: 0o600 });
    const store = new FileStore(path);
    const renewed = await ca.issue({ dnsNames: ['stored.example.com', 'www.stored.example.com'] });

    await store.saveCertificate('le', { domain: { main: 'www.stored.example.com', sans: ['stored.example.com'] }, certificate: renewed.cert, key: renewed.key, store: 'default' });
    await store.saveCertificate('new', { domain: { main: 'new.example.com', sans: [] }, certificate: renewed.cert, key: renewed.key, store: 'default' });

    const written = JSON.parse(await readFile(path, 'utf8')) as Record<string, { Certificates: Array<{ domain: unknown; certificate: string }> | null }>;
    assert.deepEqual(Object.keys(written), ['le', 'other', 'new']);
    assert.equal(written.le!.Certificates!.length, 1);
    assert.equal(Buffer.from(written.le!.Certificates![0]!.certificate, 'base64').toString(), renewed.cert);
    assert.deepEqual(written.new!.Certificates![0]!.domain, { main: 'new.example.com' });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  it('creates a missing file empty with mode 0600, as Traefik', async (t) => {
    const path = join(await tempDir(t), 'acme.json');

    const record = await new FileStore(path).load('le');

    assert.equal(record.account, undefined);
    assert.deepEqual(record.certificates, []);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  it('refuses a file other users can read, as Traefik', async (t) => {
    const path = join(await tempDir(t), 'acme.json');
    await writeFile(path, '{}');
    await chmod(path, 0o644);

    await assert.rejects(new FileStore(path).load('le'), { message: `permissions 644 for ${path} are too open, please use 600` });
  });

  it('lets one holder at a time take a lock', async () => {
    const store = new FileStore('/nonexistent/acme.json');

    const first = await store.tryLock('le/a.example.com', 1000);
    const second = await store.tryLock('le/a.example.com', 1000);
    await first!.release();
    const third = await store.tryLock('le/a.example.com', 1000);

    assert.equal(second, undefined);
    assert.equal(third?.held, true);
  });
});

describe('openAcmeStore', () => {
  it('opens a relative path as a file in the working directory', () => {
    assert.equal(openAcmeStore('acme.json', { path: 'certificatesResolvers.le.acme.storage', cwd: '/data' }).description, 'acme.json file /data/acme.json');
  });

  it('names the storage path of a value no store accepts yet', () => {
    assert.throws(
      () => openAcmeStore('consul://127.0.0.1:8500', { path: 'certificatesResolvers.le.acme.storage', cwd: '/data' }),
      (error: unknown) => error instanceof ConfigError && error.path === 'certificatesResolvers.le.acme.storage',
    );
  });
});
