import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { whoamiText, type UpstreamHandler } from '../../support/upstream.js';

const scenario = '16-circuit-breaker-response-code-ratio';
const host = 'codes.jtthink.com';
/** The README's spacing: each response is followed by an evaluation (checkPeriod 100 ms). */
const spacingMs = 110;

/** codesvc: answers `GET /status/<code>` with that status, like httpbin. */
const codesvc: UpstreamHandler = (request, response) => {
  const status = Number(/^\/status\/(\d{3})$/.exec(request.url ?? '')?.[1] ?? 200);
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(whoamiText('codesvc', request));
};

function start(t: TestContext): Promise<ScenarioRun> {
  return startScenario(t, scenario, { handlers: { codesvc } });
}

/** Sends `count` requests to `/status/<code>`, spaced as the README asks; returns the statuses. */
async function send(run: ScenarioRun, code: number, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    statuses.push((await run.send('web', `/status/${code}`, { host })).status);
    await delay(spacingMs);
  }
  return statuses;
}

describe('scenario 16: circuitBreaker ResponseCodeRatio(500, 600, 0, 600) > 0.5', { concurrency: true }, () => {
  it('stays closed at exactly half 5xx, trips when the share goes above half, then answers 503 for 10 s without calling the backend', async (t) => {
    const run = await start(t);

    assert.deepEqual(await send(run, 200, 10), Array(10).fill(200));
    assert.deepEqual(await send(run, 500, 10), Array(10).fill(500));
    assert.deepEqual(await send(run, 200, 1), [200]);
    assert.deepEqual(await send(run, 500, 2), [500, 500]);
    const trippedAt = Date.now();
    const reached = run.backend('codesvc').requests.length;
    assert.equal(reached, 23);

    const open = await run.send('web', '/anything', { host });
    assert.equal(open.status, 503);
    assert.equal(open.body, 'Service Unavailable');
    while (Date.now() - trippedAt < 9500) {
      assert.equal((await run.send('web', '/status/200', { host })).status, 503);
      await delay(500);
    }
    assert.equal(run.backend('codesvc').requests.length, reached);
  });

  it('counts 4xx answers in the divisor only: 10 × 404 and 9 × 500 never trip it', async (t) => {
    const run = await start(t);

    assert.deepEqual(await send(run, 404, 10), Array(10).fill(404));
    assert.deepEqual(await send(run, 500, 9), Array(9).fill(500));
    assert.deepEqual(await send(run, 200, 1), [200]);
  });
});
