import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { get } from '../support/http.js';
import { startJunction } from '../support/junction.js';
import { startUpstream } from '../support/upstream.js';
import { until } from '../support/until.js';

/** Process ids of the workers of a junction primary. */
function workerPids(primary: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(primary)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function routes(url: string): string {
  return `http:\n  routers:\n    app: { rule: "PathPrefix(\`/\`)", service: app }\n  services:\n    app: { loadBalancer: { servers: [{ url: "${url}" }] } }\n`;
}

describe('--workers', () => {
  it('serves every entryPoint from the given number of worker processes', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { dynamic: routes(upstream.url), args: ['--workers=2'] });

    assert.equal(workerPids(junction.process.pid!).length, 2);
    for (let i = 0; i < 10; i++) assert.equal((await get(`${junction.url('web')}/`)).status, 200);
    assert.equal((await get(`${junction.url('traefik')}/ping`)).body, 'OK');
  });

  it('starts a new worker when one dies, and keeps serving', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, { dynamic: routes(upstream.url), args: ['--workers=2'] });
    const [victim] = workerPids(junction.process.pid!);

    process.kill(victim!, 'SIGKILL');

    const replaced = await until(() => {
      const pids = workerPids(junction.process.pid!);
      return pids.length === 2 && !pids.includes(victim!) ? pids : undefined;
    }, { timeoutMs: 10_000, message: 'a replacement worker' });
    assert.equal(replaced.length, 2);
    await junction.waitForOutput(/worker died; starting another/);
    await until(async () => {
      for (let i = 0; i < 10; i++) if ((await get(`${junction.url('web')}/`)).status !== 200) return false;
      return true;
    });
  });

  it('drains every worker on SIGTERM and exits 0', async (t) => {
    const upstream = await startUpstream(t, { handler: (_request, response) => setTimeout(() => response.end('finished'), 500) });
    const junction = await startJunction(t, { dynamic: routes(upstream.url), args: ['--workers=2'] });

    const inFlight = Promise.all([get(`${junction.url('web')}/a`), get(`${junction.url('web')}/b`), get(`${junction.url('web')}/c`)]);
    await until(() => upstream.requests.length === 3);
    const exitCode = junction.stop('SIGTERM');

    assert.deepEqual((await inFlight).map((response) => response.body), ['finished', 'finished', 'finished']);
    assert.equal(await exitCode, 0);
  });

  it('rejects a workers value that is not a count or auto, with its path', async (t) => {
    const junction = await startJunction(t, { dynamic: 'http: {}', args: ['--workers=many'], waitReady: false });

    assert.equal(await junction.exited, 1);
    assert.match(junction.output(), /--workers: expected a number of worker processes \(1 or more\) or "auto", got "many"/);
  });
});
