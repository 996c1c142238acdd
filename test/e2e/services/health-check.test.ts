import assert from 'node:assert/strict';
import { createServer as createH2cServer, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { answeredBy, startUpstream, whoamiText } from '../../support/upstream.js';
import { startCheckedUpstream } from './checked-upstream.js';
import { until } from '../../support/until.js';

async function whoAnswers(url: string, host: string, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await get(url, { headers: { host } });
    names.push(response.status === 200 ? answeredBy(response.body)! : String(response.status));
  }
  return names;
}

function checkedService(urls: readonly string[], extra = ''): string {
  return `
http:
  routers:
    app: { rule: "Host(\`hc.test\`)", service: app }
  services:
    app:
      loadBalancer:
        healthCheck: { path: /health, interval: 200ms, timeout: 1s${extra} }
        servers:
${urls.map((url) => `          - url: "${url}"`).join('\n')}
`;
}

describe('loadBalancer healthCheck', () => {
  it('takes a server failing its check out of the rotation and brings it back once it passes', async (t) => {
    const a = await startCheckedUpstream(t, 'a');
    const b = await startCheckedUpstream(t, 'b');
    const junction = await startJunction(t, { dynamic: checkedService([a.url, b.url]) });
    assert.deepEqual(new Set(await whoAnswers(`${junction.url('web')}/`, 'hc.test', 4)), new Set(['a', 'b']));

    b.healthy = false;
    await junction.waitForOutput(/server status changed.*DOWN/);
    assert.deepEqual(await whoAnswers(`${junction.url('web')}/`, 'hc.test', 6), ['a', 'a', 'a', 'a', 'a', 'a']);
    await junction.waitForOutput(/Health check failed\..*received error status code: 503/);

    b.healthy = true;
    await until(async () => (await whoAnswers(`${junction.url('web')}/`, 'hc.test', 4)).includes('b'), { timeoutMs: 10_000 });
  });

  it('answers 503 "no available server" when every server is down', async (t) => {
    const a = await startCheckedUpstream(t, 'a');
    const junction = await startJunction(t, { dynamic: checkedService([a.url]) });
    a.healthy = false;

    const response = await until(async () => {
      const answer = await get(`${junction.url('web')}/`, { headers: { host: 'hc.test' } });
      return answer.status === 503 ? answer : undefined;
    });

    assert.equal(response.body, 'no available server\n');
  });

  it('sends method, headers and Host as configured, to the given port, and accepts only the expected status', async (t) => {
    const checked = await startUpstream(t, {
      name: 'checked',
      handler(request, response) {
        response.writeHead(request.url === '/ready?deep=1' ? 204 : 200).end();
      },
    });
    const serving = await startUpstream(t, { name: 'serving' });
    const port = new URL(checked.url).port;
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`hc.test\`)", service: app }
  services:
    app:
      loadBalancer:
        healthCheck:
          path: /ready?deep=1
          method: HEAD
          port: ${port}
          hostname: health.internal
          status: 204
          interval: 200ms
          headers: { X-Probe: junction }
        servers:
          - url: "${serving.url}"
`,
    });

    await until(() => checked.requests.length >= 1);
    const probe = checked.requests[0]!;
    assert.equal(probe.method, 'HEAD');
    assert.equal(probe.url, '/ready?deep=1');
    assert.equal(probe.headers.host, 'health.internal');
    assert.equal(probe.headers['x-probe'], 'junction');
    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'hc.test' } })).status, 200);
  });

  it('follows redirects unless followRedirects is false', async (t) => {
    const target = await startUpstream(t, {
      name: 'redirecting',
      handler(request, response) {
        if (request.url === '/health') response.writeHead(302, { location: '/moved' }).end();
        else if (request.url === '/moved') response.writeHead(500).end();
        else response.writeHead(200).end(whoamiText('redirecting', request));
      },
    });
    const junction = await startJunction(t, { dynamic: checkedService([target.url]) });
    // The redirect leads to a 500: followed, the server is DOWN.
    await junction.waitForOutput(/server status changed.*DOWN/);

    const from = junction.output().length;
    await junction.writeDynamic(checkedService([target.url], ', followRedirects: false'));
    await junction.waitForOutput(/configuration applied/, { from });
    await new Promise((resolve) => setTimeout(resolve, 1000));

    // Not followed, the 302 itself counts as healthy: the server stays in the rotation.
    assert.doesNotMatch(junction.output().slice(from), /Health check failed/);
    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'hc.test' } })).status, 200);
  });

  it('keeps health status across a reload that leaves the service unchanged', async (t) => {
    const a = await startCheckedUpstream(t, 'a');
    const b = await startCheckedUpstream(t, 'b');
    const dynamic = checkedService([a.url, b.url]).replace('interval: 200ms', 'interval: 300ms, unhealthyInterval: 60s');
    const junction = await startJunction(t, { dynamic });
    b.healthy = false;
    await junction.waitForOutput(/server status changed.*DOWN/);
    b.healthy = true; // Not checked again for a minute: only kept state can keep it out.

    const from = junction.output().length;
    await junction.writeDynamic(`${dynamic}    other:\n      loadBalancer:\n        servers: [{ url: "${a.url}" }]\n`);
    await junction.waitForOutput(/configuration applied/, { from });

    assert.deepEqual(await whoAnswers(`${junction.url('web')}/`, 'hc.test', 4), ['a', 'a', 'a', 'a']);
  });

  it('runs checks in the primary with --workers and every worker follows', async (t) => {
    const a = await startCheckedUpstream(t, 'a');
    const b = await startCheckedUpstream(t, 'b');
    const junction = await startJunction(t, { dynamic: checkedService([a.url, b.url]), args: ['--workers=2'] });
    b.healthy = false;
    await junction.waitForOutput(/server status changed.*DOWN/);
    await new Promise((resolve) => setTimeout(resolve, 300));

    assert.deepEqual(new Set(await whoAnswers(`${junction.url('web')}/`, 'hc.test', 20)), new Set(['a']));
    const probes = b.requests.filter((request) => request.url === '/health').length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // One checker (the primary's), not one per worker: about five probes a second, far from fifteen.
    assert.ok(b.requests.filter((request) => request.url === '/health').length - probes <= 8);
  });
});

describe('loadBalancer healthCheck, mode grpc', () => {
  it('asks grpc.health.v1.Health over h2c on the configured port and takes a NOT_SERVING server out', async (t) => {
    let serving = 1;
    const health = createH2cServer();
    health.on('stream', (stream) => {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, serving]));
      });
    });
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => health.close(resolve)));
    const a = await startUpstream(t, { name: 'a' });
    const b = await startUpstream(t, { name: 'b' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`hc.test\`)", service: app }
  services:
    app:
      loadBalancer:
        servers: [{ url: "${a.url}" }]
        healthCheck: { mode: grpc, port: ${(health.address() as AddressInfo).port}, interval: 200ms }
    other:
      loadBalancer:
        servers: [{ url: "${b.url}" }]
`,
    });

    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'hc.test' } })).status, 200);
    serving = 2;
    await junction.waitForOutput(/Health check failed\..*checking gRPC health: received gRPC status code: NOT_SERVING/);
    await until(async () => (await get(`${junction.url('web')}/`, { headers: { host: 'hc.test' } })).status === 503);
    serving = 1;
    await until(async () => (await get(`${junction.url('web')}/`, { headers: { host: 'hc.test' } })).status === 200);
  });

  it('checks over HTTP/2 in clear with scheme h2c, whatever the server URL says', async (t) => {
    let healthy = true;
    const seen: string[] = [];
    const h2c = createH2cServer((request, response) => {
      seen.push(`${request.httpVersion} ${request.url}`);
      response.writeHead(healthy ? 200 : 503).end();
    });
    // Junction keeps its HTTP/2 connection open between checks: closing the server ends it.
    const sessions = new Set<ServerHttp2Session>();
    h2c.on('session', (session) => sessions.add(session));
    await new Promise<void>((resolve) => h2c.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => {
      h2c.close(resolve);
      for (const session of sessions) session.destroy();
    }));
    const a = await startUpstream(t, { name: 'a' });
    const junction = await startJunction(t, { dynamic: checkedService([a.url], `, scheme: h2c, port: ${(h2c.address() as AddressInfo).port}`) });

    await until(async () => seen.length > 0, { message: 'an h2c health check' });
    assert.equal(seen[0], '2.0 /health');
    assert.deepEqual(await whoAnswers(`${junction.url('web')}/`, 'hc.test', 2), ['a', 'a']);
    healthy = false;
    await until(async () => (await get(`${junction.url('web')}/`, { headers: { host: 'hc.test' } })).status === 503, { message: 'the server taken out' });
  });
});
