import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileModeOnly, readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const scenario = '07-middleware-chain';
const host = 'wx.jtthink.com';
const crossHeader = '    cross-header:\n      headers:\n        customResponseHeaders:\n          Myname: "shenyi"\n          Myage: "19"\n';

describe('scenario 07: middleware chain ngx-secure = redirect-https + cross-header', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, scenario);
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

  // Steps 2 and 3 (HTTPS on websecure with the certificate mytls) are left out: they need TLS entryPoints.

  it('step 4: deleting cross-header makes the router fail with an error; restoring it restores service without a restart', { skip: fileModeOnly }, async () => {
    const { dynamic } = readScenario(scenario);
    assert.ok(dynamic.includes(crossHeader));
    const from = run.junction.output().length;

    await run.writeDynamic(dynamic.replace(crossHeader, ''));

    await until(async () => (await run.send('web', '/x', { host })).status === 404);
    await run.junction.waitForOutput(/http\.middlewares\.ngx-secure\.chain\.middlewares\[1\]: middleware "cross-header@file" does not exist/, { from });

    await run.writeDynamic(dynamic);

    const restored = await until(async () => {
      const response = await run.send('web', '/x', { host });
      return response.status === 302 ? response : undefined;
    });
    assert.equal(restored.headers.location, 'https://wx.jtthink.com:9443/x');
  });
});
