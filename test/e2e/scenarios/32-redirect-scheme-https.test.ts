import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const scenario = '32-redirect-scheme-https';
const host = 'who.qikqiak.com';

/** Phase 1: the http route without the middleware. */
const withoutMiddleware = readScenario(scenario).dynamic.replace(/\n\s+middlewares:\n\s+- redirect-https\n/, '\n');

// The websecure side (the TLS router ingressroute-tls-demo, its certificate, steps 5 and 6) is left out:
// Junction does not serve HTTPS yet. Junction leaves that router out and serves the others.
describe('scenario 32: force HTTPS with redirectScheme (the HTTP side)', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, scenario, { dynamic: withoutMiddleware });
  });
  after(() => run?.close());

  it('phase 1: answers /tls on who.qikqiak.com from whoami over plain HTTP while the route has no middleware', async () => {
    const response = await run.send('web', '/tls', { host });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'whoami');
    assert.equal(response.echo.target, '/tls');
  });

  it('phase 2: redirects /tls with 302 Found to https://who.qikqiak.com/tls once the middleware is attached, without calling the backend', async () => {
    await run.writeDynamic(readScenario(scenario).dynamic);
    const response = await until(async () => {
      const answer = await run.send('web', '/tls', { host });
      return answer.status === 302 ? answer : undefined;
    }, { message: 'the redirect of the files as given' });
    const received = run.backend('whoami').requests.length;

    const again = await run.send('web', '/tls', { host });

    assert.equal(response.headers.location, 'https://who.qikqiak.com/tls');
    assert.equal(response.body, 'Found');
    assert.equal(again.status, 302);
    assert.equal(run.backend('whoami').requests.length, received);
  });

  it('drops the request port, as no port is configured: who.qikqiak.com:8000/tls/a?b=1 goes to https://who.qikqiak.com/tls/a?b=1', async () => {
    const response = await run.send('web', '/tls/a?b=1', { host: `${host}:8000` });

    assert.equal(response.status, 302);
    assert.equal(response.headers.location, 'https://who.qikqiak.com/tls/a?b=1');
  });

  it('answers PUT with 307 Temporary Redirect and the same Location rule', async () => {
    const response = await run.send('web', '/tls/a?b=1', { host, method: 'PUT' });

    assert.equal(response.status, 307);
    assert.equal(response.headers.location, 'https://who.qikqiak.com/tls/a?b=1');
  });
});
