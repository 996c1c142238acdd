import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { acmeRouter, acmeStatic, traefikAcmeJson, verifiedGet } from '../../support/acme.js';
import { createCertificateAuthority } from '../../support/certificates.js';
import { startJunction } from '../../support/junction.js';
import { skipUnlessPebble, startPebble } from '../../support/pebble.js';
import { freePort } from '../../support/ports.js';
import { answeredBy, startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

/** Sends one keep-alive GET on an open TLS connection and resolves with the status once the whole body arrived. */
function getOn(socket: TLSSocket, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(text.slice(0, split))?.[1] ?? 0);
      if (received.length < split + 4 + length) return;
      socket.off('data', onData);
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0));
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
  });
}

describe('ACME renewal', { skip: skipUnlessPebble }, () => {
  it('renews a stored certificate within a third of a short certificatesDuration, serving the new one without dropping connections', async (t) => {
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
    const upstream = await startUpstream(t, { name: 'renewed' });
    const data = await mkdtemp(join(tmpdir(), 'junction-acme-renewal-'));
    t.after(() => rm(data, { recursive: true, force: true }));
    const storage = join(data, 'acme.json');
    // Expires in 10 minutes: within the 20 minutes before expiry that 1-hour certificates are renewed in.
    const ca = await createCertificateAuthority('Expiring Test CA');
    const expiring = await ca.issue({ dnsNames: ['stored.example.com', 'www.stored.example.com'], notAfter: new Date(Date.now() + 10 * 60_000) });
    await writeFile(storage, await traefikAcmeJson(expiring), { mode: 0o600 });
    const junction = await startJunction(t, {
      static: acmeStatic({ pebble, webPort, websecurePort, storage, challenge: '      certificatesDuration: 1\n      httpChallenge:\n        entryPoint: web\n        delay: 2s' }),
      dynamic: acmeRouter('stored.example.com', upstream.url),
    });
    const kept = connect({ host: '127.0.0.1', port: websecurePort, servername: 'stored.example.com', ca: ca.cert, ALPNProtocols: ['http/1.1'] });
    await new Promise((resolve, reject) => kept.once('secureConnect', resolve).once('error', reject));
    t.after(() => kept.destroy());
    const oldSerial = kept.getPeerCertificate().serialNumber;
    assert.equal(oldSerial, new X509Certificate(expiring.cert).serialNumber);
    assert.equal(await getOn(kept, 'stored.example.com'), 200);

    const renewed = await until(() => verifiedGet(websecurePort, 'stored.example.com', pebble.root), { timeoutMs: 90_000, message: `the renewed certificate; junction said:\n${junction.output()}` });

    assert.notEqual(renewed.certificate.serialNumber, oldSerial);
    assert.equal(answeredBy(renewed.body), 'renewed');
    assert.equal(await getOn(kept, 'stored.example.com'), 200);
    const stored = JSON.parse(await readFile(storage, 'utf8')) as { le: { Certificates: Array<{ certificate: string }> } };
    assert.equal(stored.le.Certificates.length, 1);
    assert.equal(new X509Certificate(Buffer.from(stored.le.Certificates[0]!.certificate, 'base64').toString()).serialNumber, renewed.certificate.serialNumber);
  });
});
