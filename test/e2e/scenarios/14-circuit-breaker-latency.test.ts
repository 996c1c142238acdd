import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { get } from '../../support/http.js';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { whoamiText, type UpstreamHandler } from '../../support/upstream.js';

const scenario = '14-circuit-breaker-latency';
const host = 'slow.jtthink.com';
/** Slack on the README's "≈ 10 s" and "≈ 20 s" marks. */
const toleranceMs = 500;

/** slowsvc: a whoami echo answering after a delay that `GET /__delay?ms=N` on its own port switches. */
function slowBackend(initialDelayMs: number): UpstreamHandler {
  let delayMs = initialDelayMs;
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://slowsvc');
    if (url.pathname === '/__delay') {
      delayMs = Number(url.searchParams.get('ms') ?? 0);
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`delay ${delayMs}\n`);
      return;
    }
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(whoamiText('slowsvc', request));
    }, delayMs);
  };
}

/** Starts the scenario, with `variant` applied to both its dynamic.yaml and its crd.yaml when given. */
async function start(t: TestContext, variant?: (text: string) => string): Promise<ScenarioRun> {
  const files = readScenario(scenario);
  return startScenario(t, scenario, { handlers: { slowsvc: slowBackend(1500) }, ...(variant !== undefined ? { dynamic: variant(files.dynamic), crd: variant(files.crd) } : {}) });
}

async function setDelay(run: ScenarioRun, ms: number): Promise<void> {
  await get(`${run.backend('slowsvc').url}/__delay?ms=${ms}`);
}

/** Requests that reached slowsvc through the router (not the delay switches). */
function served(run: ScenarioRun): number {
  return run.backend('slowsvc').requests.filter((request) => request.path !== '/__delay').length;
}

async function timed(run: ScenarioRun): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now();
  const response = await run.send('web', '/', { host });
  return { status: response.status, body: response.body, ms: Date.now() - started };
}

describe('scenario 14: circuitBreaker LatencyAtQuantileMS(50.0) > 1000', { concurrency: true }, () => {
  it('answers a slow request, opens, answers 503 for 10 s without calling the service, then recovers gradually and closes about 20 s after the trip', async (t) => {
    const run = await start(t);

    const first = await timed(run);
    const trippedAt = Date.now();
    assert.equal(first.status, 200);
    assert.ok(first.ms >= 1500, `first request took ${first.ms} ms`);

    const second = await timed(run);
    assert.equal(second.status, 503);
    assert.equal(second.body, 'Service Unavailable');
    // Well under the service's 1.5 s: answered without it; the bound leaves room for a loaded machine.
    assert.ok(second.ms < 1000, `second request took ${second.ms} ms`);
    assert.equal(served(run), 1);

    await setDelay(run, 0);
    const seen: Array<{ at: number; status: number }> = [];
    while (Date.now() - trippedAt < 21_000 + toleranceMs) {
      const { status } = await timed(run);
      seen.push({ at: Date.now() - trippedAt, status });
      await delay(100);
    }

    const open = seen.filter(({ at }) => at < 10_000 - toleranceMs);
    assert.ok(open.length > 50 && open.every(({ status }) => status === 503));
    const recovering = seen.filter(({ at }) => at > 10_000 + toleranceMs && at < 20_000 - toleranceMs);
    const share = (from: number, to: number): number => {
      const part = recovering.filter(({ at }) => at >= from && at < to);
      return part.filter(({ status }) => status === 200).length / part.length;
    };
    assert.ok(recovering.some(({ status }) => status === 200));
    assert.ok(recovering.some(({ status }) => status === 503));
    assert.ok(share(15_000, 20_000) > share(10_000, 15_000), `share of 200 ${share(10_000, 15_000)} then ${share(15_000, 20_000)}`);
    const closed = seen.filter(({ at }) => at > 20_000 + toleranceMs);
    assert.ok(closed.length > 0 && closed.every(({ status }) => status === 200));
    assert.equal(served(run), 1 + seen.filter(({ status }) => status === 200).length);
  });

  it('opens again when the service is still slow while recovering', async (t) => {
    const run = await start(t);
    assert.equal((await timed(run)).status, 200);
    const trippedAt = Date.now();

    let passed: { at: number; ms: number } | undefined;
    while (passed === undefined && Date.now() - trippedAt < 20_000) {
      const response = await timed(run);
      if (response.status === 200) passed = { at: Date.now() - trippedAt, ms: response.ms };
      else assert.equal(response.status, 503);
      await delay(100);
    }

    assert.ok(passed !== undefined, 'no request went through while recovering');
    assert.ok(passed.at - passed.ms >= 10_000 - toleranceMs, `a request went through ${passed.at - passed.ms} ms after the trip`);
    assert.ok(passed.ms >= 1500);
    const reached = served(run);
    for (let i = 0; i < 10; i++) {
      const response = await timed(run);
      assert.equal(response.status, 503);
      assert.ok(response.ms < 1000);
      await delay(100);
    }
    assert.equal(served(run), reached);
  });

  it('refuses an integer quantile when loading the configuration: the router is not served and the error is reported', async (t) => {
    const run = await start(t, (text) => text.replace('LatencyAtQuantileMS(50.0)', 'LatencyAtQuantileMS(50)'));

    const response = await run.send('web', '/', { host });

    assert.equal(response.status, 404);
    assert.equal(served(run), 0);
    await run.junction.waitForOutput(/http\.middlewares\.([a-z]+-)?latency-check(@kubernetescrd)?\.circuitBreaker\.expression: invalid expression "LatencyAtQuantileMS\(50\) > 1000": argument "quantile" of LatencyAtQuantileMS must be a float, got "50" at col 21/);
  });

  it('answers with responseCode when set, here 502 "Bad Gateway"', async (t) => {
    const run = await start(t, (text) => {
      const changed = text.replace(/^( *)expression: ("?)LatencyAtQuantileMS\(50\.0\) > 1000\2$/m, '$&\n$1responseCode: 502');
      assert.notEqual(changed, text);
      return changed;
    });
    assert.equal((await timed(run)).status, 200);

    const response = await timed(run);

    assert.equal(response.status, 502);
    assert.equal(response.body, 'Bad Gateway');
  });
});
