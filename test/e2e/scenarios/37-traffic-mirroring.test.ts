import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';
import { whoamiText, type UpstreamHandler } from '../../support/upstream.js';

const scenario = '37-traffic-mirroring';
const host = 'mirror.qikqiak.com';

describe('scenario 37: traffic mirroring, 100 % to v1 and 50 % copied to v2', () => {
  let run: ScenarioRun;
  /** How v2 answers: as whoami, with a 500, or after 5 s. */
  let v2Mode: 'echo' | 'fail' | 'slow' = 'echo';
  const v2: UpstreamHandler = (request, response) => {
    if (v2Mode === 'fail') return void response.writeHead(500).end('v2 failed');
    const answer = (): void => void response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(whoamiText('v2', request));
    if (v2Mode === 'slow') setTimeout(answer, 5000);
    else answer();
  };
  before(async () => {
    run = await startScenario(undefined, scenario, { handlers: { v2 } });
  });
  after(() => run?.close());

  const copies = (): number => run.backend('v2').requests.length;

  it('step 1: four requests are answered by v1; v2 receives copies of the first and third', async () => {
    for (let i = 1; i <= 4; i++) {
      const response = await run.send('web', `/n?i=${i}`, { host });
      assert.equal(response.status, 200);
      assert.equal(response.echo.hostname, 'v1');
    }

    await until(() => copies() === 2);
    assert.deepEqual(run.backend('v2').requests.map((request) => request.url), ['/n?i=1', '/n?i=3']);
  });

  it('step 2: 100 requests, v1 gets 100 and v2 exactly 50', async () => {
    const [v1Before, v2Before] = [run.backend('v1').requests.length, copies()];
    for (let i = 0; i < 100; i++) assert.equal((await run.send('web', '/n', { host })).echo.hostname, 'v1');

    await until(() => copies() - v2Before === 50);
    assert.equal(run.backend('v1').requests.length - v1Before, 100);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(copies() - v2Before, 50);
  });

  it('step 3: a copy is the same request: method, path, query, headers with Host, and the 1 KiB body', async () => {
    const v2Before = copies();
    const body = Buffer.alloc(1024, 'b');
    // Two requests: one of them is due for a copy.
    for (let i = 0; i < 2; i++) {
      const response = await get(`${run.junction.url('web')}/upload?k=v`, { method: 'POST', headers: { host, 'x-request': String(i) }, body });
      assert.equal(response.status, 200);
    }
    await until(() => copies() === v2Before + 1);

    const copy = run.backend('v2').lastRequest;
    const original = run.backend('v1').requests.findLast((request) => request.headers['x-request'] === copy.headers['x-request'] && request.body.length === copy.body.length)!;
    assert.equal(copy.method, 'POST');
    assert.equal(copy.url, '/upload?k=v');
    assert.equal(copy.headers.host, host);
    assert.equal(copy.headers['x-forwarded-host'], original.headers['x-forwarded-host']);
    assert.deepEqual(copy.body, body);
  });

  it('step 4: a v2 that fails or sleeps 5 s changes nothing for clients', async () => {
    for (const mode of ['fail', 'slow'] as const) {
      v2Mode = mode;
      const started = performance.now();
      for (let i = 0; i < 4; i++) {
        const response = await run.send('web', '/n', { host });
        assert.equal(response.status, 200);
        assert.equal(response.echo.hostname, 'v1');
      }
      assert.ok(performance.now() - started < 4000, `v2 in mode ${mode} slowed the clients down`);
    }
    v2Mode = 'echo';
  });

  it('step 5: with v2 stopped, clients are unaffected', async () => {
    await run.backend('v2').close();

    for (let i = 0; i < 4; i++) assert.equal((await run.send('web', '/n', { host })).status, 200);
  });

  it('step 6: a percent outside 0–100 is a configuration error; the router answers 404', async () => {
    const from = run.junction.output().length;
    const { dynamic, crd } = readScenario(scenario);
    await run.reconfigure({ dynamic: dynamic.replace('percent: 50', 'percent: 120'), crd: crd.replace('percent: 50', 'percent: 120') });

    await run.junction.waitForOutput(/http\.services\.(default-)?app-mirror(@kubernetescrd)?\.mirroring\.mirrors\[0\]\.percent: percent must be between 0 and 100/, { from });
    await until(async () => (await run.send('web', '/n', { host })).status === 404);
  });
});
