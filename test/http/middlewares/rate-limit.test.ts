import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import { Client } from 'undici';
import { get, type SimpleResponse } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { withMiddlewares } from '../../support/middleware.js';
import { startUpstream } from '../../support/upstream.js';

/** A Go `time.Duration` as `String()` writes it. */
const goDuration = /^(\d+h)?(\d+m)?\d+(\.\d+)?(s|ms|µs|ns)$/;

/** Sends `count` requests one after the other and lists the statuses. */
async function statuses(url: string, count: number, headers: Record<string, string> = {}): Promise<number[]> {
  const result: number[] = [];
  for (let i = 0; i < count; i++) result.push((await get(url, { headers })).status);
  return result;
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

/** Static configuration whose entryPoint trusts X-Forwarded-For, so ipStrategy can read it. */
const trustingStatic = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
    forwardedHeaders:
      insecure: true
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

describe('rateLimit', () => {
  it('average 1, burst 5: five requests pass at once, then 429 with Retry-After 1, X-Retry-In and "Too Many Requests"', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 1\n    burst: 5', ['limit']);

    const answers: SimpleResponse[] = [];
    for (let i = 0; i < 7; i++) answers.push(await get(`${junction.url('web')}/`));

    assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 200, 200, 200, 429, 429]);
    assert.equal(upstream.requests.length, 5);
    const refused = answers[5]!;
    assert.equal(refused.body, 'Too Many Requests');
    assert.equal(refused.headers['retry-after'], '1');
    assert.match(String(refused.headers['x-retry-in']), goDuration);
    assert.equal(refused.headers['content-type'], 'text/plain; charset=utf-8');
  });

  it('holds a request that a token will serve within maxDelay, then forwards it', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 1\n    burst: 1', ['limit']);
    const url = `${junction.url('web')}/`;

    assert.equal((await get(url)).status, 200);
    // At 1 token a second the next token comes 1s after the first; maxDelay is 500ms.
    const refused = await get(url);
    assert.equal(refused.status, 429);
    const waitMs = Number(/^(\d+(?:\.\d+)?)ms$/.exec(String(refused.headers['x-retry-in']))?.[1]);
    await new Promise((resolve) => setTimeout(resolve, waitMs - 450));
    const sentAt = Date.now();
    const held = await get(url);
    const answeredAfter = Date.now() - sentAt;

    assert.equal(held.status, 200);
    assert.equal(upstream.requests.length, 2);
    assert.ok(answeredAfter >= 250 && answeredAfter < 1000, `answered after ${answeredAfter}ms`);
  });

  it('drops a held request whose client leaves before its token comes: the upstream never sees it', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 1\n    burst: 1', ['limit']);
    const url = `${junction.url('web')}/`;
    const firstSentAt = Date.now();
    assert.equal((await get(url)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, firstSentAt + 600 - Date.now()));

    const call = httpRequest(url, { agent: false });
    call.on('error', () => undefined);
    call.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    call.destroy();
    // The held request would have gone on 400ms after it was sent.
    await new Promise((resolve) => setTimeout(resolve, 600));

    assert.equal(upstream.requests.length, 1);
  });

  it('does not limit when average is 0', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 0\n    burst: 1', ['limit']);

    const answers = await statuses(`${junction.url('web')}/`, 20);

    assert.deepEqual(answers, new Array(20).fill(200));
    assert.equal(upstream.requests.length, 20);
  });

  it('treats burst 0 as burst 1, as Traefik raises it', async (t) => {
    const { junction } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 1\n    burst: 0', ['limit']);

    assert.deepEqual(await statuses(`${junction.url('web')}/`, 3), [200, 429, 429]);
  });

  it('defaults burst to 1 and period to 1s', async (t) => {
    const { junction } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 1', ['limit']);

    const first = await get(`${junction.url('web')}/`);
    const second = await get(`${junction.url('web')}/`);

    assert.equal(first.status, 200);
    assert.equal(second.status, 429);
    assert.equal(second.headers['retry-after'], '1');
  });

  it('divides average by period: average 1, period 3s refuses with Retry-After 3', async (t) => {
    const { junction } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 1\n    period: 3s\n    burst: 2', ['limit']);

    const answers: SimpleResponse[] = [];
    for (let i = 0; i < 3; i++) answers.push(await get(`${junction.url('web')}/`));

    assert.deepEqual(answers.map((answer) => answer.status), [200, 200, 429]);
    assert.equal(answers[2]!.headers['retry-after'], '3');
    assert.match(String(answers[2]!.headers['x-retry-in']), /^2\.\d+s$/);
  });

  it('reads a bare number as a period in seconds', async (t) => {
    const { junction } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 1\n    period: 60\n    burst: 1', ['limit']);

    await get(`${junction.url('web')}/`);
    const refused = await get(`${junction.url('web')}/`);

    assert.equal(refused.headers['retry-after'], '60');
    assert.match(String(refused.headers['x-retry-in']), /^59\.\d+s$/);
  });

  it('keeps a bucket per client IP by default', async (t) => {
    const { junction } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 1\n    burst: 2', ['limit']);
    const url = `${junction.url('web')}/`;

    const first = [(await getFrom(url, '127.0.0.1')).status, (await getFrom(url, '127.0.0.1')).status, (await getFrom(url, '127.0.0.1')).status];
    const second = [(await getFrom(url, '127.0.0.2')).status, (await getFrom(url, '127.0.0.2')).status, (await getFrom(url, '127.0.0.2')).status];

    assert.deepEqual(first, [200, 200, 429]);
    assert.deepEqual(second, [200, 200, 429]);
  });

  it('ignores X-Forwarded-For by default, even from a trusted peer', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: trustingStatic,
      dynamic: rateLimitedRouter(upstream.url, 'average: 1\n          burst: 1'),
    });
    const url = `${junction.url('web')}/`;

    assert.equal((await get(url, { headers: { 'x-forwarded-for': '10.0.0.1' } })).status, 200);
    assert.equal((await get(url, { headers: { 'x-forwarded-for': '10.0.0.2' } })).status, 429);
  });

  it('groups requests by a header with sourceCriterion.requestHeaderName; requests without it share one bucket', async (t) => {
    const { junction } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 1\n    burst: 1\n    sourceCriterion:\n      requestHeaderName: X-Api-Key', ['limit']);
    const url = `${junction.url('web')}/`;

    assert.deepEqual(await statuses(url, 2, { 'x-api-key': 'alice' }), [200, 429]);
    assert.deepEqual(await statuses(url, 2, { 'x-api-key': 'bob' }), [200, 429]);
    assert.deepEqual(await statuses(url, 1), [200]);
    assert.deepEqual(await statuses(url, 1, { 'x-api-key': '' }), [429]);
  });

  it('groups requests by Host, port included, with sourceCriterion.requestHost', async (t) => {
    const { junction } = await withMiddlewares(t, 'limit:\n  rateLimit:\n    average: 1\n    burst: 1\n    sourceCriterion:\n      requestHost: true', ['limit']);
    const url = `${junction.url('web')}/`;

    assert.deepEqual(await statuses(url, 2, { host: 'a.test' }), [200, 429]);
    assert.deepEqual(await statuses(url, 2, { host: 'b.test' }), [200, 429]);
    assert.deepEqual(await statuses(url, 1, { host: 'a.test:8080' }), [200]);
  });

  it('takes the client IP from X-Forwarded-For with sourceCriterion.ipStrategy.depth', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: trustingStatic,
      dynamic: rateLimitedRouter(upstream.url, 'average: 1\n          burst: 1\n          sourceCriterion:\n            ipStrategy:\n              depth: 2'),
    });
    const url = `${junction.url('web')}/`;

    assert.deepEqual(await statuses(url, 2, { 'x-forwarded-for': '10.0.0.1, 10.0.0.9' }), [200, 429]);
    assert.deepEqual(await statuses(url, 2, { 'x-forwarded-for': '10.0.0.2, 10.0.0.9' }), [200, 429]);
    assert.deepEqual(await statuses(url, 1, { 'x-forwarded-for': '10.0.0.7, 10.0.0.1, 10.0.0.8' }), [429]);
  });

  it('skips excluded proxies from the right of X-Forwarded-For with ipStrategy.excludedIPs', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: trustingStatic,
      dynamic: rateLimitedRouter(upstream.url, 'average: 1\n          burst: 1\n          sourceCriterion:\n            ipStrategy:\n              excludedIPs: ["10.9.0.0/16"]'),
    });
    const url = `${junction.url('web')}/`;

    assert.deepEqual(await statuses(url, 1, { 'x-forwarded-for': '10.0.0.1, 10.9.0.1, 10.9.0.2' }), [200]);
    assert.deepEqual(await statuses(url, 1, { 'x-forwarded-for': '10.0.0.1, 10.9.0.3' }), [429]);
    assert.deepEqual(await statuses(url, 1, { 'x-forwarded-for': '10.0.0.1, 10.0.0.2' }), [200]);
  });

  it('puts IPv6 clients of one subnet in one bucket with ipStrategy.ipv6Subnet', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: trustingStatic,
      dynamic: rateLimitedRouter(upstream.url, 'average: 1\n          burst: 1\n          sourceCriterion:\n            ipStrategy:\n              depth: 1\n              ipv6Subnet: 64'),
    });
    const url = `${junction.url('web')}/`;

    assert.deepEqual(await statuses(url, 1, { 'x-forwarded-for': '2001:db8:1:2::a' }), [200]);
    assert.deepEqual(await statuses(url, 1, { 'x-forwarded-for': '2001:db8:1:2:ffff::b' }), [429]);
    assert.deepEqual(await statuses(url, 1, { 'x-forwarded-for': '2001:db8:1:3::a' }), [200]);
  });

  it('keeps separate buckets for two routers using the same middleware', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    one: { rule: "Host(\`one.test\`)", middlewares: [limit], service: app }
    two: { rule: "Host(\`two.test\`)", middlewares: [limit], service: app }
  middlewares:
    limit: { rateLimit: { average: 1, burst: 1 } }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });
    const url = `${junction.url('web')}/`;

    assert.deepEqual(await statuses(url, 2, { host: 'one.test' }), [200, 429]);
    assert.deepEqual(await statuses(url, 2, { host: 'two.test' }), [200, 429]);
  });

  it('shares average among worker processes: with 2 workers, average 2 refills a worker\'s bucket once a second', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { dynamic: rateLimitedRouter(upstream.url, 'average: 2\n          burst: 1'), args: ['--workers=2'] });
    // One keep-alive connection stays on one worker.
    const client = new Client(junction.url('web'));
    t.after(() => client.close());
    const send = async (): Promise<{ status: number; retryIn: string }> => {
      const response = await client.request({ path: '/', method: 'GET' });
      await response.body.dump();
      return { status: response.statusCode, retryIn: String(response.headers['x-retry-in']) };
    };

    const first = await send();
    const second = await send();

    assert.equal(first.status, 200);
    assert.equal(second.status, 429);
    // A worker's bucket refills once a second (average 1 each); an undivided average 2 would refill
    // in at most 500 ms. The time between the two requests is taken off the wait, so only its bound holds.
    const waitMs = Number(/^(\d+(?:\.\d+)?)ms$/.exec(second.retryIn)?.[1]);
    assert.ok(waitMs > 500 && waitMs <= 1000, `X-Retry-In ${second.retryIn} is not in (500 ms, 1 s]`);
  });

  it('keeps its buckets across a reload that leaves its definition unchanged, and starts afresh when the definition changes', async (t) => {
    const upstream = await startUpstream(t);
    const config = (extra: string, burst: number): string => `
http:
  routers:
    app: { rule: "Host(\`app.test\`)", middlewares: [limit], service: app }
${extra}
  middlewares:
    limit: { rateLimit: { average: 1, period: 1m, burst: ${burst} } }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`;
    const junction = await startJunction(t, { dynamic: config('', 2) });
    const url = `${junction.url('web')}/`;
    const headers = { host: 'app.test' };
    assert.deepEqual(await statuses(url, 3, headers), [200, 200, 429]);

    let mark = junction.output().length;
    await junction.writeDynamic(config('    other: { rule: "Host(`other.test`)", service: app }', 2));
    await junction.waitForOutput(/configuration applied/, { from: mark });
    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'other.test' } })).status, 200);
    assert.deepEqual(await statuses(url, 1, headers), [429]);

    mark = junction.output().length;
    await junction.writeDynamic(config('    other: { rule: "Host(`other.test`)", service: app }', 3));
    await junction.waitForOutput(/configuration applied/, { from: mark });
    assert.deepEqual(await statuses(url, 4, headers), [200, 200, 200, 429]);
  });
});

/** One router `app` through the rateLimit middleware `limit` with the given options (indented for the block). */
function rateLimitedRouter(upstreamUrl: string, options: string): string {
  return `
http:
  routers:
    app:
      rule: "PathPrefix(\`/\`)"
      middlewares: [limit]
      service: app
  middlewares:
    limit:
      rateLimit:
          ${options}
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstreamUrl}" }]
`;
}
