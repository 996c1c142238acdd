import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp-receiver.js';
import { until } from '../../support/until.js';

const curlHeaders = { 'User-Agent': 'curl/7.29.0', Accept: '*/*' };

/**
 * The crd.yaml holds plain Services with `mesh.traefik.io/*` annotations: in Kubernetes mode Junction's mesh
 * provider (`providers.kubernetesMesh`) reads them, as Traefik Mesh's controller does for its proxies; in file
 * mode dynamic.yaml stands for what that controller gives the proxy.
 */
describe('scenario 19: svc.ns.traefik.mesh naming, forwarded headers and a trace id seen by the backend', () => {
  let run: ScenarioRun;
  let collector: OtlpReceiver;
  before(async () => {
    // Stands for Jaeger: an OTLP/HTTP collector that keeps the spans it receives.
    collector = await startOtlpReceiver(undefined);
    run = await startScenario(undefined, '19-mesh-naming-forwarded-and-trace-headers', {
      mesh: true,
      values: { CLUSTER_IP_server: '10.96.0.10', OTLP_HTTP_ENDPOINT: `${collector.url}/v1/traces` },
    });
  });
  after(async () => {
    await run?.close();
    await collector?.close();
  });

  it('answers 200 for server.test.traefik.mesh and echoes GET /, the Host, User-Agent and Accept as curl sent them', async () => {
    const response = await run.send('http-5000', '/', { host: 'server.test.traefik.mesh', headers: curlHeaders });

    assert.equal(response.status, 200);
    assert.equal(response.echo.requestLine, 'GET / HTTP/1.1');
    assert.equal(response.echo.header('Host'), 'server.test.traefik.mesh');
    assert.equal(response.echo.header('User-Agent'), 'curl/7.29.0');
    assert.equal(response.echo.header('Accept'), '*/*');
  });

  it('sets X-Forwarded-For, -Host, -Port 80, -Proto http, -Server (the Junction host name) and X-Real-Ip for the backend', async () => {
    const response = await run.send('http-5000', '/', { host: 'server.test.traefik.mesh', headers: curlHeaders });

    assert.equal(response.status, 200);
    assert.equal(response.echo.header('X-Forwarded-For'), '127.0.0.1');
    assert.equal(response.echo.header('X-Forwarded-Host'), 'server.test.traefik.mesh');
    assert.equal(response.echo.header('X-Forwarded-Port'), '80');
    assert.equal(response.echo.header('X-Forwarded-Proto'), 'http');
    assert.equal(response.echo.header('X-Forwarded-Server'), hostname());
    assert.equal(response.echo.header('X-Real-Ip'), '127.0.0.1');
  });

  it('alternates consecutive requests between server-1 and server-2 (round robin over the two replicas)', async () => {
    const answers: Array<string | undefined> = [];
    for (let i = 0; i < 6; i++) {
      const response = await run.send('http-5000', '/', { host: 'server.test.traefik.mesh', headers: curlHeaders });
      assert.equal(response.status, 200);
      answers.push(response.echo.hostname);
    }

    assert.deepEqual(new Set(answers), new Set(['server-1', 'server-2']));
    for (let i = 1; i < answers.length; i++) assert.notEqual(answers[i], answers[i - 1]);
  });

  it('injects traceparent by default, a new trace id per request, and a span of that trace reaches the collector', async () => {
    const first = await run.send('http-5000', '/', { host: 'server.test.traefik.mesh', headers: curlHeaders });
    const second = await run.send('http-5000', '/', { host: 'server.test.traefik.mesh', headers: curlHeaders });

    const traceIds = [first, second].map((response) => {
      const traceparent = response.echo.header('Traceparent') ?? '';
      assert.match(traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      return traceparent.split('-')[1]!;
    });
    assert.notEqual(traceIds[0], traceIds[1]);
    await until(() => collector.spans.some((span) => span.traceId === traceIds[0]), { timeoutMs: 15_000, message: 'a span of the first trace at the collector' });
  });

  it('continues an incoming traceparent: same trace id, a new span id', async () => {
    const response = await run.send('http-5000', '/', {
      host: 'server.test.traefik.mesh',
      headers: { ...curlHeaders, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });

    const traceparent = response.echo.header('Traceparent') ?? '';
    assert.match(traceparent, /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    assert.notEqual(traceparent.split('-')[2], '00f067aa0ba902b7');
  });

  it('injects Uber-Trace-Id instead with OTEL_PROPAGATORS=jaeger', async (t) => {
    const jaeger = await startScenario(t, '19-mesh-naming-forwarded-and-trace-headers', {
      mesh: true,
      values: { CLUSTER_IP_server: '10.96.0.10', OTLP_HTTP_ENDPOINT: `${collector.url}/v1/traces` },
      env: { OTEL_PROPAGATORS: 'jaeger' },
    });

    const response = await jaeger.send('http-5000', '/', { host: 'server.test.traefik.mesh', headers: curlHeaders });

    assert.match(response.echo.header('Uber-Trace-Id') ?? '', /^[0-9a-f]{16,32}:[0-9a-f]{16}:[0-9a-f]{1,16}:[0-9a-f]{1,2}$/);
    assert.equal(response.echo.header('Traceparent'), undefined);
  });

  it('drops a client-supplied X-Forwarded-For: 1.2.3.4 (client not trusted): the backend sees X-Forwarded-For: 127.0.0.1', async () => {
    const response = await run.send('http-5000', '/', { host: 'server.test.traefik.mesh', headers: { ...curlHeaders, 'X-Forwarded-For': '1.2.3.4' } });

    assert.equal(response.status, 200);
    assert.equal(response.echo.header('X-Forwarded-For'), '127.0.0.1');
  });
});
