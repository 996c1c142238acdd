import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { acmeRouter, acmeStatic, verifiedGet, writeDnsHook } from '../../support/acme.js';
import { startJunction } from '../../support/junction.js';
import { skipUnlessPebble, startPebble } from '../../support/pebble.js';
import { freePort } from '../../support/ports.js';
import { answeredBy, startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

describe('ACME challenges against pebble', { skip: skipUnlessPebble }, () => {
  it('obtains a certificate with HTTP-01 on the challenge entryPoint and serves it by SNI', async (t) => {
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
    const upstream = await startUpstream(t, { name: 'who' });
    const junction = await startJunction(t, {
      static: acmeStatic({ pebble, webPort, websecurePort, challenge: '      httpChallenge:\n        entryPoint: web' }),
      dynamic: acmeRouter('who.example.com', upstream.url),
    });

    const answer = await until(() => verifiedGet(websecurePort, 'who.example.com', pebble.root), { timeoutMs: 120_000, message: `a certificate chained to pebble's root; junction said:\n${junction.output()}` });

    assert.equal(answer.status, 200);
    assert.equal(answeredBy(answer.body), 'who');
    assert.match(answer.certificate.subjectaltname ?? '', /DNS:who\.example\.com/);
    assert.equal(pebble.issuedCount(), 1);
  });

  it('obtains a certificate with TLS-ALPN-01 on the TLS entryPoint', async (t) => {
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
    const upstream = await startUpstream(t, { name: 'alpn' });
    const junction = await startJunction(t, {
      static: acmeStatic({ pebble, webPort, websecurePort, challenge: '      tlsChallenge: {}' }),
      dynamic: acmeRouter('alpn.example.com', upstream.url),
    });

    const answer = await until(() => verifiedGet(websecurePort, 'alpn.example.com', pebble.root), { timeoutMs: 120_000, message: `a certificate chained to pebble's root; junction said:\n${junction.output()}` });

    assert.equal(answer.status, 200);
    assert.equal(answeredBy(answer.body), 'alpn');
    assert.doesNotMatch(pebble.output(), /validate w\/ HTTP/);
    assert.equal(pebble.issuedCount(), 1);
  });
});

describe('ACME DNS-01 against pebble and challtestsrv', { skip: skipUnlessPebble }, () => {
  it('publishes the TXT record through the exec provider, checks it propagated, and obtains the certificate', async (t) => {
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
    const upstream = await startUpstream(t, { name: 'dns' });
    const hookDir = await mkdtemp(join(tmpdir(), 'junction-hook-'));
    t.after(() => rm(hookDir, { recursive: true, force: true }));
    const { hook, calls } = await writeDnsHook(hookDir, pebble);
    const junction = await startJunction(t, {
      static: acmeStatic({
        pebble,
        webPort,
        websecurePort,
        challenge: `      dnsChallenge:\n        provider: exec\n        resolvers: ["${pebble.dnsServer}"]\n        propagation:\n          disableANSChecks: true`,
      }),
      dynamic: acmeRouter('dns.example.com', upstream.url),
      env: { EXEC_PATH: hook, EXEC_POLLING_INTERVAL: '1' },
    });

    const answer = await until(() => verifiedGet(websecurePort, 'dns.example.com', pebble.root), { timeoutMs: 120_000, message: `a certificate chained to pebble's root; junction said:\n${junction.output()}` });

    assert.equal(answeredBy(answer.body), 'dns');
    const lines = (await readFile(calls, 'utf8')).trim().split('\n');
    assert.match(lines[0]!, /^present _acme-challenge\.dns\.example\.com\. \S+$/);
    assert.match(lines[1]!, /^cleanup _acme-challenge\.dns\.example\.com\. \S+$/);
  });

  it('obtains a wildcard certificate from tls.domains that serves every name one label below', async (t) => {
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
    const upstream = await startUpstream(t, { name: 'wild' });
    const hookDir = await mkdtemp(join(tmpdir(), 'junction-hook-'));
    t.after(() => rm(hookDir, { recursive: true, force: true }));
    const { hook } = await writeDnsHook(hookDir, pebble);
    const junction = await startJunction(t, {
      static: acmeStatic({ pebble, webPort, websecurePort, challenge: '      dnsChallenge:\n        provider: exec\n        propagation:\n          disableChecks: true' }),
      dynamic: `
http:
  routers:
    app:
      rule: "Host(\`who.wild.example\`)"
      entryPoints: [websecure]
      service: app
      tls:
        certResolver: le
        domains:
          - main: "*.wild.example"
  services:
    app:
      loadBalancer:
        servers:
          - url: "${upstream.url}"
`,
      env: { EXEC_PATH: hook },
    });

    const answer = await until(() => verifiedGet(websecurePort, 'who.wild.example', pebble.root), { timeoutMs: 120_000, message: `a wildcard certificate; junction said:\n${junction.output()}` });

    assert.equal(answeredBy(answer.body), 'wild');
    assert.equal(answer.certificate.subjectaltname, 'DNS:*.wild.example');
    const other = await verifiedGet(websecurePort, 'x.wild.example', pebble.root);
    assert.equal(other.certificate.serialNumber, answer.certificate.serialNumber);
    await assert.rejects(verifiedGet(websecurePort, 'a.b.wild.example', pebble.root));
    assert.equal(pebble.orderCount(), 1);
  });
});
