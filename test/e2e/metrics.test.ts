import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { get } from '../support/http.js';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { runPeer, skipUnlessPeer } from '../support/peers.js';
import { startPrometheus } from '../support/prometheus-server.js';
import { startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const routers = `
http:
  routers:
    api:
      rule: "PathPrefix(\`/api\`)"
      service: app
    web:
      rule: "PathPrefix(\`/web\`)"
      service: app
  services:
    app:
      loadBalancer:
        servers: [{ url: "{{UPSTREAM}}" }]
`;

async function startWithMetrics(t: TestContext, upstream: Upstream, prometheus: string, args: string[] = []): Promise<JunctionProcess> {
  return startJunction(t, {
    static: `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
metrics:
  prometheus:
${prometheus}
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`,
    dynamic: routers,
    values: { UPSTREAM: upstream.url },
    args,
  });
}

async function scrape(junction: JunctionProcess, entryPoint = 'traefik'): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(`${junction.url(entryPoint)}/metrics`);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The value of one sample line, given its name and labels as printed. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus metrics', () => {
  it('serves /metrics on the traefik entryPoint with Traefik\'s names, labels and default buckets', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startWithMetrics(t, upstream, '    addRoutersLabels: true');

    for (let i = 0; i < 3; i++) assert.equal((await get(`${junction.url('web')}/api/x`)).status, 200);
    assert.equal((await get(`${junction.url('web')}/web`, { method: 'POST', body: 'abcd' })).status, 200);
    assert.equal((await get(`${junction.url('web')}/nothing`)).status, 404);
    const { status, contentType, text } = await until(async () => {
      const result = await scrape(junction);
      return result.text.includes('code="404",entrypoint="web"') ? result : undefined;
    });

    assert.equal(status, 200);
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(sample(text, 'traefik_entrypoint_requests_total{code="200",entrypoint="web",method="GET",protocol="http"}'), 3);
    assert.equal(sample(text, 'traefik_entrypoint_requests_total{code="200",entrypoint="web",method="POST",protocol="http"}'), 1);
    assert.equal(sample(text, 'traefik_entrypoint_requests_total{code="404",entrypoint="web",method="GET",protocol="http"}'), 1);
    assert.equal(sample(text, 'traefik_router_requests_total{code="200",method="GET",protocol="http",router="api@file",service="app@file"}'), 3);
    assert.equal(sample(text, 'traefik_router_requests_total{code="200",method="POST",protocol="http",router="web@file",service="app@file"}'), 1);
    assert.equal(sample(text, 'traefik_service_requests_total{code="200",method="GET",protocol="http",service="app@file"}'), 3);
    assert.equal(sample(text, 'traefik_entrypoint_requests_bytes_total{code="200",entrypoint="web",method="POST",protocol="http"}'), 4);
    for (const bound of ['0.1', '0.3', '1.2', '5', '+Inf']) {
      assert.equal(sample(text, `traefik_router_request_duration_seconds_bucket{code="200",method="GET",protocol="http",router="api@file",service="app@file",le="${bound}"}`), 3);
    }
    assert.equal(sample(text, 'traefik_service_request_duration_seconds_count{code="200",method="GET",protocol="http",service="app@file"}'), 3);
    assert.equal(sample(text, 'traefik_config_reloads_total'), 1);
    assert.ok((sample(text, 'traefik_config_last_reload_success') ?? 0) > 1_600_000_000);
    assert.match(text, /^traefik_open_connections\{entrypoint="web",protocol="TCP"\} \d+$/m);
    assert.match(text, /^# HELP traefik_entrypoint_requests_total How many HTTP requests processed on an entrypoint, partitioned by status code, protocol, and method\.$/m);
    assert.match(text, /^# TYPE traefik_router_request_duration_seconds histogram$/m);
  });

  it('has no router series without addRoutersLabels, and no /metrics on other entryPoints', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startWithMetrics(t, upstream, '    entryPoint: traefik');

    await get(`${junction.url('web')}/api`);
    const { text } = await scrape(junction);

    assert.doesNotMatch(text, /traefik_router_/);
    assert.match(text, /traefik_service_requests_total/);
    assert.equal((await get(`${junction.url('web')}/metrics`)).status, 404);
  });

  it('uses the configured buckets and adds headerLabels to the request counters', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startWithMetrics(t, upstream, '    buckets: [0.5, 2]\n    headerLabels:\n      useragent: User-Agent');

    await get(`${junction.url('web')}/api`, { headers: { 'user-agent': 'probe/2' } });
    const { text } = await until(async () => {
      const result = await scrape(junction);
      return result.text.includes('useragent="probe/2"') ? result : undefined;
    });

    assert.equal(sample(text, 'traefik_entrypoint_requests_total{code="200",entrypoint="web",method="GET",protocol="http",useragent="probe/2"}'), 1);
    assert.equal(sample(text, 'traefik_entrypoint_request_duration_seconds_bucket{code="200",entrypoint="web",method="GET",protocol="http",le="0.5"}'), 1);
    assert.equal(sample(text, 'traefik_entrypoint_request_duration_seconds_bucket{code="200",entrypoint="web",method="GET",protocol="http",le="2"}'), 1);
    assert.doesNotMatch(text, /le="0\.3"/);
  });

  it('with manualRouting serves metrics only through a router to prometheus@internal', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startWithMetrics(t, upstream, '    manualRouting: true');

    assert.equal((await get(`${junction.url('traefik')}/metrics`)).status, 404);
    await junction.writeDynamic(
      routers.replace(
        '  services:',
        '    metrics:\n      rule: "Path(`/stats`)"\n      service: prometheus@internal\n  services:',
      ),
    );

    const response = await until(async () => {
      const candidate = await get(`${junction.url('web')}/stats`);
      return candidate.status === 200 ? candidate : undefined;
    });
    assert.match(response.body, /^traefik_config_reloads_total 2$/m);
    assert.match(response.body, /^process_start_time_seconds \d+/m);
  });

  it('passes promtool check metrics', { skip: skipUnlessPeer('promtool', 'apt-get install prometheus') }, async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startWithMetrics(t, upstream, '    addRoutersLabels: true\n    headerLabels:\n      useragent: User-Agent');
    await get(`${junction.url('web')}/api`);
    await get(`${junction.url('web')}/missing`);
    const { text } = await scrape(junction);

    const problems = runPeer('promtool', ['check', 'metrics'], text);

    assert.equal(problems, '');
  });

  it('is scraped by a real Prometheus, where PromQL counts the requests of each router', { skip: skipUnlessPeer('prometheus', 'apt-get install prometheus') }, async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startWithMetrics(t, upstream, '    addRoutersLabels: true');
    const prometheus = await startPrometheus(t, `127.0.0.1:${junction.ports.traefik}`);

    for (let i = 0; i < 4; i++) await get(`${junction.url('web')}/api`);
    for (let i = 0; i < 2; i++) await get(`${junction.url('web')}/web`);

    const byRouter = await until(
      async () => {
        const result = await prometheus.query('sum by (router) (traefik_router_requests_total)');
        const counts = Object.fromEntries(result.map((series) => [series.metric.router, series.value]));
        return counts['api@file'] === 4 && counts['web@file'] === 2 ? counts : undefined;
      },
      { timeoutMs: 30_000, message: 'Prometheus to report 4 requests on api@file and 2 on web@file' },
    );
    assert.deepEqual(byRouter, { 'api@file': 4, 'web@file': 2 });
  });

  it('with --workers=2 reports the sum over the workers', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startWithMetrics(t, upstream, '    addRoutersLabels: true', ['--workers=2']);

    // New connections each time, so the kernel spreads them over both workers.
    for (let i = 0; i < 10; i++) await get(`${junction.url('web')}/api`, { headers: { connection: 'close' } });

    const { text } = await until(async () => {
      const result = await scrape(junction);
      return sample(result.text, 'traefik_router_requests_total{code="200",method="GET",protocol="http",router="api@file",service="app@file"}') === 10 ? result : undefined;
    }, { timeoutMs: 15_000, message: 'ten requests summed over the workers' });
    assert.equal(sample(text, 'traefik_entrypoint_requests_total{code="200",entrypoint="web",method="GET",protocol="http"}'), 10);
    assert.equal(sample(text, 'traefik_config_reloads_total'), 1);
  });
});
