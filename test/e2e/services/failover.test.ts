import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { startJunction } from '../../support/junction.js';
import { answeredBy, startUpstream, whoamiText } from '../../support/upstream.js';
import { until } from '../../support/until.js';
import { startCheckedUpstream } from './checked-upstream.js';

const intervalMs = 500;

function failoverConfig(main: string, backup: string, options = ''): string {
  return `
http:
  routers:
    app: { rule: "Host(\`f.test\`)", service: app }
  services:
    app:
      failover:
        service: main
        fallback: backup${options}
    main: { loadBalancer: { healthCheck: { path: /health, interval: ${intervalMs}ms }, servers: [{ url: "${main}" }] } }
    backup: { loadBalancer: { healthCheck: { path: /health, interval: ${intervalMs}ms }, servers: [{ url: "${backup}" }] } }
`;
}

async function answer(url: string): Promise<string> {
  const response = await get(url, { headers: { host: 'f.test' } });
  return response.status === 200 ? answeredBy(response.body)! : `${response.status} ${response.body}`;
}

describe('failover', () => {
  it('switches to the fallback within a health-check interval of the main service going down, and back', async (t) => {
    const main = await startCheckedUpstream(t, 'main');
    const backup = await startCheckedUpstream(t, 'backup');
    const junction = await startJunction(t, { dynamic: failoverConfig(main.url, backup.url) });
    const url = `${junction.url('web')}/`;
    assert.equal(await answer(url), 'main');

    main.healthy = false;
    const downAt = Date.now();
    await until(async () => (await answer(url)) === 'backup', { timeoutMs: 10_000 });
    // One interval, plus the time the check itself and a loaded machine take.
    assert.ok(Date.now() - downAt < intervalMs + 2000);

    main.healthy = true;
    await until(async () => (await answer(url)) === 'main', { timeoutMs: 10_000 });
  });

  it('with healthCheck: {}, answers 503 when the fallback is down too', async (t) => {
    const main = await startCheckedUpstream(t, 'main');
    const backup = await startCheckedUpstream(t, 'backup');
    const junction = await startJunction(t, { dynamic: failoverConfig(main.url, backup.url, '\n        healthCheck: {}') });
    main.healthy = false;
    backup.healthy = false;

    await until(async () => (await answer(`${junction.url('web')}/`)) === '503 Service Unavailable\n', { timeoutMs: 10_000 });
  });

  it('refuses a main service without a health check, with its path', async (t) => {
    const main = await startCheckedUpstream(t, 'main');
    const junction = await startJunction(t, {
      dynamic: failoverConfig(main.url, main.url).replace(`main: { loadBalancer: { healthCheck: { path: /health, interval: ${intervalMs}ms }, `, 'main: { loadBalancer: { '),
    });

    await junction.waitForOutput(/http\.services\.app\.failover\.service: service "main" has no healthCheck/);
  });
});

describe('failover on response status (errors)', () => {
  it('replaces an answer in errors.status with the fallback’s, replaying the request body', async (t) => {
    const main = await startUpstream(t, {
      name: 'main',
      handler(request, response) {
        if (request.url!.startsWith('/broken')) response.writeHead(503, { 'x-main': 'yes' }).end('main failed');
        else response.writeHead(200).end(whoamiText('main', request));
      },
    });
    const backup = await startUpstream(t, { name: 'backup' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    app: { rule: "Host(\`f.test\`)", service: app }
  services:
    app:
      failover:
        service: main
        fallback: backup
        errors: { status: ["500-503"], maxRequestBodyBytes: 1000 }
    main: { loadBalancer: { servers: [{ url: "${main.url}" }] } }
    backup: { loadBalancer: { servers: [{ url: "${backup.url}" }] } }
`,
    });
    const url = junction.url('web');

    assert.equal(answeredBy((await get(`${url}/fine`, { headers: { host: 'f.test' } })).body), 'main');

    const replaced = await get(`${url}/broken?x=1`, { method: 'POST', headers: { host: 'f.test' }, body: 'payload' });
    assert.equal(replaced.status, 200);
    assert.equal(answeredBy(replaced.body), 'backup');
    assert.equal(replaced.headers['x-main'], undefined);
    assert.equal(backup.lastRequest.url, '/broken?x=1');
    assert.equal(backup.lastRequest.body.toString(), 'payload');
    assert.equal(main.lastRequest.body.toString(), 'payload');

    const tooLarge = await get(`${url}/broken`, { method: 'POST', headers: { host: 'f.test' }, body: Buffer.alloc(2000, 'x') });
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.body, 'Request body too large\n');
  });
});
