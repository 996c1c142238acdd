import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { startScenario, type ScenarioRun } from '../../support/scenario.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';

const curlHeaders = { 'User-Agent': 'curl/7.29.0', Accept: '*/*' };

describe('scenario 19: svc.ns.traefik.mesh naming, forwarded headers and a trace id seen by the backend', () => {
  let run: ScenarioRun;
  let collector: Upstream;
  before(async () => {
    // Stands for Jaeger; it only has to accept what is sent to it, the steps that read spans are left out below.
    collector = await startUpstream(undefined, { name: 'otlp-collector' });
    run = await startScenario(undefined, '19-mesh-naming-forwarded-and-trace-headers', {
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

  // Step 3 (Uber-Trace-Id with OTEL_PROPAGATORS=jaeger, traceparent by default, one span per request at the
  // collector) and step 4 (continuing an incoming traceparent) are left out: Junction has no tracing yet.

  it('drops a client-supplied X-Forwarded-For: 1.2.3.4 (client not trusted): the backend sees X-Forwarded-For: 127.0.0.1', async () => {
    const response = await run.send('http-5000', '/', { host: 'server.test.traefik.mesh', headers: { ...curlHeaders, 'X-Forwarded-For': '1.2.3.4' } });

    assert.equal(response.status, 200);
    assert.equal(response.echo.header('X-Forwarded-For'), '127.0.0.1');
  });
});
