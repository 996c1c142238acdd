import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';

const scenario = '34-rule-or-multiple-prefixes';
const host = 'nexus.qikqiak.com';
const finalRule = 'Host(`nexus.qikqiak.com`) && (PathPrefix(`/static`) || PathPrefix(`/service`))';

/** The scenario's dynamic.yaml and crd.yaml with the second route's rule replaced. */
function withAssetRule(rule: string): { dynamic: string; crd: string } {
  const { dynamic, crd } = readScenario(scenario);
  assert.ok(dynamic.includes(finalRule));
  assert.ok(crd.includes(finalRule));
  return { dynamic: dynamic.replace(finalRule, rule), crd: crd.replace(finalRule, rule) };
}

interface Case {
  readonly description: string;
  readonly host: string;
  readonly path: string;
  /** Backend path the echo shows, or 404. */
  readonly expected: string | 404;
}

const cases: Case[] = [
  { description: '/foo answers 200 with backend path / (stripped)', host, path: '/foo', expected: '/' },
  { description: '/static/rapture/app.css answers 200 with the path unchanged (the second route has no middleware)', host, path: '/static/rapture/app.css', expected: '/static/rapture/app.css' },
  { description: '/service/rest/v1/status answers 200 with the path unchanged', host, path: '/service/rest/v1/status', expected: '/service/rest/v1/status' },
  { description: '/other answers 404', host, path: '/other', expected: 404 },
  { description: '/ answers 404', host, path: '/', expected: 404 },
  { description: 'Host other.example with /static/x answers 404 (the && binds the host to both prefixes)', host: 'other.example', path: '/static/x', expected: 404 },
];

describe('scenario 34: || and parentheses in rules (assets under /static and /service)', () => {
  describe('the final IngressRoute', () => {
    let run: ScenarioRun;
    before(async () => {
      run = await startScenario(undefined, scenario);
    });
    after(() => run?.close());

    for (const { description, host: requestHost, path, expected } of cases) {
      it(description, async () => {
        const response = await run.send('web', path, { host: requestHost });

        if (expected === 404) {
          assert.equal(response.status, 404);
          assert.equal(response.body, '404 page not found\n');
          return;
        }
        assert.equal(response.status, 200);
        assert.equal(response.echo.hostname, 'nexus');
        assert.equal(response.echo.target, expected);
      });
    }
  });

  it('reads the rule without parentheses as (Host && /static) || /service, so /service/x matches for any host', async (t) => {
    const run = await startScenario(t, scenario, withAssetRule('Host(`nexus.qikqiak.com`) && PathPrefix(`/static`) || PathPrefix(`/service`)'));

    const service = await run.send('web', '/service/x', { host: 'other.example' });
    const staticAsset = await run.send('web', '/static/x', { host: 'other.example' });

    assert.equal(service.status, 200);
    assert.equal(service.echo.hostname, 'nexus');
    assert.equal(service.echo.target, '/service/x');
    assert.equal(staticAsset.status, 404);
  });

  it('rejects a rule with unbalanced parentheses: that router reports an error and is not served', async (t) => {
    const run = await startScenario(t, scenario, withAssetRule('Host(`nexus.qikqiak.com`) && (PathPrefix(`/static`) || PathPrefix(`/service`)'));

    // File mode reports the router's rule; the CRD provider reports the IngressRoute's route (README: differences).
    await run.junction.waitForOutput(/ ERR .*(http\.routers\.kube-system-nexus-static-service\S*\.rule|IngressRoute kube-system\/nexus: spec\.routes\[1\]\.match): /);
    const staticAsset = await run.send('web', '/static/rapture/app.css', { host });
    const foo = await run.send('web', '/foo', { host });

    assert.equal(staticAsset.status, 404);
    assert.equal(staticAsset.body, '404 page not found\n');
    assert.equal(foo.status, 200);
    assert.equal(foo.echo.target, '/');
  });

  it('serves /static/... and answers 404 for /service/... with the intermediate seed version (only /static added)', async (t) => {
    const run = await startScenario(t, scenario, withAssetRule('Host(`nexus.qikqiak.com`) && PathPrefix(`/static`)'));

    const staticAsset = await run.send('web', '/static/rapture/app.css', { host });
    const service = await run.send('web', '/service/rest/v1/status', { host });

    assert.equal(staticAsset.status, 200);
    assert.equal(staticAsset.echo.target, '/static/rapture/app.css');
    assert.equal(service.status, 404);
    assert.equal(service.body, '404 page not found\n');
  });
});
