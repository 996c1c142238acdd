import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { selfSignedCertificate, writeCertificate } from '../../support/certificates.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { tlsGet } from '../../support/tls-client.js';

const scenario = '30-ingressroute-http-and-tls-secret';
const host = 'who.qikqiak.com';

describe('scenario 30: /notls on web, /tls on websecure with a self-signed CN-only Secret', () => {
  let run: ScenarioRun;
  let selfSigned: string;
  before(async () => {
    // As the seed's `openssl req -x509 -subj "/CN=who.qikqiak.com"`: a subject and no subjectAltName.
    const certificate = await selfSignedCertificate({ commonName: host });
    selfSigned = certificate.cert;
    const files = await writeCertificate(await mkdtemp(join(tmpdir(), 'scenario-30-')), 'who-tls', certificate);
    run = await startScenario(undefined, scenario, { values: { 'CERT_who-tls': files.certFile, 'KEY_who-tls': files.keyFile } });
  });
  after(() => run?.close());

  it('step 1: answers /notls and /notls/a on web, alternating between the two whoami replicas', async () => {
    const names: string[] = [];
    for (const path of ['/notls', '/notls/a', '/notls', '/notls/a']) {
      const response = await run.send('web', path, { host });
      assert.equal(response.status, 200);
      assert.equal(response.echo.target, path);
      names.push(response.echo.hostname!);
    }
    assert.deepEqual(new Set(names), new Set(['whoami-1', 'whoami-2']));
    assert.notEqual(names[0], names[1]);
    assert.deepEqual(names.slice(2), names.slice(0, 2));
  });

  it('step 2: answers /tls over plain HTTP on web with 404 (its router is bound to websecure)', async () => {
    const response = await run.send('web', '/tls', { host });

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
  });

  it('step 3: answers /tls over HTTPS with the self-signed CN-only certificate (no subjectAltName)', async () => {
    const response = await tlsGet(run.junction.ports.websecure!, { servername: host, path: '/tls' });

    assert.equal(response.status, 200);
    assert.equal(response.certificateName, host);
    assert.equal(response.certificate.subjectaltname, undefined);
    assert.match(response.body, /Hostname: whoami-[12]\n/);
    assert.ok(response.certificate.raw.equals(Buffer.from(selfSigned.replace(/-----[^-]+-----|\s/g, ''), 'base64')));
  });

  it('step 4: answers /notls over HTTPS with 404 (that router is on web only)', async () => {
    const response = await tlsGet(run.junction.ports.websecure!, { servername: host, path: '/notls' });

    assert.equal(response.status, 404);
  });

  it('step 5: answers / with 404 on either entryPoint', async () => {
    assert.equal((await run.send('web', '/', { host })).status, 404);
    assert.equal((await tlsGet(run.junction.ports.websecure!, { servername: host, path: '/' })).status, 404);
  });
});
