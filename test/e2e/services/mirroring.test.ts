import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { answeredBy, startUpstream, whoamiText, type UpstreamHandler } from '../../support/upstream.js';
import { until } from '../../support/until.js';

function mirrored(main: string, mirror: string, options = ''): string {
  return `
http:
  routers:
    app: { rule: "Host(\`m.test\`)", service: app }
  services:
    app:
      mirroring:
        service: main
        mirrors: [{ name: copy, percent: 50 }]${options}
    main: { loadBalancer: { servers: [{ url: "${main}" }] } }
    copy: { loadBalancer: { servers: [{ url: "${mirror}" }] } }
`;
}

describe('mirroring', () => {
  it('copies half of 400 requests to a 50 % mirror; clients only ever see the main service', async (t) => {
    const main = await startUpstream(t, { name: 'main' });
    const copy = await startUpstream(t, { name: 'copy' });
    const junction = await startJunction(t, { dynamic: mirrored(main.url, copy.url) });

    for (let i = 0; i < 400; i++) {
      const response = await get(`${junction.url('web')}/n?i=${i}`, { headers: { host: 'm.test' } });
      assert.equal(answeredBy(response.body), 'main');
    }

    await until(() => copy.requests.length >= 200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(main.requests.length, 400);
    // Traefik's counter copies request n while copies × 100 < n × percent: exactly every other one.
    assert.equal(copy.requests.length, 200);
    assert.deepEqual(copy.requests.slice(0, 3).map((request) => request.url), ['/n?i=0', '/n?i=2', '/n?i=4']);
  });

  it('sends the mirror the same method, target, headers and body', async (t) => {
    const main = await startUpstream(t, { name: 'main' });
    const copy = await startUpstream(t, { name: 'copy' });
    const junction = await startJunction(t, { dynamic: mirrored(main.url, copy.url) });
    const body = Buffer.alloc(1024, 'x');

    await get(`${junction.url('web')}/post?q=1`, { method: 'POST', headers: { host: 'm.test', 'x-trace': 't1', 'content-type': 'text/plain' }, body });

    await until(() => copy.requests.length === 1);
    const [original, replica] = [main.lastRequest, copy.lastRequest];
    assert.equal(replica.method, 'POST');
    assert.equal(replica.url, '/post?q=1');
    assert.equal(replica.headers.host, 'm.test');
    assert.equal(replica.headers['x-trace'], 't1');
    assert.deepEqual(replica.body, body);
    assert.deepEqual(original.body, body);
  });

  it('does not mirror a body larger than maxBodySize, and still forwards it whole', async (t) => {
    const main = await startUpstream(t, { name: 'main' });
    const copy = await startUpstream(t, { name: 'copy' });
    const junction = await startJunction(t, { dynamic: mirrored(main.url, copy.url, '\n        maxBodySize: 100') });

    await get(`${junction.url('web')}/big`, { method: 'POST', headers: { host: 'm.test' }, body: Buffer.alloc(5000, 'y') });
    await get(`${junction.url('web')}/small`, { method: 'POST', headers: { host: 'm.test' }, body: Buffer.alloc(50, 'z') });
    // Third request: the 50 % share is due again.
    await get(`${junction.url('web')}/small2`, { method: 'POST', headers: { host: 'm.test' }, body: Buffer.alloc(50, 'z') });

    await until(() => copy.requests.length === 1);
    assert.equal(main.requests[0]!.body.length, 5000);
    assert.equal(copy.requests[0]!.url, '/small2');
  });

  it('never delays or fails the client for a slow, failing or missing mirror', async (t) => {
    const main = await startUpstream(t, { name: 'main' });
    const slow: UpstreamHandler = (request, response) => {
      setTimeout(() => response.writeHead(500).end(whoamiText('copy', request)), 5000);
    };
    const copy = await startUpstream(t, { name: 'copy', handler: slow });
    const junction = await startJunction(t, { dynamic: mirrored(main.url, copy.url, '\n        mirrors: [{ name: copy, percent: 100 }]').replace('        mirrors: [{ name: copy, percent: 50 }]\n', '') });

    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      const response = await get(`${junction.url('web')}/`, { headers: { host: 'm.test' } });
      assert.equal(response.status, 200);
      assert.equal(answeredBy(response.body), 'main');
    }
    assert.ok(performance.now() - started < 4000, 'five requests took as long as the mirror sleeps');
    await until(() => copy.requests.length === 5, { timeoutMs: 15_000 });

    await copy.close();
    const response = await get(`${junction.url('web')}/`, { headers: { host: 'm.test' } });
    assert.equal(response.status, 200);
  });

  it('refuses a percent outside 0–100, with its path', async (t) => {
    const main = await startUpstream(t, { name: 'main' });
    const junction = await startJunction(t, { dynamic: mirrored(main.url, main.url).replace('percent: 50', 'percent: 150') });

    await junction.waitForOutput(/http\.services\.app\.mirroring\.mirrors\[0\]\.percent: percent must be between 0 and 100/);
    assert.equal((await get(`${junction.url('web')}/`, { headers: { host: 'm.test' } })).status, 404);
  });
});
