import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acmeRouter, acmeStatic, verifiedGet } from '../../support/acme.js';
import { startJunction } from '../../support/junction.js';
import { skipUnlessPebble, startPebble } from '../../support/pebble.js';
import { freePort } from '../../support/ports.js';
import { answeredBy, startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

describe('ACME with --workers=2', { skip: skipUnlessPebble }, () => {
  const challenges = [
    { description: 'HTTP-01', challenge: '      httpChallenge:\n        entryPoint: web' },
    { description: 'TLS-ALPN-01', challenge: '      tlsChallenge: {}' },
  ];
  for (const { description, challenge } of challenges) {
    it(`answers ${description} from the workers with the primary's challenge, and every worker serves the certificate`, async (t) => {
      const [webPort, websecurePort] = [await freePort(), await freePort()];
      const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
      const upstream = await startUpstream(t, { name: 'workers' });
      const junction = await startJunction(t, {
        static: acmeStatic({ pebble, webPort, websecurePort, challenge }),
        dynamic: acmeRouter('workers.example.com', upstream.url),
        args: ['--workers=2'],
        readyTimeoutMs: 60_000,
      });

      await until(() => verifiedGet(websecurePort, 'workers.example.com', pebble.root), { timeoutMs: 120_000, message: `a certificate; junction said:\n${junction.output()}` });
      // The kernel spreads connections over both workers: each must serve the certificate.
      const answers = await Promise.all(Array.from({ length: 12 }, () => verifiedGet(websecurePort, 'workers.example.com', pebble.root)));

      assert.deepEqual(new Set(answers.map((answer) => answeredBy(answer.body))), new Set(['workers']));
      assert.equal(new Set(answers.map((answer) => answer.certificate.serialNumber)).size, 1);
      assert.equal(pebble.issuedCount(), 1);
    });
  }
});
