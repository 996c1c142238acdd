import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { withMiddlewares } from '../../support/middleware.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

/** An upstream answering the status in its path (`/status/503`), 200 elsewhere. */
function statusUpstream(t: Parameters<typeof startUpstream>[0]): Promise<Upstream> {
  return startUpstream(t, {
    handler: (request, response) => {
      const status = Number(/^\/status\/(\d{3})/.exec(request.url ?? '')?.[1] ?? 200);
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(`status ${status}`);
    },
  });
}

/** An upstream whose answer the test switches at run time. */
async function switchableUpstream(t: Parameters<typeof startUpstream>[0], initial: { status: number; delayMs?: number }): Promise<{ upstream: Upstream; set: (next: { status: number; delayMs?: number }) => void }> {
  let current = initial;
  const upstream = await startUpstream(t, {
    handler: (_request, response) => {
      const { status, delayMs = 0 } = current;
      setTimeout(() => {
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(`status ${status}`);
      }, delayMs);
    },
  });
  return { upstream, set: (next) => (current = next) };
}

async function statuses(url: string, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await get(url)).status);
  return seen;
}

describe('circuitBreaker', () => {
  it('lets every request through while the expression does not hold', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'cb:\n  circuitBreaker:\n    expression: "NetworkErrorRatio() > 0.5"', ['cb']);

    assert.deepEqual(await statuses(`${junction.url('web')}/`, 5), [200, 200, 200, 200, 200]);
    assert.equal(upstream.requests.length, 5);
  });

  it('opens once network errors pass the ratio and answers 503 "Service Unavailable" without calling the service', async (t) => {
    const { upstream } = await switchableUpstream(t, { status: 502 });
    const { junction } = await withMiddlewares(t, 'cb:\n  circuitBreaker:\n    expression: "NetworkErrorRatio() > 0.5"\n    checkPeriod: 1ns', ['cb'], { upstream });

    const first = await get(`${junction.url('web')}/`);
    const second = await get(`${junction.url('web')}/`);
    const third = await get(`${junction.url('web')}/`);

    assert.equal(first.status, 502);
    assert.equal(second.status, 503);
    assert.equal(second.body, 'Service Unavailable');
    assert.equal(second.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(second.headers['content-length'], '19');
    assert.equal(third.status, 503);
    assert.equal(upstream.requests.length, 1);
  });

  it('counts the 502 Junction answers when the service cannot be reached', async (t) => {
    const dead = await startUpstream(t);
    await dead.close();
    const { junction } = await withMiddlewares(t, 'cb:\n  circuitBreaker:\n    expression: "NetworkErrorRatio() > 0.5"', ['cb'], { upstream: dead });

    assert.deepEqual(await statuses(`${junction.url('web')}/`, 3), [502, 503, 503]);
  });

  it('answers with responseCode and Go\'s text for it', async (t) => {
    const { upstream } = await switchableUpstream(t, { status: 504 });
    const { junction } = await withMiddlewares(t, 'cb:\n  circuitBreaker:\n    expression: "NetworkErrorRatio() > 0.5"\n    responseCode: 418', ['cb'], { upstream });

    await get(`${junction.url('web')}/`);
    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 418);
    assert.equal(response.body, "I'm a teapot");
  });

  it('answers an empty body for a responseCode Go has no text for', async (t) => {
    const { upstream } = await switchableUpstream(t, { status: 504 });
    const { junction } = await withMiddlewares(t, 'cb:\n  circuitBreaker:\n    expression: "NetworkErrorRatio() > 0.5"\n    responseCode: 599', ['cb'], { upstream });

    await get(`${junction.url('web')}/`);
    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 599);
    assert.equal(response.body, '');
    assert.equal(response.headers['content-length'], '0');
    assert.equal(response.headers['content-type'], undefined);
  });

  it('opens on ResponseCodeRatio only when the share is strictly above the threshold', async (t) => {
    const upstream = await statusUpstream(t);
    const { junction } = await withMiddlewares(t, 'cb:\n  circuitBreaker:\n    expression: "ResponseCodeRatio(500, 600, 0, 600) > 0.5"\n    checkPeriod: 1ns', ['cb'], { upstream });
    const web = junction.url('web');

    assert.deepEqual(await statuses(`${web}/status/200`, 10), Array(10).fill(200));
    assert.deepEqual(await statuses(`${web}/status/500`, 10), Array(10).fill(500));
    assert.deepEqual(await statuses(`${web}/status/200`, 1), [200]);
    assert.deepEqual(await statuses(`${web}/status/500`, 2), [500, 500]);
    assert.deepEqual(await statuses(`${web}/status/200`, 2), [503, 503]);
    assert.equal(upstream.requests.length, 23);
  });

  it('counts 4xx answers in the divisor only', async (t) => {
    const upstream = await statusUpstream(t);
    const { junction } = await withMiddlewares(t, 'cb:\n  circuitBreaker:\n    expression: "ResponseCodeRatio(500, 600, 0, 600) > 0.5"\n    checkPeriod: 1ns', ['cb'], { upstream });
    const web = junction.url('web');

    await statuses(`${web}/status/404`, 10);
    assert.deepEqual(await statuses(`${web}/status/500`, 9), Array(9).fill(500));
    assert.deepEqual(await statuses(`${web}/status/200`, 1), [200]);
  });

  it('evaluates the expression at most once per checkPeriod', async (t) => {
    const { upstream } = await switchableUpstream(t, { status: 502 });
    const { junction } = await withMiddlewares(t, 'cb:\n  circuitBreaker:\n    expression: "NetworkErrorRatio() > 0.5 && RequestThreshold() >= 3"\n    checkPeriod: 1h', ['cb'], { upstream });

    assert.deepEqual(await statuses(`${junction.url('web')}/`, 4), [502, 502, 502, 502]);
  });

  it('opens on LatencyAtQuantileMS when the service is slow', async (t) => {
    const { upstream } = await switchableUpstream(t, { status: 200, delayMs: 150 });
    const { junction } = await withMiddlewares(t, 'cb:\n  circuitBreaker:\n    expression: "LatencyAtQuantileMS(50.0) > 100"', ['cb'], { upstream });

    const started = Date.now();
    const first = await get(`${junction.url('web')}/`);
    assert.equal(first.status, 200);
    assert.ok(Date.now() - started >= 150);

    const second = await get(`${junction.url('web')}/`);
    assert.equal(second.status, 503);
    assert.equal(upstream.requests.length, 1);
  });

  it('recovers after fallbackDuration, letting a growing share through, then closes after recoveryDuration', async (t) => {
    const { upstream, set } = await switchableUpstream(t, { status: 502 });
    const { junction } = await withMiddlewares(
      t,
      'cb:\n  circuitBreaker:\n    expression: "NetworkErrorRatio() > 0.5"\n    fallbackDuration: 500ms\n    recoveryDuration: 1s',
      ['cb'],
      { upstream },
    );
    const web = junction.url('web');
    assert.deepEqual(await statuses(`${web}/`, 2), [502, 503]);
    const trippedAt = Date.now();
    set({ status: 200 });

    const seen: Array<{ at: number; status: number }> = [];
    await until(
      async () => {
        seen.push({ at: Date.now() - trippedAt, status: (await get(`${web}/`)).status });
        const last = seen.slice(-20);
        return last.length === 20 && last.every(({ status }) => status === 200) && seen.at(-1)!.at > 1600;
      },
      { timeoutMs: 6000, intervalMs: 10 },
    );

    const early = seen.filter(({ at }) => at < 400);
    assert.ok(early.length > 0 && early.every(({ status }) => status === 503));
    const recovering = seen.filter(({ at }) => at > 600 && at < 1400);
    assert.ok(recovering.some(({ status }) => status === 200));
    assert.ok(recovering.some(({ status }) => status === 503));
    assert.ok(seen.filter(({ at }) => at > 1600).every(({ status }) => status === 200));
  });

  it('opens again when the service still fails while recovering', async (t) => {
    const { upstream } = await switchableUpstream(t, { status: 502 });
    const { junction } = await withMiddlewares(
      t,
      'cb:\n  circuitBreaker:\n    expression: "NetworkErrorRatio() > 0.5"\n    checkPeriod: 1ns\n    fallbackDuration: 300ms\n    recoveryDuration: 10s',
      ['cb'],
      { upstream },
    );
    const web = junction.url('web');
    assert.deepEqual(await statuses(`${web}/`, 2), [502, 503]);

    await until(async () => (await get(`${web}/`)).status === 502, { timeoutMs: 5000, intervalMs: 10 });
    const reached = upstream.requests.length;
    assert.deepEqual(await statuses(`${web}/`, 10), Array(10).fill(503));
    assert.equal(upstream.requests.length, reached);
  });

  it('keeps a breaker per router', async (t) => {
    const { upstream } = await switchableUpstream(t, { status: 502 });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    one:
      rule: "Host(\`one.test\`)"
      middlewares: [cb]
      service: app
    two:
      rule: "Host(\`two.test\`)"
      middlewares: [cb]
      service: app
  middlewares:
    cb:
      circuitBreaker:
        expression: "NetworkErrorRatio() > 0.5"
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
`,
    });
    const web = junction.url('web');

    await get(`${web}/`, { headers: { host: 'one.test' } });
    assert.equal((await get(`${web}/`, { headers: { host: 'one.test' } })).status, 503);
    assert.equal((await get(`${web}/`, { headers: { host: 'two.test' } })).status, 502);
  });

  it('keeps its state across a reload that leaves its definition unchanged, and starts afresh when it changes', async (t) => {
    const { upstream, set } = await switchableUpstream(t, { status: 502 });
    const config = (responseCode: number, probe: string): string => `
http:
  routers:
    app:
      rule: "PathPrefix(\`/\`)"
      middlewares: [cb]
      service: app
    ${probe}:
      rule: "Host(\`${probe}.test\`)"
      service: app
  middlewares:
    cb:
      circuitBreaker:
        expression: "NetworkErrorRatio() > 0.5"
        responseCode: ${responseCode}
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
`;
    const junction = await startJunction(t, { dynamic: config(503, 'first') });
    const web = junction.url('web');
    assert.deepEqual(await statuses(`${web}/`, 2), [502, 503]);
    set({ status: 200 });

    await junction.writeDynamic(config(503, 'second'));
    await until(async () => (await get(`${web}/`, { headers: { host: 'second.test' } })).status === 200);
    assert.equal((await get(`${web}/`)).status, 503);

    await junction.writeDynamic(config(504, 'third'));
    await until(async () => (await get(`${web}/`, { headers: { host: 'third.test' } })).status === 200);
    assert.equal((await get(`${web}/`)).status, 200);
  });

  it('leaves out the routers of a middleware whose expression is invalid', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'cb:\n  circuitBreaker:\n    expression: "LatencyAtQuantileMS(50) > 1000"', ['cb']);

    assert.equal((await get(`${junction.url('web')}/`)).status, 404);
    assert.equal(upstream.requests.length, 0);
    await junction.waitForOutput(/circuitBreaker\.expression: invalid expression "LatencyAtQuantileMS\(50\) > 1000": argument "quantile" of LatencyAtQuantileMS must be a float, got "50" at col 21/);
  });
});
