import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acmeRouter, acmeStatic } from '../../support/acme.js';
import { startJunction } from '../../support/junction.js';
import { skipUnlessPebble, startPebble } from '../../support/pebble.js';
import { freePort } from '../../support/ports.js';
import { tlsGet } from '../../support/tls-client.js';
import { answeredBy, startUpstream } from '../../support/upstream.js';

const defaultCertificateName = 'JUNCTION DEFAULT CERT';

describe('ACME errors', () => {
  it('logs an unreachable CA with the resolver and the domain, backs off, and serves the default certificate meanwhile', async (t) => {
    const upstream = await startUpstream(t, { name: 'down' });
    const [caPort, websecurePort] = [await freePort(), await freePort()];
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
      storage: "{{DATA_DIR}}/acme.json"
      caServer: "https://127.0.0.1:${caPort}/dir"
      tlsChallenge: {}
`,
      dynamic: acmeRouter('down.example.com', upstream.url),
    });

    await junction.waitForOutput(/certificatesResolvers\.le: obtaining a certificate for \[down\.example\.com\]: .*ECONNREFUSED.*retryIn=30s/, { timeoutMs: 120_000 });
    const answer = await tlsGet(websecurePort, { servername: 'down.example.com' });

    assert.equal(answer.certificateName, defaultCertificateName);
    assert.equal(answer.status, 200);
    assert.equal(answeredBy(answer.body), 'down');
  });

  it('logs a storage path that cannot be written, naming the resolver, and keeps serving', async (t) => {
    const upstream = await startUpstream(t, { name: 'nostore' });
    const [caPort, websecurePort] = [await freePort(), await freePort()];
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
      storage: "/nonexistent-junction-dir/acme.json"
      caServer: "https://127.0.0.1:${caPort}/dir"
      tlsChallenge: {}
`,
      dynamic: acmeRouter('nostore.example.com', upstream.url),
    });

    await junction.waitForOutput(/certificatesResolvers\.le: cannot read acme\.json file \/nonexistent-junction-dir\/acme\.json: ENOENT/, { timeoutMs: 30_000 });
    await junction.waitForOutput(/certificatesResolvers\.le: obtaining a certificate for \[nostore\.example\.com\]: ENOENT/, { timeoutMs: 30_000 });
    const answer = await tlsGet(websecurePort, { servername: 'nostore.example.com' });

    assert.equal(answer.certificateName, defaultCertificateName);
    assert.equal(answeredBy(answer.body), 'nostore');
  });

  it('logs a challenge the CA rejected, with the resolver, the domain and the CA problem', { skip: skipUnlessPebble }, async (t) => {
    const [webPort, websecurePort, unreachablePort] = [await freePort(), await freePort(), await freePort()];
    // Pebble validates on a port nothing listens on: the HTTP-01 challenge fails.
    const pebble = await startPebble(t, { httpPort: unreachablePort, tlsPort: websecurePort });
    const upstream = await startUpstream(t, { name: 'rejected' });
    const junction = await startJunction(t, {
      static: acmeStatic({ pebble, webPort, websecurePort, challenge: '      httpChallenge:\n        entryPoint: web' }),
      dynamic: acmeRouter('rejected.example.com', upstream.url),
    });

    await junction.waitForOutput(/certificatesResolvers\.le: obtaining a certificate for \[rejected\.example\.com\]: .*(connection refused|Connection refused)/, { timeoutMs: 120_000 });
    const answer = await tlsGet(websecurePort, { servername: 'rejected.example.com' });

    assert.equal(answer.certificateName, defaultCertificateName);
    assert.equal(answeredBy(answer.body), 'rejected');
  });

  it('logs an email the CA refuses, with the resolver and the domain', { skip: skipUnlessPebble }, async (t) => {
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
    const upstream = await startUpstream(t, { name: 'email' });
    const junction = await startJunction(t, {
      static: acmeStatic({ pebble, webPort, websecurePort, email: 'not an email', challenge: '      httpChallenge:\n        entryPoint: web' }),
      dynamic: acmeRouter('email.example.com', upstream.url),
    });

    await junction.waitForOutput(/certificatesResolvers\.le: obtaining a certificate for \[email\.example\.com\]: .*contact/i, { timeoutMs: 120_000 });
    const answer = await tlsGet(websecurePort, { servername: 'email.example.com' });

    assert.equal(answer.certificateName, defaultCertificateName);
    assert.equal(pebble.orderCount(), 0);
  });
});
