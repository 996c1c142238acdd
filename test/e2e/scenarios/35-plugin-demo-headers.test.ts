import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readScenario, startScenario, type ScenarioRun } from '../../support/scenario.js';
import { until } from '../../support/until.js';

const scenario = '35-plugin-demo-headers';
const host = 'who.qikqiak.com';

/** The demo plugin shipped in examples/, put where the seed puts the plugin's source (tests run from dist/). */
const plugindemo = fileURLToPath(new URL('../../../../examples/plugins-local/plugindemo/', import.meta.url));

async function installPlugin(dir: string): Promise<void> {
  await cp(plugindemo, join(dir, 'plugins-local/src/github.com/traefik/plugindemo'), { recursive: true });
}

/** The scenario's dynamic.yaml and crd.yaml, each with one replacement made (`[from, to]`). */
function variant(inDynamic: readonly [string, string], inCrd: readonly [string, string]): { dynamic: string; crd: string } {
  const { dynamic, crd } = readScenario(scenario);
  assert.ok(dynamic.includes(inDynamic[0]));
  assert.ok(crd.includes(inCrd[0]));
  return { dynamic: dynamic.replace(...inDynamic), crd: crd.replace(...inCrd) };
}

describe('scenario 35: plugin middleware plugindemo loaded from plugins-local', () => {
  describe('the private plugin on the whoami route', () => {
    let run: ScenarioRun;
    before(async () => {
      run = await startScenario(undefined, scenario, { prepare: installPlugin });
    });
    after(() => run?.close());

    it('step 1: /notls answers 200 and the backend sees X-Demo: private-demo and Foo: bar on the request, the client not on the response', async () => {
      const response = await run.send('web', '/notls', { host });

      assert.equal(response.status, 200);
      assert.equal(response.echo.hostname, 'whoami');
      assert.equal(response.echo.header('X-Demo'), 'private-demo');
      assert.equal(response.echo.header('Foo'), 'bar');
      assert.equal(response.headers['x-demo'], undefined);
      assert.equal(response.headers.foo, undefined);
    });

    it('step 2: a client-sent X-Demo is overwritten', async () => {
      const response = await run.send('web', '/notls', { host, headers: { 'X-Demo': 'client' } });

      assert.deepEqual(response.echo.values('X-Demo'), ['private-demo']);
    });

    it('step 3: switching the route to myplugin gives X-Demo: test and Foo: bar, without a restart', async () => {
      await run.reconfigure(variant(['      middlewares:\n        - my-private-plugin', '      middlewares:\n        - myplugin'], ['    - name: my-private-plugin', '    - name: myplugin']));

      const response = await until(async () => {
        const answer = await run.send('web', '/notls', { host });
        return answer.echo.header('X-Demo') === 'test' ? answer : undefined;
      });
      assert.equal(response.echo.header('Foo'), 'bar');
    });
  });

  it('step 4: plugin option names match ignoring case (headers as Headers)', async (t) => {
    const changed = variant(
      ['      plugin:\n        plugindemo:\n          Headers:\n            X-Demo: private-demo', '      plugin:\n        plugindemo:\n          headers:\n            X-Demo: private-demo'],
      ['      Headers:\n        X-Demo: private-demo', '      headers:\n        X-Demo: private-demo'],
    );
    const run = await startScenario(t, scenario, { prepare: installPlugin, ...changed });

    const response = await run.send('web', '/notls', { host });

    assert.equal(response.status, 200);
    assert.equal(response.echo.header('X-Demo'), 'private-demo');
  });

  it('step 5: a middleware naming an unknown plugin makes its router fail with an error, the other router keeps working', async (t) => {
    const { dynamic, crd } = readScenario(scenario);
    const broken = dynamic
      .replace('  middlewares:\n    myplugin:', '  middlewares:\n    unknown-plugin:\n      plugin:\n        nosuch: {}\n    myplugin:')
      .replace('  routers:\n', '  routers:\n    broken:\n      entryPoints: [web]\n      rule: "Host(`broken.example`)"\n      middlewares: [unknown-plugin]\n      service: whoami\n');
    const brokenCrd = `${crd}
---
apiVersion: traefik.containo.us/v1alpha1
kind: Middleware
metadata:
  name: unknown-plugin
spec:
  plugin:
    nosuch: {}
---
apiVersion: traefik.containo.us/v1alpha1
kind: IngressRoute
metadata:
  name: broken
spec:
  entryPoints: [web]
  routes:
  - match: Host(\`broken.example\`)
    kind: Rule
    services: [{ name: whoami, port: 80 }]
    middlewares: [{ name: unknown-plugin }]
`;
    const run = await startScenario(t, scenario, { prepare: installPlugin, dynamic: broken, crd: brokenCrd });

    const failed = await run.send('web', '/', { host: 'broken.example' });
    const working = await run.send('web', '/notls', { host });

    assert.equal(failed.status, 404);
    assert.equal(working.status, 200);
    await run.junction.waitForOutput(/http\.middlewares\.(default-)?unknown-plugin(@kubernetescrd)?\.plugin\.nosuch: unknown plugin "nosuch"; declared: "plugindemo"/);
  });

  it('step 6: template values are evaluated against the request: X-Method: [[.Method]] gives GET', async (t) => {
    const changed = variant(
      ['            X-Demo: private-demo\n', '            X-Demo: private-demo\n            X-Method: "[[.Method]]"\n'],
      ['        X-Demo: private-demo\n', '        X-Demo: private-demo\n        X-Method: "[[.Method]]"\n'],
    );
    const run = await startScenario(t, scenario, { prepare: installPlugin, ...changed });

    const response = await run.send('web', '/notls', { host });

    assert.equal(response.echo.header('X-Method'), 'GET');
  });

  // The catalog variant (experimental.plugins with a version) is left out: it downloads from the plugin catalog,
  // which Junction does not do (it warns and refuses such plugins).
});
