import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { get } from '../../support/http.js';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { whoamiText, type UpstreamHandler } from '../../support/upstream.js';
import { until } from '../../support/until.js';

const host = 'server.example.com';

/** The value of one sample, given its name and labels as printed. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function start(t: TestContext, delay: { ms: number }, staticText?: string): Promise<ScenarioRun> {
  const server: UpstreamHandler = (request, response) => {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(whoamiText('server', request));
    }, delay.ms);
  };
  return startScenario(t, '44-prometheus-metrics-labels', { handlers: { server }, ...(staticText !== undefined ? { static: staticText } : {}) });
}

async function metrics(run: ScenarioRun): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(`${run.junction.url('metrics')}/metrics`);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The labels of the scenario's router and its service, named as the provider names them. */
const routerLabels = (run: ScenarioRun): string => `router="${run.routerName('server')}",service="${run.routeServiceName('server', 'server')}"`;
const routerHistogram = (run: ScenarioRun): string => `traefik_router_request_duration_seconds_bucket{code="200",method="GET",protocol="http",${routerLabels(run)}`;

describe('scenario 44: Prometheus metrics with entry point, router and service labels', () => {
  it('counts requests per entryPoint, router and service with Traefik\'s labels, histograms and gauges', async (t) => {
    const run = await start(t, { ms: 0 });

    for (let i = 0; i < 3; i++) assert.equal((await run.send('web', '/', { host })).status, 200);
    assert.equal((await run.send('web', '/', { host, method: 'POST' })).status, 200);
    assert.equal((await run.send('web', '/', { host: 'unknown.example.com' })).status, 404);
    const { status, contentType, text } = await until(async () => {
      const scraped = await metrics(run);
      return scraped.text.includes('code="404"') ? scraped : undefined;
    });

    assert.equal(status, 200);
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(text, 'traefik_entrypoint_requests_total{code="200",entrypoint="web",method="GET",protocol="http"}'), 3);
    assert.equal(sample(text, 'traefik_entrypoint_requests_total{code="200",entrypoint="web",method="POST",protocol="http"}'), 1);
    assert.equal(sample(text, 'traefik_entrypoint_requests_total{code="404",entrypoint="web",method="GET",protocol="http"}'), 1);
    assert.equal(sample(text, `traefik_router_requests_total{code="200",method="GET",protocol="http",${routerLabels(run)}}`), 3);
    assert.equal(sample(text, `traefik_service_requests_total{code="200",method="GET",protocol="http",service="${run.routeServiceName('server', 'server')}"}`), 3);
    for (const prefix of ['traefik_entrypoint', 'traefik_router', 'traefik_service']) {
      for (const bound of ['0.1', '0.3', '1.2', '5', '+Inf']) assert.match(text, new RegExp(`^${prefix}_request_duration_seconds_bucket\\{[^}]*le="${bound.replace('+', '\\+')}"\\} `, 'm'));
      assert.match(text, new RegExp(`^${prefix}_request_duration_seconds_sum\\{`, 'm'));
      assert.match(text, new RegExp(`^${prefix}_request_duration_seconds_count\\{`, 'm'));
    }
    assert.match(text, /^traefik_open_connections\{entrypoint="web",protocol="TCP"\} \d+$/m);
    assert.match(text, /^traefik_config_reloads_total \d+$/m);
    assert.match(text, /^traefik_config_last_reload_success \d+$/m);
  });

  it('puts two 400 ms requests in the router\'s le="1.2" bucket and none in le="0.3"', async (t) => {
    const delay = { ms: 0 };
    const run = await start(t, delay);
    await run.send('web', '/', { host });
    const before = await metrics(run);

    delay.ms = 400;
    // Junction's own measure of a request is within the client's: one the client saw end before 1.2 s is in le="1.2".
    let seenUnder1200ms = 0;
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      assert.equal((await run.send('web', '/', { host })).status, 200);
      if (performance.now() - started < 1200) seenUnder1200ms++;
    }
    const after = await until(async () => {
      const scraped = await metrics(run);
      return sample(scraped.text, `${routerHistogram(run)},le="+Inf"}`) === 3 ? scraped : undefined;
    });

    const gained = (bound: string): number => (sample(after.text, `${routerHistogram(run)},le="${bound}"}`) ?? 0) - (sample(before.text, `${routerHistogram(run)},le="${bound}"}`) ?? 0);
    assert.ok(gained('1.2') >= seenUnder1200ms && gained('1.2') <= 2, `le="1.2" gained ${gained('1.2')}, ${seenUnder1200ms} requests ended before 1.2 s`);
    assert.equal(gained('0.3'), 0);
  });

  it('has no traefik_router_* series without addRoutersLabels', async (t) => {
    const staticText = readScenario('44-prometheus-metrics-labels').static.replace('    addRoutersLabels: true\n', '');
    const run = await start(t, { ms: 0 }, staticText);

    await run.send('web', '/', { host });
    const { text } = await until(async () => {
      const scraped = await metrics(run);
      return scraped.text.includes('traefik_service_requests_total{') ? scraped : undefined;
    });

    assert.doesNotMatch(text, /^traefik_router_/m);
  });

  it('serves /metrics only on the metrics entryPoint (404 on web)', async (t) => {
    const run = await start(t, { ms: 0 });

    assert.equal((await metrics(run)).status, 200);
    assert.equal((await get(`${run.junction.url('web')}/metrics`, { headers: { host } })).status, 200);
    assert.equal((await get(`${run.junction.url('web')}/metrics`, { headers: { host: 'other.example.com' } })).status, 404);
  });

  // Step 4 (Kubernetes names in labels) needs the CRD provider; step 7 (`/debug/vars` with api.debug) belongs
  // to the API: both are left out here.
});
