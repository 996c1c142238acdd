import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const scenario = '06-redirect-scheme-with-port';
const host = 'wx.jtthink.com';

describe('scenario 06: redirectScheme to https on port 9443', () => {
  let run: ScenarioRun;
  before(async () => {
    run = await startScenario(undefined, scenario);
  });
  after(() => run?.close());

  it('redirects GET /a/b?c=1 with 302 Found to https://wx.jtthink.com:9443/a/b?c=1 and a Found body, without calling the backend', async () => {
    const response = await run.send('web', '/a/b?c=1', { host });

    assert.equal(response.status, 302);
    assert.equal(response.headers.location, 'https://wx.jtthink.com:9443/a/b?c=1');
    assert.equal(response.body, 'Found');
    assert.equal(run.backend('myngx').requests.length, 0);
  });

  it('replaces the port of the request with 9443: Host wx.jtthink.com:8000 gets the same Location', async () => {
    const response = await run.send('web', '/a/b?c=1', { host: `${host}:8000` });

    assert.equal(response.status, 302);
    assert.equal(response.headers.location, 'https://wx.jtthink.com:9443/a/b?c=1');
  });

  it('answers POST /form with 307 Temporary Redirect, so that the method is kept', async () => {
    const response = await run.send('web', '/form', { host, method: 'POST' });

    assert.equal(response.status, 307);
    assert.equal(response.headers.location, 'https://wx.jtthink.com:9443/form');
  });

  it('never answers 301 or 308, since permanent is not set', async () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) {
      const response = await run.send('web', '/x', { host, method });

      assert.equal(response.status, method === 'GET' ? 302 : 307);
    }
  });

  it('answers 404 for another host, which the router does not match', async () => {
    const response = await run.send('web', '/a/b?c=1', { host: 'other.example' });

    assert.equal(response.status, 404);
    assert.equal(response.body, '404 page not found\n');
    assert.equal(run.backend('myngx').requests.length, 0);
  });

  it('leaves port 443 out of the Location and answers 301/308 once the configuration says port "443" and permanent', async () => {
    const { dynamic, crd } = readScenario(scenario);
    await run.reconfigure({ dynamic: dynamic.replace('port: "9443"', 'port: "443"\n        permanent: true'), crd: crd.replace('port: "9443"', 'port: "443"\n    permanent: true') });

    const moved = await until(async () => {
      const response = await run.send('web', '/a/b?c=1', { host });
      return response.status === 301 ? response : undefined;
    }, { message: 'the permanent redirect of the rewritten file' });
    const post = await run.send('web', '/form', { host, method: 'POST' });

    assert.equal(moved.headers.location, 'https://wx.jtthink.com/a/b?c=1');
    assert.equal(moved.body, 'Moved Permanently');
    assert.equal(post.status, 308);
    assert.equal(post.headers.location, 'https://wx.jtthink.com/form');
  });
});
