import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { connect as connectHttp2 } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCertificateAuthority, writeCertificate } from '../../support/certificates.js';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { tlsConnect, tlsGet } from '../../support/tls-client.js';

const scenario = '05-tls-secret-sni';
const host = 'wx.jtthink.com';

describe('scenario 05: HTTPS with a certificate chosen by SNI', () => {
  let run: ScenarioRun;
  let caCert: string;
  before(async () => {
    const ca = await createCertificateAuthority('Scenario 05 CA');
    caCert = ca.cert;
    const dir = await mkdtemp(join(tmpdir(), 'scenario-05-'));
    const files = await writeCertificate(dir, 'mytls', await ca.issue({ commonName: host, dnsNames: [host] }));
    run = await startScenario(undefined, scenario, { values: { CERT_mytls: files.certFile, KEY_mytls: files.keyFile } });
  });
  after(() => run?.close());

  it('serves wx.jtthink.com with its certificate, verified against the CA, and forwards as https', async () => {
    const socket = await tlsConnect(run.junction.ports.websecure!, { servername: host });
    assert.equal(socket.getPeerCertificate().subject.CN, host);
    socket.destroy();
    const answer = await tlsGet(run.junction.ports.websecure!, { servername: host });
    assert.equal(answer.status, 200);
    const request = run.backend('myngx').lastRequest;
    assert.equal(request.headers['x-forwarded-proto'], 'https');
    assert.equal(request.headers['x-forwarded-host'], host);
    assert.ok(caCert.includes('BEGIN CERTIFICATE'));
  });

  it('negotiates HTTP/2 and still answers 200', async (t) => {
    const session = connectHttp2(`https://127.0.0.1:${run.junction.ports.websecure}`, { servername: host, ca: caCert, checkServerIdentity: () => undefined });
    t.after(() => session.close());
    const status = await new Promise<number>((resolve, reject) => {
      const stream = session.request({ ':path': '/', ':authority': host });
      stream.on('response', (headers) => resolve(Number(headers[':status'])));
      stream.on('error', reject);
      stream.end();
    });
    assert.equal(status, 200);
  });

  it('serves the default certificate for another SNI or none, and 404 for another host', async () => {
    const other = await tlsGet(run.junction.ports.websecure!, { servername: 'other.example' });
    assert.notEqual(other.certificateName, host);
    assert.equal(other.status, 404);
    const socket = await tlsConnect(run.junction.ports.websecure!, {});
    assert.notEqual(socket.getPeerCertificate().subject.CN, host);
    socket.destroy();
  });

  it('answers 404 over plain HTTP: a router with tls only matches TLS requests', async () => {
    const response = await run.send('web', '/', { host });

    assert.equal(response.status, 404);
  });
});
