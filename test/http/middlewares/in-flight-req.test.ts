import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { get, type SimpleResponse } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { withMiddlewares } from '../../support/middleware.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

/** An upstream that answers `/hold` only when the test releases it, and everything else at once. */
async function holdingUpstream(t: TestContext): Promise<{ upstream: Upstream; held: ServerResponse[]; releaseAll(): void }> {
  const held: ServerResponse[] = [];
  const upstream = await startUpstream(t, {
    handler: (request, response) => {
      if (request.url?.startsWith('/hold') === true) {
        held.push(response);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
    },
  });
  const releaseAll = (): void => {
    for (const response of held.splice(0)) {
      if (!response.headersSent) response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('released');
    }
  };
  t.after(releaseAll);
  return { upstream, held, releaseAll };
}

/** Sends one GET from a chosen local address (the whole 127/8 block is loopback on Linux). */
function getFrom(url: string, localAddress: string): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(url, { localAddress, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
    });
    call.on('error', reject);
    call.end();
  });
}

describe('inFlightReq', () => {
  it('amount 2: refuses a third concurrent request with 429 "max connections reached: 2", and serves again once one ends', async (t) => {
    const { upstream, held, releaseAll } = await holdingUpstream(t);
    const { junction } = await withMiddlewares(t, 'limit:\n  inFlightReq:\n    amount: 2', ['limit'], { upstream });
    const url = junction.url('web');

    const first = get(`${url}/hold`);
    const second = get(`${url}/hold`);
    await until(() => held.length === 2);
    const refused = await get(`${url}/other`);
    releaseAll();
    const answers = await Promise.all([first, second]);
    const after = await get(`${url}/other`);

    assert.equal(refused.status, 429);
    assert.equal(refused.body, 'max connections reached: 2');
    assert.equal(refused.headers['content-type'], 'text/plain; charset=utf-8');
    assert.deepEqual(answers.map((answer) => answer.status), [200, 200]);
    assert.equal(after.status, 200);
  });

  it('counts per request host by default: another Host is not limited', async (t) => {
    const { upstream, held } = await holdingUpstream(t);
    const { junction } = await withMiddlewares(t, 'limit:\n  inFlightReq:\n    amount: 1', ['limit'], { upstream });
    const url = junction.url('web');

    void get(`${url}/hold`, { headers: { host: 'a.test' } }).catch(() => undefined);
    await until(() => held.length === 1);

    assert.equal((await get(`${url}/`, { headers: { host: 'a.test' } })).status, 429);
    assert.equal((await get(`${url}/`, { headers: { host: 'a.test:80' } })).status, 200);
    assert.equal((await get(`${url}/`, { headers: { host: 'b.test' } })).status, 200);
  });

  it('counts per client IP with an empty ipStrategy', async (t) => {
    const { upstream, held } = await holdingUpstream(t);
    const { junction } = await withMiddlewares(t, 'limit:\n  inFlightReq:\n    amount: 1\n    sourceCriterion:\n      ipStrategy: {}', ['limit'], { upstream });
    const url = junction.url('web');

    void getFrom(`${url}/hold`, '127.0.0.1').catch(() => undefined);
    await until(() => held.length === 1);

    assert.equal((await getFrom(`${url}/`, '127.0.0.1')).status, 429);
    assert.equal((await get(`${url}/`, { headers: { host: 'other.test' } })).status, 429);
    assert.equal((await getFrom(`${url}/`, '127.0.0.2')).status, 200);
  });

  it('counts per header value with requestHeaderName', async (t) => {
    const { upstream, held } = await holdingUpstream(t);
    const { junction } = await withMiddlewares(t, 'limit:\n  inFlightReq:\n    amount: 1\n    sourceCriterion:\n      requestHeaderName: X-Tenant', ['limit'], { upstream });
    const url = junction.url('web');

    void get(`${url}/hold`, { headers: { 'x-tenant': 'alice' } }).catch(() => undefined);
    await until(() => held.length === 1);

    assert.equal((await get(`${url}/`, { headers: { 'x-tenant': 'alice' } })).status, 429);
    assert.equal((await get(`${url}/`, { headers: { 'x-tenant': 'bob' } })).status, 200);
    assert.equal((await get(`${url}/`)).status, 200);
  });

  it('lets requests one after the other through with amount 1', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'limit:\n  inFlightReq:\n    amount: 1', ['limit']);

    for (let i = 0; i < 5; i++) assert.equal((await get(`${junction.url('web')}/`)).status, 200);
    assert.equal(upstream.requests.length, 5);
  });

  it('refuses every request when amount is 0 or not set, as Traefik does', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'zero:\n  inFlightReq:\n    amount: 0\nunset:\n  inFlightReq: {}', ['unset']);

    const refused = await get(`${junction.url('web')}/`);

    assert.equal(refused.status, 429);
    assert.equal(refused.body, 'max connections reached: 0');
    assert.equal(upstream.requests.length, 0);
  });

  it('holds the slot until the whole response body is sent, not only its headers', async (t) => {
    const { upstream, held, releaseAll } = await holdingUpstream(t);
    const { junction } = await withMiddlewares(t, 'limit:\n  inFlightReq:\n    amount: 1', ['limit'], { upstream });
    const url = junction.url('web');
    const streaming = new Promise<number>((resolve, reject) => {
      httpRequest(`${url}/hold`, { agent: false }, (response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
      }).on('error', reject).end();
    });
    await until(() => held.length === 1);
    held[0]!.writeHead(200, { 'content-type': 'text/plain' });
    held[0]!.write('first part');

    assert.equal(await streaming, 200);
    assert.equal((await get(`${url}/`)).status, 429);
    releaseAll();
    await until(async () => (await get(`${url}/`)).status === 200);
  });

  it('frees the slot when the client goes away before the answer', async (t) => {
    const { upstream, held } = await holdingUpstream(t);
    const { junction } = await withMiddlewares(t, 'limit:\n  inFlightReq:\n    amount: 1', ['limit'], { upstream });
    const url = junction.url('web');
    const call = httpRequest(`${url}/hold`, { agent: false });
    call.on('error', () => undefined);
    call.end();
    await until(() => held.length === 1);
    assert.equal((await get(`${url}/`)).status, 429);

    call.destroy();

    await until(async () => (await get(`${url}/`)).status === 200);
  });

  it('frees the slot when the upstream fails', async (t) => {
    const broken = await startUpstream(t, { handler: (_request, response) => response.socket?.destroy() });
    const { junction } = await withMiddlewares(t, 'limit:\n  inFlightReq:\n    amount: 1', ['limit'], { upstream: broken });

    const answers = [(await get(`${junction.url('web')}/`)).status, (await get(`${junction.url('web')}/`)).status];

    assert.deepEqual(answers, [502, 502]);
  });

  it('frees the slot of each attempt when a retry before it tries again, as Go frees it when the handler returns', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "PathPrefix(\`/\`)", middlewares: [again, limit], service: app }
  middlewares:
    again: { retry: { attempts: 2 } }
    limit: { inFlightReq: { amount: 1 } }
  services:
    app: { loadBalancer: { servers: [{ url: "http://127.0.0.1:9" }, { url: "${upstream.url}" }] } }
`,
    });

    const answers = [(await get(`${junction.url('web')}/`)).status, (await get(`${junction.url('web')}/`)).status];

    assert.deepEqual(answers, [200, 200]);
    assert.equal(upstream.requests.length, 2);
  });

  it('keeps its counts across a reload that leaves its definition unchanged, and starts afresh when it changes', async (t) => {
    const { upstream, held, releaseAll } = await holdingUpstream(t);
    const config = (extra: string, amount: number): string => `
http:
  routers:
    app: { rule: "Host(\`app.test\`)", middlewares: [limit], service: app }
${extra}
  middlewares:
    limit: { inFlightReq: { amount: ${amount} } }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`;
    const junction = await startJunction(t, { dynamic: config('', 1) });
    const url = junction.url('web');
    const headers = { host: 'app.test' };
    const first = get(`${url}/hold`, { headers });
    await until(() => held.length === 1);

    let mark = junction.output().length;
    await junction.writeDynamic(config('    other: { rule: "Host(`other.test`)", service: app }', 1));
    await junction.waitForOutput(/configuration applied/, { from: mark });
    assert.equal((await get(`${url}/`, { headers: { host: 'other.test' } })).status, 200);
    assert.equal((await get(`${url}/`, { headers })).status, 429);
    releaseAll();
    assert.equal((await first).status, 200);
    await until(async () => (await get(`${url}/`, { headers })).status === 200);

    const second = get(`${url}/hold`, { headers });
    await until(() => held.length === 1);
    mark = junction.output().length;
    await junction.writeDynamic(config('    other: { rule: "Host(`other.test`)", service: app }', 2));
    await junction.waitForOutput(/configuration applied/, { from: mark });
    assert.equal((await get(`${url}/`, { headers })).status, 200);
    releaseAll();
    assert.equal((await second).status, 200);
  });
});
