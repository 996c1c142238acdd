import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { get } from '../support/http.js';
import { startJunction } from '../support/junction.js';
import { skipUnlessRedis, startRedisServer } from '../support/redis-server.js';
import { startUpstream } from '../support/upstream.js';
import { until } from '../support/until.js';

function limitedRouter(upstreamUrl: string, redisPort: number, limit = 'average: 1\n        period: 1m\n        burst: 1'): string {
  return `
http:
  routers:
    app: { rule: "Host(\`app.test\`)", middlewares: [limit], service: app }
  middlewares:
    limit:
      rateLimit:
        ${limit}
        redis:
          endpoints: ["127.0.0.1:${redisPort}"]
          readTimeout: 1s
          dialTimeout: 1s
  services:
    app: { loadBalancer: { servers: [{ url: "${upstreamUrl}" }] } }
`;
}

describe('rateLimit with redis: buckets shared by replicas', { skip: skipUnlessRedis() }, () => {
  it('lets one request through two Junctions sharing Redis, refuses the next with Retry-After, and keeps the bucket under Traefik\'s key', async (t) => {
    const redis = await startRedisServer(t);
    const upstream = await startUpstream(t);
    const first = await startJunction(t, { dynamic: limitedRouter(upstream.url, redis.port) });
    const second = await startJunction(t, { dynamic: limitedRouter(upstream.url, redis.port) });
    const headers = { host: 'app.test' };

    assert.equal((await get(`${first.url('web')}/`, { headers })).status, 200);
    const refused = await get(`${second.url('web')}/`, { headers });

    assert.equal(refused.status, 429);
    assert.equal(refused.body, 'Too Many Requests');
    // One token a minute: the next one is a minute away, give or take the time between the two requests.
    assert.ok(Number(refused.headers['retry-after']) >= 59 && Number(refused.headers['retry-after']) <= 60, String(refused.headers['retry-after']));
    assert.match(String(refused.headers['x-retry-in']), /^(59\.\d+s|1m0s)$/);

    const client = new Redis({ port: redis.port, lazyConnect: true });
    t.after(() => client.disconnect());
    const bucket = await client.hgetall('rate:limit@file:127.0.0.1');
    assert.deepEqual(Object.keys(bucket).sort(), ['last', 'tokens']);
    assert.ok(Number(bucket['tokens']) < 1, `tokens ${bucket['tokens']}`);
    assert.ok((await client.ttl('rate:limit@file:127.0.0.1')) > 0, 'the bucket expires when idle');
  });

  it('holds a request that a token will serve within maxDelay, as the in-memory limiter does', async (t) => {
    const redis = await startRedisServer(t);
    const upstream = await startUpstream(t);
    // 10 a second: a token every 100 ms, and requests are held up to 50 ms.
    const junction = await startJunction(t, { dynamic: limitedRouter(upstream.url, redis.port, 'average: 10\n        burst: 1') });
    const url = `${junction.url('web')}/`;

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(url, { headers: { host: 'app.test' } })).status);

    assert.equal(statuses[0], 200);
    assert.ok(statuses.includes(200) && statuses.every((status) => status === 200 || status === 429), JSON.stringify(statuses));
    await until(async () => (await get(url, { headers: { host: 'app.test' } })).status === 200, { timeoutMs: 5000, message: 'a token after 100 ms' });
  });

  it('answers 500 while Redis is away, logs why, and limits again once it is back', async (t) => {
    const redis = await startRedisServer(t);
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { dynamic: limitedRouter(upstream.url, redis.port) });
    const url = `${junction.url('web')}/`;
    const headers = { host: 'app.test' };
    assert.equal((await get(url, { headers })).status, 200);

    await redis.stop();
    const failed = await get(url, { headers });
    assert.equal(failed.status, 500);
    assert.equal(failed.body, 'Could not insert/update bucket\n');
    await junction.waitForOutput(/rateLimit: (Redis unreachable|could not insert\/update bucket)/);

    await redis.start();
    await until(async () => (await get(url, { headers })).status === 200, { timeoutMs: 20_000, message: 'the limiter to reach Redis again' });
    assert.equal((await get(url, { headers })).status, 429);
  });
});
