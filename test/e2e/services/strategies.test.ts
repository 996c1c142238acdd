import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { answeredBy, startUpstream, whoamiText } from '../../support/upstream.js';
import { until } from '../../support/until.js';

async function answers(url: string, host: string, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await get(url, { headers: { host } });
    names.push(response.status === 200 ? answeredBy(response.body)! : String(response.status));
  }
  return names;
}

describe('load-balancing strategies and passive health checks', () => {
  it('p2c sends a new request to the server with fewer requests in flight', async (t) => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const busy = await startUpstream(t, {
      name: 'busy',
      handler(request, response) {
        void held.then(() => response.writeHead(200).end(whoamiText('busy', request)));
      },
    });
    const idle = await startUpstream(t, { name: 'idle' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`p2c.test\`)", service: app }
  services:
    app:
      loadBalancer:
        strategy: p2c
        servers: [{ url: "${busy.url}" }, { url: "${idle.url}" }]
`,
    });
    const url = `${junction.url('web')}/`;
    // Fill busy with a request that stays in flight (two servers: both are drawn every time).
    const pending: Array<Promise<unknown>> = [];
    await until(async () => {
      if (busy.requests.length > 0) return true;
      pending.push(get(url, { headers: { host: 'p2c.test' } }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return busy.requests.length > 0;
    });

    assert.deepEqual(await answers(url, 'p2c.test', 6), ['idle', 'idle', 'idle', 'idle', 'idle', 'idle']);
    release();
    await Promise.all(pending);
  });

  it('leasttime sends most requests to the server that answers first', async (t) => {
    const slow = await startUpstream(t, {
      name: 'slow',
      handler(request, response) {
        setTimeout(() => response.writeHead(200).end(whoamiText('slow', request)), 150);
      },
    });
    const fast = await startUpstream(t, { name: 'fast' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`lt.test\`)", service: app }
  services:
    app:
      loadBalancer:
        strategy: leasttime
        servers: [{ url: "${slow.url}" }, { url: "${fast.url}" }]
`,
    });

    const names = await answers(`${junction.url('web')}/`, 'lt.test', 20);

    // Each is tried once; from then on the slow one's average keeps it out.
    assert.ok(names.filter((name) => name === 'slow').length <= 2, names.join(', '));
  });

  it('hrw sends each client IP to the same server, and to another when that one is down', async (t) => {
    const a = await startUpstream(t, { name: 'a' });
    const b = await startUpstream(t, { name: 'b' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`hrw.test\`)", service: app }
    pick: { rule: "Host(\`pick.test\`)", service: pick }
  services:
    app:
      loadBalancer:
        strategy: hrw
        servers: [{ url: "${a.url}" }, { url: "${b.url}" }]
    pick:
      highestRandomWeight:
        services: [{ name: a, weight: 1 }, { name: b, weight: 1 }]
    a: { loadBalancer: { servers: [{ url: "${a.url}" }] } }
    b: { loadBalancer: { servers: [{ url: "${b.url}" }] } }
`,
    });

    for (const host of ['hrw.test', 'pick.test']) {
      const names = await answers(`${junction.url('web')}/`, host, 6);
      assert.equal(new Set(names).size, 1, `${host}: ${names.join(', ')}`);
    }
  });

  it('passiveHealthCheck takes a server out after maxFailedAttempts failures for failureWindow', async (t) => {
    let failing = true;
    const flaky = await startUpstream(t, {
      name: 'flaky',
      handler(request, response) {
        response.writeHead(failing ? 500 : 200).end(whoamiText('flaky', request));
      },
    });
    const steady = await startUpstream(t, { name: 'steady' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`passive.test\`)", service: app }
  services:
    app:
      loadBalancer:
        passiveHealthCheck: { maxFailedAttempts: 2, failureWindow: 2s }
        servers: [{ url: "${flaky.url}" }, { url: "${steady.url}" }]
`,
    });
    const url = `${junction.url('web')}/`;

    // Round robin: flaky answers requests 1 and 3 with 500; the second failure takes it out.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(url, { headers: { host: 'passive.test' } })).status);
    assert.deepEqual(statuses, [500, 200, 500, 200]);
    assert.deepEqual(await answers(url, 'passive.test', 6), ['steady', 'steady', 'steady', 'steady', 'steady', 'steady']);
    await junction.waitForOutput(/server marked down by passive health check/);

    failing = false;
    await until(async () => (await answers(url, 'passive.test', 2)).includes('flaky'), { timeoutMs: 10_000 });
  });
});
