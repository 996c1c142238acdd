import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { startJunction } from '../support/junction.js';
import { answeredBy, startUpstream, type Upstream } from '../support/upstream.js';
import { until } from '../support/until.js';

const staticConfig = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
providers:
  providersThrottleDuration: 2s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

/** Configuration number `generation`: the stable router always, plus a router and servers that change every time. */
function generationConfig(generation: number, upstreams: readonly Upstream[]): string {
  const servers = upstreams.filter((_, index) => (index + generation) % 3 !== 0).map((upstream) => `          - url: "${upstream.url}"`);
  return `
http:
  routers:
    stable:
      rule: "Host(\`stable.test\`)"
      service: stable
    gen-${generation}:
      rule: "Host(\`gen-${generation}.test\`)"
      service: stable
  services:
    stable:
      loadBalancer:
        servers:
${servers.join('\n')}
`;
}

/** Sends `count` requests, each on a new connection so that every worker process gets its turn; true when all answer 200. */
async function servedEverywhere(origin: string, host: string, count: number): Promise<boolean> {
  for (let i = 0; i < count; i++) {
    const response = await request(`${origin}/`, { headers: { host, connection: 'close' }, reset: true });
    await response.body.dump();
    if (response.statusCode !== 200) return false;
  }
  return true;
}

describe('reload under load', () => {
  for (const workers of [1, 2]) {
    it(`rewrites the dynamic file 20 times while 5,000 keep-alive requests run, with no failed request (${workers} worker${workers > 1 ? 's' : ''})`, async (t) => {
      const upstreams = await Promise.all(['one', 'two', 'three'].map((name) => startUpstream(t, { name, recordBody: false })));
      const junction = await startJunction(t, { static: staticConfig, dynamic: generationConfig(0, upstreams), args: [`--workers=${workers}`] });
      const agent = new Agent({ connections: 8, keepAliveTimeout: 30_000 });
      t.after(() => agent.close());
      const origin = junction.url('web');

      let sent = 0;
      const failures: string[] = [];
      const answeredBySet = new Set<string>();
      let isLoading = true;
      const worker = async (): Promise<void> => {
        while (isLoading || sent < 5000) {
          sent += 1;
          try {
            const response = await request(`${origin}/r/${sent}`, { headers: { host: 'stable.test' }, dispatcher: agent });
            const body = await response.body.text();
            if (response.statusCode !== 200) failures.push(`${response.statusCode} ${body}`);
            else answeredBySet.add(answeredBy(body) ?? '?');
          } catch (error) {
            failures.push((error as Error).message);
          }
        }
      };
      const load = Promise.all(Array.from({ length: 8 }, () => worker()));

      const delays: number[] = [];
      for (let generation = 1; generation <= 20; generation++) {
        const writtenAt = Date.now();
        await junction.writeDynamic(generationConfig(generation, upstreams));
        await until(() => servedEverywhere(origin, `gen-${generation}.test`, workers * 4), {
          timeoutMs: 6000,
          intervalMs: 20,
          message: `generation ${generation} to be served`,
        });
        delays.push(Date.now() - writtenAt);
      }
      isLoading = false;
      await load;

      assert.deepEqual(failures, []);
      assert.ok(sent >= 5000, `only ${sent} requests were sent`);
      assert.deepEqual([...answeredBySet].sort(), ['one', 'three', 'two']);
      const slowest = Math.max(...delays);
      // providersThrottleDuration (2 s) plus room for a machine busy with this load and other tests.
      assert.ok(slowest <= 4000, `a change took ${slowest} ms to be served; providersThrottleDuration is 2 s`);
    });
  }

  it('keeps the upstream keep-alive connection of an unchanged server across a reload', async (t) => {
    const upstream = await startUpstream(t, { name: 'app' });
    const routes = (extra: string): string => `
http:
  routers:
    app: { rule: "Host(\`app.test\`)", service: app }${extra}
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`;
    const junction = await startJunction(t, { dynamic: routes('') });
    const call = async (host: string): Promise<number> => {
      const response = await request(`${junction.url('web')}/`, { headers: { host } });
      await response.body.dump();
      return response.statusCode;
    };
    assert.equal(await call('app.test'), 200);
    const firstConnection = upstream.lastRequest.remotePort;

    await junction.writeDynamic(routes('\n    other: { rule: "Host(\`other.test\`)", service: app }'));
    await until(async () => (await call('other.test')) === 200);
    assert.equal(await call('app.test'), 200);

    assert.equal(upstream.lastRequest.remotePort, firstConnection);
  });

  it('removes a router on reload and keeps the last good configuration when the file breaks', async (t) => {
    const upstream = await startUpstream(t, { name: 'app' });
    const junction = await startJunction(t, {
      dynamic: `
http:
  routers:
    keep: { rule: "Host(\`keep.test\`)", service: app }
    drop: { rule: "Host(\`drop.test\`)", service: app }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`,
    });
    const status = async (host: string): Promise<number> => {
      const response = await request(`${junction.url('web')}/`, { headers: { host } });
      await response.body.dump();
      return response.statusCode;
    };
    assert.equal(await status('drop.test'), 200);

    await junction.writeDynamic(`
http:
  routers:
    keep: { rule: "Host(\`keep.test\`)", service: app }
  services:
    app: { loadBalancer: { servers: [{ url: "${upstream.url}" }] } }
`);
    await until(async () => (await status('drop.test')) === 404);
    assert.equal(await status('keep.test'), 200);

    const from = junction.output().length;
    await junction.writeDynamic('http:\n  routers: [unclosed\n');
    await junction.waitForOutput(/configuration error: .*dynamic\.yml:\d+:\d+/, { from });
    assert.equal(await status('keep.test'), 200);
    assert.equal(junction.process.exitCode, null);
  });
});
