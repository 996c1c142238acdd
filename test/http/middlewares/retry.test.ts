import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';

/** A URL nothing listens on: connections are refused. */
async function deadUrl(t: TestContext): Promise<string> {
  const dead = await startUpstream(t);
  await dead.close();
  return dead.url;
}

/** Starts Junction with router `app` → `middlewares` (YAML) `names` → a service with `servers`, in order. */
function startWith(t: TestContext, middlewares: string, names: readonly string[], servers: readonly string[]): Promise<JunctionProcess> {
  return startJunction(t, {
    dynamic: `
http:
  routers:
    app:
      rule: "PathPrefix(\`/\`)"
      middlewares: [${names.join(', ')}]
      service: app
  middlewares:
${middlewares.replace(/^/gm, '    ')}
  services:
    app:
      loadBalancer:
        servers: [${servers.map((url) => `{ url: "${url}" }`).join(', ')}]
`,
  });
}

/** An upstream answering the statuses in turn (the last one again once they are used up), each with `X-Attempt-<n>`. */
function sequenceUpstream(t: TestContext, statuses: readonly number[], delayMs = 0): Promise<Upstream> {
  let count = 0;
  return startUpstream(t, {
    handler: (_request, response, body) => {
      const status = statuses[Math.min(count, statuses.length - 1)]!;
      count++;
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'text/plain', [`x-attempt-${count}`]: 'value' });
        response.end(`attempt ${count}: ${body.toString()}`);
      }, delayMs);
    },
  });
}

/** Number of "new attempt" log lines Junction wrote. */
function retriesLogged(junction: JunctionProcess): number {
  return (junction.output().match(/new attempt \d+ for request/g) ?? []).length;
}

describe('retry', () => {
  it('retries a network error on the next server and answers from the working one', async (t) => {
    const alive = await startUpstream(t);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 2', ['r'], [await deadUrl(t), alive.url]);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(`${junction.url('web')}/`)).status);

    assert.deepEqual(statuses, [200, 200, 200, 200]);
    assert.equal(alive.requests.length, 4);
  });

  it('answers 502 once the attempts are used up', async (t) => {
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3', ['r'], [await deadUrl(t)]);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 502);
    assert.equal(retriesLogged(junction), 2);
  });

  it('does not retry with a single attempt', async (t) => {
    const alive = await startUpstream(t);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 1', ['r'], [await deadUrl(t), alive.url]);

    assert.equal((await get(`${junction.url('web')}/`)).status, 502);
    assert.equal(alive.requests.length, 0);
  });

  it('does not retry a server that answered, whatever its status', async (t) => {
    const upstream = await sequenceUpstream(t, [500, 200]);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3', ['r'], [upstream.url]);

    assert.equal((await get(`${junction.url('web')}/`)).status, 500);
    assert.equal(upstream.requests.length, 1);
  });

  it('does not retry when the connection breaks after the request went out', async (t) => {
    let received = 0;
    const server: Server = createServer((request) => {
      received++;
      request.socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3', ['r'], [`http://127.0.0.1:${(server.address() as AddressInfo).port}`]);

    assert.equal((await get(`${junction.url('web')}/`)).status, 502);
    assert.equal(received, 1);
  });

  it('retries on the listed status codes and keeps only the headers of the attempt it delivers', async (t) => {
    const upstream = await sequenceUpstream(t, [503, 200]);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3\n    status: ["503"]', ['r'], [upstream.url]);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 200);
    assert.equal(response.body, 'attempt 2: ');
    assert.equal(response.headers['x-attempt-2'], 'value');
    assert.equal(response.headers['x-attempt-1'], undefined);
    assert.equal(upstream.requests.length, 2);
  });

  it('retries on status ranges', async (t) => {
    const upstream = await sequenceUpstream(t, [500, 502, 503, 200]);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 4\n    status: ["500-599"]', ['r'], [upstream.url]);

    assert.equal((await get(`${junction.url('web')}/`)).status, 200);
    assert.equal(upstream.requests.length, 4);
  });

  it('delivers the last attempt\'s answer when every attempt has a listed status', async (t) => {
    const upstream = await sequenceUpstream(t, [503]);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3\n    status: ["503"]', ['r'], [upstream.url]);

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 503);
    assert.equal(response.body, 'attempt 3: ');
    assert.equal(upstream.requests.length, 3);
  });

  it('sends the request body again on each attempt', async (t) => {
    const upstream = await sequenceUpstream(t, [503, 200]);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3\n    status: ["503"]', ['r'], [upstream.url]);

    const response = await get(`${junction.url('web')}/`, { method: 'PUT', body: 'test request body' });

    assert.equal(response.status, 200);
    assert.deepEqual(upstream.requests.map((request) => request.body.toString()), ['test request body', 'test request body']);
    assert.equal(upstream.requests[1]!.headers['content-length'], '17');
  });

  it('does not retry a POST on a status by default', async (t) => {
    const upstream = await sequenceUpstream(t, [503, 200]);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3\n    status: ["503"]', ['r'], [upstream.url]);

    const response = await get(`${junction.url('web')}/`, { method: 'POST', body: 'test request body' });

    assert.equal(response.status, 503);
    assert.equal(upstream.lastRequest.body.toString(), 'test request body');
  });

  it('retries a POST on a status with retryNonIdempotentMethod', async (t) => {
    const upstream = await sequenceUpstream(t, [503, 200]);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3\n    status: ["503"]\n    retryNonIdempotentMethod: true', ['r'], [upstream.url]);

    const response = await get(`${junction.url('web')}/`, { method: 'POST', body: 'test request body' });

    assert.equal(response.status, 200);
    assert.deepEqual(upstream.requests.map((request) => request.body.toString()), ['test request body', 'test request body']);
  });

  it('does not retry on a status a body larger than maxRequestBodyBytes, and still sends it whole', async (t) => {
    const upstream = await sequenceUpstream(t, [502, 200]);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3\n    status: ["502"]\n    maxRequestBodyBytes: 8', ['r'], [upstream.url]);

    const response = await get(`${junction.url('web')}/`, { method: 'PUT', body: 'test request body' });

    assert.equal(response.status, 502);
    assert.equal(upstream.requests.length, 1);
    assert.equal(upstream.lastRequest.body.toString(), 'test request body');
  });

  it('retries a network error of a POST, sending its streamed body to the working server', async (t) => {
    const alive = await startUpstream(t);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 2', ['r'], [await deadUrl(t), alive.url]);

    const response = await get(`${junction.url('web')}/`, { method: 'POST', body: 'x'.repeat(100_000) });

    assert.equal(response.status, 200);
    assert.equal(alive.lastRequest.body.length, 100_000);
  });

  it('does not retry network errors with disableRetryOnNetworkError', async (t) => {
    const alive = await startUpstream(t);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3\n    status: ["503"]\n    disableRetryOnNetworkError: true', ['r'], [await deadUrl(t), alive.url]);

    assert.equal((await get(`${junction.url('web')}/`)).status, 502);
    assert.equal(alive.requests.length, 0);
  });

  it('retries the 502 of a network error when 502 is a listed status, even with disableRetryOnNetworkError', async (t) => {
    const alive = await startUpstream(t);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3\n    status: ["502"]\n    disableRetryOnNetworkError: true', ['r'], [await deadUrl(t), alive.url]);

    assert.equal((await get(`${junction.url('web')}/`)).status, 200);
  });

  it('stops retrying once the timeout passed', async (t) => {
    const upstream = await sequenceUpstream(t, [503], 100);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 5\n    status: ["503"]\n    timeout: 50ms', ['r'], [upstream.url]);

    assert.equal((await get(`${junction.url('web')}/`)).status, 503);
    assert.equal(upstream.requests.length, 1);
  });

  it('waits between attempts when initialInterval is set', async (t) => {
    const upstream = await sequenceUpstream(t, [503]);
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3\n    status: ["503"]\n    initialInterval: 200ms', ['r'], [upstream.url]);

    const started = Date.now();
    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 503);
    assert.equal(upstream.requests.length, 3);
    // Two waits of at least half the interval each, the second grown by √2.
    assert.ok(Date.now() - started >= 100 + 141, `took ${Date.now() - started} ms`);
  });

  it('runs the middlewares after it again on each attempt, from the request as it reached it', async (t) => {
    const upstream = await sequenceUpstream(t, [503, 200]);
    const junction = await startWith(
      t,
      'r:\n  retry:\n    attempts: 3\n    status: ["503"]\nprefix:\n  addPrefix:\n    prefix: /api\nstrip:\n  stripPrefix:\n    prefixes: [/test]',
      ['r', 'strip', 'prefix'],
      [upstream.url],
    );

    assert.equal((await get(`${junction.url('web')}/test/x`)).status, 200);
    assert.deepEqual(upstream.requests.map((request) => request.path), ['/api/x', '/api/x']);
    assert.deepEqual(upstream.requests.map((request) => request.headers['x-forwarded-prefix']), ['/test', '/test']);
  });

  it('does not treat an answer made before the proxy as a network error', async (t) => {
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3', ['r'], []);

    assert.equal((await get(`${junction.url('web')}/`)).status, 503);
    assert.equal(retriesLogged(junction), 0);
  });

  it('retries an answer made before the proxy when its status is listed', async (t) => {
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3\n    status: ["503"]', ['r'], []);

    assert.equal((await get(`${junction.url('web')}/`)).status, 503);
    assert.equal(retriesLogged(junction), 2);
  });

  it('retries a WebSocket upgrade on a network error and relays the connection', async (t) => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    t.after(() => {
      for (const socket of server.clients) socket.terminate();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    server.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo: ${data.toString()}`)));
    const port = (server.address() as AddressInfo).port;
    const junction = await startWith(t, 'r:\n  retry:\n    attempts: 3', ['r'], [await deadUrl(t), `http://127.0.0.1:${port}`]);

    const client = new WebSocket(`ws://127.0.0.1:${junction.ports.web}/echo`);
    t.after(() => client.terminate());
    await new Promise((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    const reply = new Promise<string>((resolve) => client.once('message', (data) => resolve(data.toString())));
    client.send('ping');

    assert.equal(await reply, 'echo: ping');
  });
});
