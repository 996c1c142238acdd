import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { describe, it, type TestContext } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction, type JunctionProcess } from '../../support/junction.js';
import { withMiddlewares } from '../../support/middleware.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** Sends a request with a chunked body (no Content-Length) and reads the whole answer. */
function postChunked(url: string, chunks: readonly string[]): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(url, { method: 'POST', agent: false, headers: { 'transfer-encoding': 'chunked' } }, (response) => {
      const received: Buffer[] = [];
      response.on('data', (chunk: Buffer) => received.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(received).toString(), headers: response.headers }));
    });
    call.on('error', reject);
    for (const chunk of chunks) call.write(chunk);
    call.end();
  });
}

/** An upstream answering `body` with the given status, chunked unless `contentLength` is set. */
function answering(t: TestContext, body: Buffer | string, options: { status?: number; contentLength?: boolean; headers?: Record<string, string> } = {}): Promise<Upstream> {
  return startUpstream(t, {
    handler: (_request, response) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream', ...options.headers };
      if (options.contentLength === true) headers['content-length'] = Buffer.byteLength(body);
      response.writeHead(options.status ?? 200, headers);
      response.end(body);
    },
  });
}

/** Starts Junction with router `app` → the middlewares → a service with `servers`, in order. */
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

describe('buffering', () => {
  it('sends the request body upstream with its length, no longer chunked', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'buffer:\n  buffering: {}', ['buffer']);

    const response = await postChunked(`${junction.url('web')}/`, ['hello ', 'buffered ', 'world']);

    assert.equal(response.status, 200);
    assert.equal(upstream.lastRequest.body.toString(), 'hello buffered world');
    assert.equal(upstream.lastRequest.headers['content-length'], '20');
    assert.equal(upstream.lastRequest.headers['transfer-encoding'], undefined);
  });

  it('passes a request without a body as it is', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'buffer:\n  buffering: {}', ['buffer']);

    const response = await get(`${junction.url('web')}/path?query=1`);

    assert.equal(response.status, 200);
    assert.equal(upstream.lastRequest.url, '/path?query=1');
    assert.equal(upstream.lastRequest.headers['content-length'], undefined);
  });

  it('refuses with 413 a request whose declared length is over maxRequestBodyBytes, without calling the service', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'buffer:\n  buffering:\n    maxRequestBodyBytes: 10', ['buffer']);

    const response = await get(`${junction.url('web')}/`, { method: 'POST', body: '12345678901' });

    assert.equal(response.status, 413);
    assert.equal(response.body, 'Request Entity Too Large');
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(upstream.requests.length, 0);
  });

  it('refuses with 413 a chunked request body that grows over maxRequestBodyBytes', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'buffer:\n  buffering:\n    maxRequestBodyBytes: 10', ['buffer']);

    const response = await postChunked(`${junction.url('web')}/`, ['123456', '78901']);

    assert.equal(response.status, 413);
    assert.equal(upstream.requests.length, 0);
  });

  it('accepts a body of exactly maxRequestBodyBytes', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'buffer:\n  buffering:\n    maxRequestBodyBytes: 10', ['buffer']);

    const response = await postChunked(`${junction.url('web')}/`, ['12345', '67890']);

    assert.equal(response.status, 200);
    assert.equal(upstream.lastRequest.body.toString(), '1234567890');
  });

  it('answers 500 without the service\'s headers when the response is over maxResponseBodyBytes', async (t) => {
    const upstream = await answering(t, 'x'.repeat(127), { headers: { 'x-from-upstream': 'yes' } });
    const { junction } = await withMiddlewares(t, 'buffer:\n  buffering:\n    maxResponseBodyBytes: 1', ['buffer'], { upstream });

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 500);
    assert.equal(response.body, 'Internal Server Error');
    assert.equal(response.headers['x-from-upstream'], undefined);
  });

  it('delivers a response of exactly maxResponseBodyBytes', async (t) => {
    const upstream = await answering(t, 'x'.repeat(127));
    const { junction } = await withMiddlewares(t, 'buffer:\n  buffering:\n    maxResponseBodyBytes: 127', ['buffer'], { upstream });

    assert.equal((await get(`${junction.url('web')}/`)).status, 200);
  });

  it('keeps a request body over memRequestBodyBytes on disk and sends it whole', async (t) => {
    const upstream = await startUpstream(t);
    const { junction } = await withMiddlewares(t, 'buffer:\n  buffering:\n    memRequestBodyBytes: 1024', ['buffer'], { upstream });
    const body = Buffer.alloc(3 * 1024 * 1024, 'abcdefghij');

    const response = await get(`${junction.url('web')}/`, { method: 'PUT', body });

    assert.equal(response.status, 200);
    assert.equal(sha256(upstream.lastRequest.body), sha256(body));
    assert.equal(upstream.lastRequest.headers['content-length'], String(body.length));
  });

  it('keeps a response over memResponseBodyBytes on disk and sends it whole', async (t) => {
    const body = Buffer.alloc(3 * 1024 * 1024, '0123456789');
    const upstream = await answering(t, body);
    const { junction } = await withMiddlewares(t, 'buffer:\n  buffering:\n    memResponseBodyBytes: 1024', ['buffer'], { upstream });

    const received = await new Promise<Buffer>((resolve, reject) => {
      httpRequest(`${junction.url('web')}/`, { agent: false }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject).end();
    });

    assert.equal(sha256(received), sha256(body));
  });

  it('sends nothing to the client before the whole response arrived', async (t) => {
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('first part, ');
        setTimeout(() => response.end('last part'), 300);
      },
    });
    const { junction } = await withMiddlewares(t, 'buffer:\n  buffering: {}', ['buffer'], { upstream });

    const started = Date.now();
    const headersAfter = await new Promise<number>((resolve, reject) => {
      httpRequest(`${junction.url('web')}/`, { agent: false }, (response) => {
        resolve(Date.now() - started);
        response.resume();
      }).on('error', reject).end();
    });

    assert.ok(headersAfter >= 280, `headers after ${headersAfter} ms`);
  });

  it('gives a small response a Content-Length and leaves a larger one chunked, as Go\'s server does', async (t) => {
    const small = await answering(t, 'x'.repeat(2048));
    const large = await answering(t, 'x'.repeat(2049));
    const smallRun = await withMiddlewares(t, 'buffer:\n  buffering: {}', ['buffer'], { upstream: small });
    const largeRun = await withMiddlewares(t, 'buffer:\n  buffering: {}', ['buffer'], { upstream: large });

    const smallResponse = await get(`${smallRun.junction.url('web')}/`);
    const largeResponse = await get(`${largeRun.junction.url('web')}/`);

    assert.equal(smallResponse.headers['content-length'], '2048');
    assert.equal(largeResponse.headers['content-length'], undefined);
    assert.equal(largeResponse.headers['transfer-encoding'], 'chunked');
    assert.equal(largeResponse.body.length, 2049);
  });

  it('keeps the service\'s status and headers', async (t) => {
    const upstream = await answering(t, 'created', { status: 201, contentLength: true, headers: { 'x-from-upstream': 'yes' } });
    const { junction } = await withMiddlewares(t, 'buffer:\n  buffering: {}', ['buffer'], { upstream });

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 201);
    assert.equal(response.body, 'created');
    assert.equal(response.headers['x-from-upstream'], 'yes');
    assert.equal(response.headers['content-length'], '7');
  });

  it('replays the request to another server while the retryExpression holds', async (t) => {
    const dead = await startUpstream(t);
    await dead.close();
    const alive = await startUpstream(t);
    const junction = await startWith(t, 'buffer:\n  buffering:\n    retryExpression: "IsNetworkError() && Attempts() < 2"', ['buffer'], [dead.url, alive.url]);

    const response = await get(`${junction.url('web')}/`, { method: 'POST', body: 'replayed body' });

    assert.equal(response.status, 200);
    assert.equal(alive.lastRequest.body.toString(), 'replayed body');
  });

  it('sends the body again on each attempt and delivers the last response once the expression no longer holds', async (t) => {
    let count = 0;
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        count++;
        response.writeHead(503, { 'content-type': 'text/plain' });
        response.end(`attempt ${count}`);
      },
    });
    const { junction } = await withMiddlewares(t, 'buffer:\n  buffering:\n    retryExpression: "ResponseCode() == 503 && Attempts() <= 2"', ['buffer'], { upstream });

    const response = await get(`${junction.url('web')}/`, { method: 'POST', body: 'payload' });

    assert.equal(response.status, 503);
    assert.equal(response.body, 'attempt 3');
    assert.deepEqual(upstream.requests.map((request) => request.body.toString()), ['payload', 'payload', 'payload']);
  });

  it('replays at most ten times', async (t) => {
    const upstream = await answering(t, 'unavailable', { status: 503 });
    const { junction } = await withMiddlewares(t, 'buffer:\n  buffering:\n    retryExpression: "ResponseCode() == 503"', ['buffer'], { upstream });

    assert.equal((await get(`${junction.url('web')}/`)).status, 503);
    assert.equal(upstream.requests.length, 11);
  });

  it('selects requests to replay by method', async (t) => {
    const upstream = await answering(t, 'unavailable', { status: 503 });
    const { junction } = await withMiddlewares(t, 'buffer:\n  buffering:\n    retryExpression: "RequestMethod() == \\"GET\\" && Attempts() < 2"', ['buffer'], { upstream });

    await get(`${junction.url('web')}/`, { method: 'POST', body: 'once' });
    assert.equal(upstream.requests.length, 1);
    await get(`${junction.url('web')}/`);
    assert.equal(upstream.requests.length, 3);
  });

  it('sends no body for a HEAD request', async (t) => {
    const upstream = await answering(t, 'body', { contentLength: true });
    const { junction } = await withMiddlewares(t, 'buffer:\n  buffering: {}', ['buffer'], { upstream });

    const response = await get(`${junction.url('web')}/`, { method: 'HEAD' });

    assert.equal(response.status, 200);
    assert.equal(response.body, '');
    assert.equal(response.headers['content-length'], '4');
  });
});
