import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acmeRouter, acmeStatic, verifiedGet } from '../../support/acme.js';
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

    const answer = await until(() => verifiedGet(websecurePort, 'who.example.com', pebble.root), { timeoutMs: 60_000, message: `a certificate chained to pebble's root; junction said:\n${junction.output()}` });

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

    const answer = await until(() => verifiedGet(websecurePort, 'alpn.example.com', pebble.root), { timeoutMs: 60_000, message: `a certificate chained to pebble's root; junction said:\n${junction.output()}` });

    assert.equal(answer.status, 200);
    assert.equal(answeredBy(answer.body), 'alpn');
    assert.doesNotMatch(pebble.output(), /validate w\/ HTTP/);
    assert.equal(pebble.issuedCount(), 1);
  });
});
