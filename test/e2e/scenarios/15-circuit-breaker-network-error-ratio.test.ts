import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { whoamiText } from '../../support/upstream.js';

const scenario = '15-circuit-breaker-network-error-ratio';
const host = 'flaky.jtthink.com';
/** The README's spacing: each response is followed by an evaluation (checkPeriod 100 ms). */
const spacingMs = 110;
/** Slack on the README's "10 s" and "about 10 s later" marks. */
const toleranceMs = 500;

/** Starts flakysvc again on the port it had, as the same whoami echo. */
async function restartBackend(t: TestContext, port: number): Promise<void> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(whoamiText('flakysvc', request));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
}

async function timed(run: ScenarioRun): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now();
  const response = await run.send('web', '/', { host });
  return { status: response.status, body: response.body, ms: Date.now() - started };
}

describe('scenario 15: circuitBreaker NetworkErrorRatio() > 0.5', { concurrency: true }, () => {
  it('answers 20 × 200, then 502 while the backend is down until the 21st failure trips it, then 503 at once', async (t) => {
    const run = await startScenario(t, scenario);
    for (let i = 0; i < 20; i++) {
      assert.equal((await timed(run)).status, 200);
      await delay(spacingMs);
    }

    await run.backend('flakysvc').close();
    for (let failure = 1; failure <= 21; failure++) {
      const response = await timed(run);
      assert.equal(response.status, 502, `failure ${failure}`);
      assert.equal(response.body, 'Bad Gateway');
      await delay(spacingMs);
    }

    const open = await timed(run);
    assert.equal(open.status, 503);
    assert.equal(open.body, 'Service Unavailable');
    assert.ok(open.ms < 1000, `answered in ${open.ms} ms`);
  });

  it('trips on the second request of a fresh start with the backend down, then recovers once the backend is back', async (t) => {
    const run = await startScenario(t, scenario);
    const backend = run.backend('flakysvc');
    await backend.close();

    assert.equal((await timed(run)).status, 502);
    const trippedAt = Date.now();
    await delay(spacingMs);
    assert.equal((await timed(run)).status, 503);

    await restartBackend(t, backend.port);
    const seen: Array<{ at: number; status: number }> = [];
    while (Date.now() - trippedAt < 21_000 + toleranceMs) {
      const { status } = await timed(run);
      seen.push({ at: Date.now() - trippedAt, status });
      await delay(100);
    }

    const open = seen.filter(({ at }) => at < 10_000 - toleranceMs);
    assert.ok(open.length > 50 && open.every(({ status }) => status === 503));
    const recovering = seen.filter(({ at }) => at > 10_000 + toleranceMs && at < 20_000 - toleranceMs);
    assert.ok(recovering.some(({ status }) => status === 200));
    assert.ok(recovering.some(({ status }) => status === 503));
    const closed = seen.filter(({ at }) => at > 20_000 + toleranceMs);
    assert.ok(closed.length > 0 && closed.every(({ status }) => status === 200));
  });

  it('counts a 502 the backend itself answers like one the router makes', async (t) => {
    let isFailing = false;
    const run = await startScenario(t, scenario, {
      handlers: {
        flakysvc: (request, response) => {
          response.writeHead(isFailing ? 502 : 200, { 'content-type': 'text/plain; charset=utf-8' });
          response.end(whoamiText('flakysvc', request));
        },
      },
    });
    assert.equal((await timed(run)).status, 200);
    await delay(spacingMs);
    isFailing = true;
    assert.equal((await timed(run)).status, 502);
    await delay(spacingMs);
    assert.equal((await timed(run)).status, 502);
    await delay(spacingMs);

    assert.equal((await timed(run)).status, 503);
    assert.equal(run.backend('flakysvc').requests.length, 3);
  });
});
