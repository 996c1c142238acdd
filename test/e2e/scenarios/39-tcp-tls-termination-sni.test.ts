import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCertificateAuthority, writeCertificate } from '../../support/certificates.js';
import { startScenario } from '../../support/scenario.js';
import { startTcpEcho, tcpExchange, tlsExchange } from '../../support/tcp-peers.js';

const scenario = '39-tcp-tls-termination-sni';

describe('scenario 39: TLS terminated for HostSNI(`mongo.local`), plain bytes to the server', () => {
  it('serves mongo.local with its certificate and relays plaintext; other SNI and plain clients never reach the server', async (t) => {
    const ca = await createCertificateAuthority('minica root');
    const dir = await mkdtemp(join(tmpdir(), 'scenario-39-'));
    const files = await writeCertificate(dir, 'mongo.local', await ca.issue({ dnsNames: ['mongo.local'] }));
    const mongo = await startTcpEcho(t, { name: 'mongo' });
    const run = await startScenario(t, scenario, {
      ports: { 'mongo-traefik': mongo.port },
      values: { 'CERT_mongo.local': files.certFile, 'KEY_mongo.local': files.keyFile },
    });
    const port = run.junction.ports.mongo!;

    const trusted = await tlsExchange(port, 'ping', { servername: 'mongo.local', ca: ca.cert, rejectUnauthorized: true });
    assert.equal(trusted.certificateName, 'mongo.local');
    assert.equal(trusted.received, 'mongo:ping');
    assert.equal(mongo.received.length, 1);
    assert.equal(mongo.received[0]!.toString(), 'ping');

    assert.match(await tcpExchange(port, 'ping\r\n\r\n', { idleMs: 1000 }), /^HTTP\/1\.1 400 Bad Request/);
    await assert.rejects(tlsExchange(port, 'ping', { servername: 'mongo.k8s.local', ca: ca.cert, rejectUnauthorized: true }));
    const unverified = await tlsExchange(port, 'ping', { servername: 'mongo.k8s.local' });
    assert.notEqual(unverified.certificateName, 'mongo.local');
    assert.equal(mongo.received.length, 1);
  });
});
