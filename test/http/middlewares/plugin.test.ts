import assert from 'node:assert/strict';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { get } from '../../support/http.js';
import { defaultStatic, startJunction, type JunctionProcess, type StartJunctionOptions } from '../../support/junction.js';
import { startUpstream, type Upstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';

/** The demo plugin shipped in examples/ (tests run from dist/). */
const plugindemo = fileURLToPath(new URL('../../../../examples/plugins-local/plugindemo/', import.meta.url));

/** Plugins written for these tests, by module name: each exports createConfig and create. */
const testPlugins: Record<string, string> = {
  'example.com/echo-config': `
    export function createConfig() { return { count: 0, enabled: false, tags: [], headers: { 'X-Default': 'kept' } }; }
    export function create(config, context) {
      return (next) => (exchange) => {
        exchange.request.headers['x-plugin-config'] = JSON.stringify(config);
        exchange.request.headers['x-plugin-name'] = context.name;
        next(exchange);
      };
    }`,
  'example.com/throws': `
    export function createConfig() { return { mode: 'sync' }; }
    export function create(config) {
      return (next) => (exchange) => {
        if (exchange.path === '/ok') return next(exchange);
        if (config.mode === 'async') return Promise.reject(new Error('rejected on purpose'));
        throw new Error('thrown on purpose');
      };
    }`,
  'example.com/deny': `
    export function createConfig() { return { status: 403 }; }
    export function create(config) {
      return () => (exchange) => exchange.reply(config.status, 'denied by plugin\\n', { 'x-denied': 'yes' });
    }`,
  'example.com/response-header': `
    export function createConfig() { return { name: 'X-Plugin', value: 'on' }; }
    export function create(config) {
      return (next) => async (exchange) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        exchange.onResponseHeaders((status, headers) => { headers[config.name.toLowerCase()] = config.value + ' ' + status; });
        next(exchange);
      };
    }`,
  'example.com/bad-middleware': `
    export function createConfig() { return {}; }
    export function create() { return (next) => { throw new Error('no handler today'); }; }`,
};

/** Writes the test plugins in the flat layout and the demo plugin in Traefik's layout. */
async function preparePlugins(dir: string): Promise<void> {
  await cp(plugindemo, join(dir, 'plugins-local/src/github.com/traefik/plugindemo'), { recursive: true });
  for (const [moduleName, source] of Object.entries(testPlugins)) {
    const file = join(dir, 'plugins-local', moduleName, 'index.js');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(join(dirname(file), 'package.json'), '{ "type": "module" }');
    await writeFile(file, source);
  }
}

const localPlugins = `
experimental:
  localPlugins:
    plugindemo:
      moduleName: github.com/traefik/plugindemo
    echo:
      moduleName: example.com/echo-config
    throws:
      moduleName: example.com/throws
    deny:
      moduleName: example.com/deny
    responseHeader:
      moduleName: example.com/response-header
    badMiddleware:
      moduleName: example.com/bad-middleware
`;

/** Routers `/<middleware>` through each middleware, and `/plain` through none. */
function dynamicWith(upstream: Upstream, middlewares: Record<string, string>): string {
  const routers = Object.keys(middlewares)
    .map((name) => `    ${name}:\n      rule: "PathPrefix(\`/${name}\`)"\n      middlewares: [${name}]\n      service: app`)
    .join('\n');
  const definitions = Object.entries(middlewares)
    .map(([name, plugin]) => `    ${name}:\n      plugin:\n${plugin.replace(/^/gm, '        ')}`)
    .join('\n');
  return `http:
  routers:
    plain:
      rule: "PathPrefix(\`/plain\`)"
      service: app
${routers}
  middlewares:
${definitions}
  services:
    app:
      loadBalancer:
        servers: [{ url: "${upstream.url}" }]
`;
}

async function startWithPlugins(t: TestContext, middlewares: Record<string, string>, options: Partial<StartJunctionOptions> = {}): Promise<{ junction: JunctionProcess; upstream: Upstream }> {
  const upstream = await startUpstream(t);
  const junction = await startJunction(t, { static: `${defaultStatic}${localPlugins}`, dynamic: dynamicWith(upstream, middlewares), prepare: preparePlugins, ...options });
  return { junction, upstream };
}

describe('plugin', () => {
  it('runs the demo plugin from plugins-local/src: sets request headers, over what the client sent, not on the response', async (t) => {
    const { junction, upstream } = await startWithPlugins(t, { demo: 'plugindemo:\n  Headers:\n    X-Demo: private-demo\n    Foo: bar' });

    const response = await get(`${junction.url('web')}/demo`, { headers: { 'x-demo': 'client' } });

    assert.equal(response.status, 200);
    assert.equal(upstream.lastRequest.headers['x-demo'], 'private-demo');
    assert.equal(upstream.lastRequest.headers.foo, 'bar');
    assert.equal(response.headers['x-demo'], undefined);
    assert.equal(response.headers.foo, undefined);
  });

  it('matches option names ignoring case and evaluates the demo plugin\'s templates against the request', async (t) => {
    const { junction, upstream } = await startWithPlugins(t, {
      demo: 'plugindemo:\n  headers:\n    X-Method: "[[.Method]]"\n    X-Host: "[[.Host]]"\n    X-Url: "[[.URL]]"\n    X-Path: "[[.URL.Path]]"\n    X-Agent: \'[[.Header.Get "User-Agent"]]\'',
    });

    await get(`${junction.url('web')}/demo/a%20b?x=1`, { method: 'POST', headers: { host: 'who.example', 'user-agent': 'tester/1' }, body: 'x' });

    const seen = upstream.lastRequest.headers;
    assert.equal(seen['x-method'], 'POST');
    assert.equal(seen['x-host'], 'who.example');
    assert.equal(seen['x-url'], '/demo/a%20b?x=1');
    assert.equal(seen['x-path'], '/demo/a b');
    assert.equal(seen['x-agent'], 'tester/1');
  });

  it('answers 500 with the template error, as the demo plugin does, for a field the request lacks', async (t) => {
    const { junction, upstream } = await startWithPlugins(t, { demo: 'plugindemo:\n  Headers:\n    X-Bad: "[[.Nope]]"' });

    const response = await get(`${junction.url('web')}/demo`);

    assert.equal(response.status, 500);
    assert.equal(response.body, 'template: demo:1:2: executing "demo" at <.Nope>: can\'t evaluate field Nope in type *http.Request\n');
    assert.equal(upstream.requests.length, 0);
  });

  it('decodes the options over createConfig() as Traefik: keys ignoring case, text to the default\'s type, maps merged', async (t) => {
    const { junction, upstream } = await startWithPlugins(t, { echo: 'echo:\n  Count: "3"\n  ENABLED: "true"\n  tags: "a,b"\n  Headers:\n    X-Added: new\n  extra: { nested: 1 }' });

    await get(`${junction.url('web')}/echo`);

    assert.deepEqual(JSON.parse(String(upstream.lastRequest.headers['x-plugin-config'])), {
      count: 3,
      enabled: true,
      tags: ['a', 'b'],
      headers: { 'X-Default': 'kept', 'X-Added': 'new' },
      extra: { nested: 1 },
    });
    assert.equal(upstream.lastRequest.headers['x-plugin-name'], 'echo@file');
  });

  it('lets a plugin answer the request itself', async (t) => {
    const { junction, upstream } = await startWithPlugins(t, { deny: 'deny:\n  status: 418' });

    const response = await get(`${junction.url('web')}/deny`);

    assert.equal(response.status, 418);
    assert.equal(response.body, 'denied by plugin\n');
    assert.equal(response.headers['x-denied'], 'yes');
    assert.equal(upstream.requests.length, 0);
  });

  it('lets an asynchronous plugin edit the response headers', async (t) => {
    const { junction } = await startWithPlugins(t, { headers: 'responseHeader:\n  value: seen' });

    const response = await get(`${junction.url('web')}/headers`);

    assert.equal(response.status, 200);
    assert.equal(response.headers['x-plugin'], 'seen 200');
  });

  for (const mode of ['sync', 'async']) {
    it(`answers 500 for a request whose plugin handler fails (${mode}) and keeps serving`, async (t) => {
      const { junction } = await startWithPlugins(t, { throws: `throws:\n  mode: ${mode}` });

      const failed = await get(`${junction.url('web')}/throws`);
      const next = await get(`${junction.url('web')}/throws`);
      const other = await get(`${junction.url('web')}/plain`);

      assert.equal(failed.status, 500);
      assert.equal(next.status, 500);
      assert.equal(other.status, 200);
      assert.equal(junction.process.exitCode, null);
      await junction.waitForOutput(/plugin failed while handling a request.*pluginName=throws/);
    });
  }

  it('leaves out a router whose plugin refuses its configuration at build time, and serves the others', async (t) => {
    const { junction } = await startWithPlugins(t, { demo: 'plugindemo: {}' });

    const response = await get(`${junction.url('web')}/demo`);
    const other = await get(`${junction.url('web')}/plain`);

    assert.equal(response.status, 404);
    assert.equal(other.status, 200);
    await junction.waitForOutput(/http\.middlewares\.demo\.plugin\.plugindemo: plugin "plugindemo" failed to build: headers cannot be empty/);
  });

  it('leaves out a router whose plugin fails to make its handler', async (t) => {
    const { junction } = await startWithPlugins(t, { bad: 'badMiddleware: {}' });

    const response = await get(`${junction.url('web')}/bad`);

    assert.equal(response.status, 404);
    await junction.waitForOutput(/http\.middlewares\.bad\.plugin\.badMiddleware: plugin "badMiddleware" failed to build: no handler today/);
  });

  it('leaves out a router naming an unknown plugin, with the declared names in the error', async (t) => {
    const { junction } = await startWithPlugins(t, { unknown: 'plugindemos: {}' });

    const response = await get(`${junction.url('web')}/unknown`);
    const other = await get(`${junction.url('web')}/plain`);

    assert.equal(response.status, 404);
    assert.equal(other.status, 200);
    await junction.waitForOutput(/http\.middlewares\.unknown\.plugin\.plugindemos: unknown plugin "plugindemos"; declared: .*; did you mean "plugindemo"\?/);
  });

  it('applies a changed plugin configuration on reload without a restart', async (t) => {
    const { junction, upstream } = await startWithPlugins(t, { demo: 'plugindemo:\n  Headers:\n    X-Demo: before' });
    await get(`${junction.url('web')}/demo`);
    assert.equal(upstream.lastRequest.headers['x-demo'], 'before');

    await junction.writeDynamic(dynamicWith(upstream, { demo: 'plugindemo:\n  Headers:\n    X-Demo: after' }));

    await until(async () => {
      await get(`${junction.url('web')}/demo`);
      return upstream.lastRequest.headers['x-demo'] === 'after';
    });
  });

  it('serves plugins in every worker process', async (t) => {
    const { junction, upstream } = await startWithPlugins(t, { demo: 'plugindemo:\n  Headers:\n    X-Demo: from-worker' }, { args: ['--workers=2'] });

    for (let i = 0; i < 4; i++) {
      const response = await get(`${junction.url('web')}/demo`);
      assert.equal(response.status, 200);
      assert.equal(upstream.lastRequest.headers['x-demo'], 'from-worker');
    }
  });

  it('disables every plugin when one fails to load, as Traefik, and serves the routers without plugins', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: `${defaultStatic}${localPlugins}    missing:\n      moduleName: example.com/missing\n`,
      dynamic: dynamicWith(upstream, { demo: 'plugindemo:\n  Headers:\n    X-Demo: a' }),
      prepare: preparePlugins,
    });

    const response = await get(`${junction.url('web')}/demo`);
    const other = await get(`${junction.url('web')}/plain`);

    assert.equal(response.status, 404);
    assert.equal(other.status, 200);
    await junction.waitForOutput(/plugins are disabled because an error has occurred.*missing: cannot find plugin \\"example\.com\/missing\\"/);
    await junction.waitForOutput(/http\.middlewares\.demo\.plugin\.plugindemo: plugin "plugindemo" is not available: plugins are disabled because loading failed/);
  });

  it('stops at start when a plugin fails to load and abortOnPluginFailure is set', async (t) => {
    const junction = await startJunction(t, {
      static: `${defaultStatic}${localPlugins}    missing:\n      moduleName: example.com/missing\n  abortOnPluginFailure: true\n`,
      dynamic: 'http: {}',
      prepare: preparePlugins,
      waitReady: false,
    });

    assert.equal(await junction.exited, 1);
    assert.match(junction.output(), /cannot start: plugin: failed to create plugin builder: missing: cannot find plugin "example\.com\/missing"/);
  });

  it('refuses a catalog plugin, which Junction does not download', async (t) => {
    const upstream = await startUpstream(t);
    const junction = await startJunction(t, {
      static: `${defaultStatic}
experimental:
  plugins:
    catalogued:
      moduleName: github.com/traefik/plugindemo
      version: v0.2.1
`,
      dynamic: dynamicWith(upstream, { demo: 'catalogued:\n  Headers:\n    X-Demo: a' }),
    });

    const response = await get(`${junction.url('web')}/demo`);

    assert.equal(response.status, 404);
    await junction.waitForOutput(/experimental\.plugins\.catalogued: downloading plugins from the catalog is not supported/);
    await junction.waitForOutput(/plugin "catalogued" comes from the plugin catalog \(experimental\.plugins\), which Junction does not download/);
  });
});
