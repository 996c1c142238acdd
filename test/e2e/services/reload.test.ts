import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startJunction } from '../../support/junction.js';
import { startClientLoop } from '../../support/scenario.js';
import { until } from '../../support/until.js';
import { startCheckedUpstream } from './checked-upstream.js';

describe('services across reloads', () => {
  it('serves a health-checked weighted service through ten reloads under load without a failed request, the DOWN server kept out', async (t) => {
    const a = await startCheckedUpstream(t, 'a');
    const b = await startCheckedUpstream(t, 'b');
    const c = await startCheckedUpstream(t, 'c');
    const services = `
  services:
    app:
      weighted:
        healthCheck: {}
        sticky: { cookie: {} }
        services: [{ name: ab, weight: 3 }, { name: c }]
    ab:
      loadBalancer:
        healthCheck: { path: /health, interval: 300ms, unhealthyInterval: 60s }
        servers: [{ url: "${a.url}" }, { url: "${b.url}" }]
    c:
      loadBalancer:
        healthCheck: { path: /health, interval: 300ms }
        servers: [{ url: "${c.url}" }]
`;
    const routers = (extra: number): string =>
      `http:\n  routers:\n    app: { rule: "Host(\`r.test\`)", service: app }\n${Array.from({ length: extra }, (_, i) => `    extra${i}: { rule: "Host(\`extra${i}.test\`)", service: c }\n`).join('')}`;
    const junction = await startJunction(t, { dynamic: routers(0) + services });
    b.healthy = false;
    await junction.waitForOutput(/server status changed.*DOWN/);
    // b is checked again only after a minute: while it stays out, its kept status is what keeps it out.
    b.healthy = true;

    const loop = startClientLoop(junction.url('web'), { path: '/', host: 'r.test' }, 40);
    for (let reload = 1; reload <= 10; reload++) {
      const from = junction.output().length;
      await junction.writeDynamic(routers(reload) + services);
      await junction.waitForOutput(/configuration applied/, { from });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await until(() => loop.results.length >= 100);
    await loop.stop();

    assert.deepEqual(loop.results.filter((result) => result.status !== 200), []);
    assert.equal(loop.results.filter((result) => result.answeredBy === 'b').length, 0);
    const counts = { a: 0, c: 0 };
    for (const result of loop.results) counts[result.answeredBy as 'a' | 'c']++;
    // 3:1 between ab (only a) and c, across the reloads: the round-robin position is kept.
    assert.ok(Math.abs(counts.a - 3 * counts.c) <= 4, JSON.stringify(counts));
  });
});
