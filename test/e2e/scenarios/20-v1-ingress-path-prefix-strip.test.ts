import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';

interface Case {
  readonly description: string;
  readonly host: string;
  readonly path: string;
  /** Backend expected to answer and the path it sees, or 404. */
  readonly expected: { readonly backend: string; readonly path: string; readonly prefix?: string } | 404;
}

const cases: Case[] = [
  { description: 'stilton.minikube / is answered by stilton with path /', host: 'stilton.minikube', path: '/', expected: { backend: 'stilton', path: '/' } },
  { description: 'stilton.minikube /any/thing is answered by stilton with path /any/thing', host: 'stilton.minikube', path: '/any/thing', expected: { backend: 'stilton', path: '/any/thing' } },
  {
    description: 'cheeses.minikube /cheddar is answered by cheddar with path / and X-Forwarded-Prefix: /cheddar',
    host: 'cheeses.minikube',
    path: '/cheddar',
    expected: { backend: 'cheddar', path: '/', prefix: '/cheddar' },
  },
  { description: 'cheeses.minikube /cheddar/img/a.png is answered by cheddar with path /img/a.png', host: 'cheeses.minikube', path: '/cheddar/img/a.png', expected: { backend: 'cheddar', path: '/img/a.png' } },
  { description: 'cheeses.minikube /wensleydale is answered by wensleydale with path /', host: 'cheeses.minikube', path: '/wensleydale', expected: { backend: 'wensleydale', path: '/' } },
  { description: 'cheeses.minikube / answers 404', host: 'cheeses.minikube', path: '/', expected: 404 },
  { description: 'cheeses.minikube /stilton answers 404', host: 'cheeses.minikube', path: '/stilton', expected: 404 },
  { description: 'other.minikube answers 404', host: 'other.minikube', path: '/', expected: 404 },
  {
    description: 'prefix matching is character-wise by default: cheeses.minikube /cheddarx is answered by cheddar with path /x',
    host: 'cheeses.minikube',
    path: '/cheddarx',
    expected: { backend: 'cheddar', path: '/x' },
  },
];

describe('scenario 20: Traefik 1.x Ingress with PathPrefixStrip', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, '20-v1-ingress-path-prefix-strip');
  });
  after(() => run?.close());

  for (const { description, host, path, expected } of cases) {
    it(description, async () => {
      const response = await run.send('web', path, { host });

      if (expected === 404) {
        assert.equal(response.status, 404);
        assert.equal(response.body, '404 page not found\n');
        return;
      }
      assert.equal(response.status, 200);
      assert.equal(response.echo.hostname, expected.backend);
      assert.equal(response.echo.target, expected.path);
      if (expected.prefix !== undefined) assert.equal(response.echo.header('X-Forwarded-Prefix'), expected.prefix);
    });
  }

  // Step 6, second half (404 for /cheddarx with providers.kubernetesIngress.strictPrefixMatching=true) is an option of
  // the Ingress provider: test/e2e/kubernetes-ingress/conformance.test.ts checks it.
});
