import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCertificateAuthority, writeCertificate } from '../../support/certificates.js';
import { tlsGet } from '../../support/tls-client.js';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const scenario = '07-middleware-chain';
const host = 'wx.jtthink.com';
const crossHeader = '    cross-header:\n      headers:\n        customResponseHeaders:\n          Myname: "shenyi"\n          Myage: "19"\n';
/** The same middleware as an object of the cluster (`kubectl delete middleware -n tk cross-header`). */
const crossHeaderObject = 'apiVersion: traefik.containo.us/v1alpha1\nkind: Middleware\nmetadata:\n  name: cross-header\n  namespace: tk\n';

describe('scenario 07: middleware chain ngx-secure = redirect-https + cross-header', () => {
  let run: ScenarioRun;
  before(async () => {
    const ca = await createCertificateAuthority('Scenario 07 CA');
    const files = await writeCertificate(await mkdtemp(join(tmpdir(), 'scenario-07-')), 'mytls', await ca.issue({ dnsNames: [host] }));
    run = await startScenario(undefined, scenario, { values: { CERT_mytls: files.certFile, KEY_mytls: files.keyFile } });
  });
  after(() => run?.close());

  it('step 1: HTTP answers 302 to https://wx.jtthink.com:9443/x, without the cross-header headers, and the backend is not called', async () => {
    const response = await run.send('web', '/x', { host });

    assert.equal(response.status, 302);
    assert.equal(response.headers.location, 'https://wx.jtthink.com:9443/x');
    assert.equal(response.headers.myname, undefined);
    assert.equal(response.headers.myage, undefined);
    assert.equal(run.backend('myngx').requests.length, 0);
  });

  it('step 2: HTTPS already on port 9443 is not redirected: 200 from myngx with Myname and Myage', async () => {
    const answer = await tlsGet(run.junction.ports.websecure!, { servername: host, host: `${host}:9443`, path: '/x' });

    assert.equal(answer.status, 200);
    assert.equal(answer.certificateName, host);
    assert.equal(answer.headers.myname, 'shenyi');
    assert.equal(answer.headers.myage, '19');
  });

  it('step 3: HTTPS without a port (443 implied) is redirected to https://wx.jtthink.com:9443/x', async () => {
    const answer = await tlsGet(run.junction.ports.websecure!, { servername: host, host, path: '/x' });

    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, 'https://wx.jtthink.com:9443/x');
  });

  it('step 4: deleting cross-header makes the router fail with an error; restoring it restores service without a restart', async () => {
    const { dynamic, crd } = readScenario(scenario);
    assert.ok(dynamic.includes(crossHeader));
    const from = run.junction.output().length;

    if (run.cluster === undefined) await run.writeDynamic(dynamic.replace(crossHeader, ''));
    else await run.deleteCrd(crossHeaderObject);

    await until(async () => (await run.send('web', '/x', { host })).status === 404);
    await run.junction.waitForOutput(/http\.middlewares\.(tk-)?ngx-secure(@kubernetescrd)?\.chain\.middlewares\[1\]: middleware "(tk-)?cross-header@(file|kubernetescrd)" does not exist/, { from });

    await run.reconfigure({ dynamic, crd });

    const restored = await until(async () => {
      const response = await run.send('web', '/x', { host });
      return response.status === 302 ? response : undefined;
    });
    assert.equal(restored.headers.location, 'https://wx.jtthink.com:9443/x');
  });
});
