import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { selfSignedCertificate, writeCertificate } from '../../support/certificates.js';
import { tlsGet } from '../../support/tls-client.js';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const scenario = '32-redirect-scheme-https';
const host = 'who.qikqiak.com';

/** Phase 1: the http route without the middleware, in both forms. */
const scenarioFiles = readScenario(scenario);
const withoutMiddleware = scenarioFiles.dynamic.replace(/\n\s+middlewares:\n\s+- redirect-https\n/, '\n');
const crdWithoutMiddleware = scenarioFiles.crd.replace(/\n\s+middlewares:\n\s+- name: redirect-https\n/, '\n');

describe('scenario 32: force HTTPS with redirectScheme', () => {
  let run: ScenarioRun;
  before(async () => {
    const files = await writeCertificate(await mkdtemp(join(tmpdir(), 'scenario-32-')), 'who-tls', await selfSignedCertificate({ dnsNames: [host] }));
    run = await startScenario(undefined, scenario, { dynamic: withoutMiddleware, crd: crdWithoutMiddleware, values: { 'CERT_who-tls': files.certFile, 'KEY_who-tls': files.keyFile } });
  });
  after(() => run?.close());

  it('phase 1: answers /tls on who.qikqiak.com from whoami over plain HTTP while the route has no middleware', async () => {
    const response = await run.send('web', '/tls', { host });

    assert.equal(response.status, 200);
    assert.equal(response.echo.hostname, 'whoami');
    assert.equal(response.echo.target, '/tls');
  });

  it('phase 2: redirects /tls with 302 Found to https://who.qikqiak.com/tls once the middleware is attached, without calling the backend', async () => {
    await run.reconfigure(scenarioFiles);
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

  it('step 5 and 6: the redirect target answers over HTTPS on websecure, and HTTPS requests are never redirected', async () => {
    const answer = await tlsGet(run.junction.ports.websecure!, { servername: host, host, path: '/tls' });

    assert.equal(answer.status, 200);
    assert.equal(answer.certificateName, host);
    assert.match(answer.body, /GET \/tls HTTP\/1\.1/);
  });
});
