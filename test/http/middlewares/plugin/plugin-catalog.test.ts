import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadLocalPlugins, resolvePluginEntry } from '../../../../src/http/middlewares/plugin/plugin-catalog.js';
import type { PluginSettings } from '../../../../src/runtime/runtime-settings.js';

const pluginSource = 'export function createConfig() { return {}; }\nexport function create() { return (next) => (exchange) => next(exchange); }\n';

let root: string;

async function writeFiles(base: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(base, path)), { recursive: true });
    await writeFile(join(base, path), text);
  }
}

function settings(local: Record<string, string>, catalog: string[] = []): PluginSettings {
  return { local: Object.fromEntries(Object.entries(local).map(([name, moduleName]) => [name, { moduleName }])), catalog, abortOnFailure: false };
}

describe('resolvePluginEntry', () => {
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'junction-plugins-'));
    await writeFiles(root, {
      'plugins-local/src/github.com/acme/traefik-layout/index.js': pluginSource,
      'plugins-local/github.com/acme/flat-layout/index.mjs': pluginSource,
      'plugins-local/github.com/acme/flat-layout/index.js': pluginSource,
      'plugins-local/src/github.com/acme/both/index.js': pluginSource,
      'plugins-local/github.com/acme/both/index.js': pluginSource,
      'plugins-local/github.com/acme/main/package.json': JSON.stringify({ main: 'lib/plugin.js' }),
      'plugins-local/github.com/acme/main/lib/plugin.js': pluginSource,
      'plugins-local/github.com/acme/exports/package.json': JSON.stringify({ exports: { '.': { import: './dist/index.mjs', require: './dist/index.cjs' } } }),
      'plugins-local/github.com/acme/exports/dist/index.mjs': pluginSource,
      'plugins-local/github.com/acme/empty/README.md': 'nothing here',
      'plugins-local/github.com/acme/bad-json/package.json': '{',
      'plugins-local/github.com/acme/no-exports/index.js': 'export const name = "nothing";\n',
      'plugins-local/github.com/acme/throws/index.js': 'throw new Error("broken at import");\n',
      'plugins-local/github.com/acme/commonjs/index.cjs': 'module.exports = { createConfig() { return {}; }, create() { return (next) => next; } };\n',
      'plugins-local/github.com/acme/commonjs/package.json': JSON.stringify({ main: 'index.cjs' }),
    });
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('finds a plugin in Traefik\'s layout, plugins-local/src/<moduleName>', () => {
    assert.deepEqual(resolvePluginEntry(root, 'github.com/acme/traefik-layout'), { entry: join(root, 'plugins-local/src/github.com/acme/traefik-layout/index.js') });
  });

  it('finds a plugin in plugins-local/<moduleName>, index.mjs before index.js', () => {
    assert.deepEqual(resolvePluginEntry(root, 'github.com/acme/flat-layout'), { entry: join(root, 'plugins-local/github.com/acme/flat-layout/index.mjs') });
  });

  it('prefers Traefik\'s layout when both exist', () => {
    assert.deepEqual(resolvePluginEntry(root, 'github.com/acme/both'), { entry: join(root, 'plugins-local/src/github.com/acme/both/index.js') });
  });

  it('follows main and exports of package.json', () => {
    assert.deepEqual(resolvePluginEntry(root, 'github.com/acme/main'), { entry: join(root, 'plugins-local/github.com/acme/main/lib/plugin.js') });
    assert.deepEqual(resolvePluginEntry(root, 'github.com/acme/exports'), { entry: join(root, 'plugins-local/github.com/acme/exports/dist/index.mjs') });
  });

  it('names the folders it looked in when the plugin is missing', () => {
    assert.deepEqual(resolvePluginEntry(root, 'github.com/acme/missing'), {
      error: 'no folder "plugins-local/src/github.com/acme/missing" or "plugins-local/github.com/acme/missing"',
    });
  });

  it('names the files it looked for in a folder without them', () => {
    assert.deepEqual(resolvePluginEntry(root, 'github.com/acme/empty'), {
      error: 'no file "plugins-local/github.com/acme/empty/index.mjs" or "plugins-local/github.com/acme/empty/index.js"',
    });
  });

  describe('loadLocalPlugins', () => {
    it('loads every declared plugin', async () => {
      const catalog = await loadLocalPlugins(settings({ a: 'github.com/acme/traefik-layout', b: 'github.com/acme/main', c: 'github.com/acme/commonjs' }), root);

      assert.equal(catalog.failure, undefined);
      assert.deepEqual([...(catalog.modules?.keys() ?? [])], ['a', 'b', 'c']);
      assert.equal(typeof catalog.modules?.get('c')?.create, 'function');
    });

    const failures: ReadonlyArray<[string, Record<string, string>, string[], string | RegExp]> = [
      ['a missing plugin', { demo: 'github.com/acme/missing' }, [], 'demo: cannot find plugin "github.com/acme/missing": no folder "plugins-local/src/github.com/acme/missing" or "plugins-local/github.com/acme/missing"'],
      ['a module without createConfig and create', { demo: 'github.com/acme/no-exports' }, [], 'demo: "plugins-local/github.com/acme/no-exports/index.js" must export the functions createConfig() and create(config, context)'],
      ['a module that throws when imported', { demo: 'github.com/acme/throws' }, [], 'demo: cannot load "plugins-local/github.com/acme/throws/index.js": broken at import'],
      ['an unreadable package.json', { demo: 'github.com/acme/bad-json' }, [], /^demo: cannot find plugin "github\.com\/acme\/bad-json": cannot read "plugins-local\/github\.com\/acme\/bad-json\/package\.json": .*JSON/],
      ['an empty module name', { demo: '' }, [], 'demo: plugin name is missing'],
      ['a module name with a leading slash', { demo: '/github.com/acme/main' }, [], 'demo: plugin name should not start or end with a /'],
      ['a module name with a trailing slash', { demo: 'github.com/acme/main/' }, [], 'demo: plugin name should not start or end with a /'],
      ['a module name leaving the plugins folder', { demo: 'github.com/../../etc' }, [], 'demo: invalid module name "github.com/../../etc"'],
      ['two plugins of one module', { a: 'github.com/acme/main', b: 'github.com/acme/main' }, [], 'only one version of a plugin is allowed, there is a duplicate of github.com/acme/main'],
      ['a name also declared in experimental.plugins', { demo: 'github.com/acme/main' }, ['demo'], 'the plugin\'s name "demo" must be unique'],
    ];
    for (const [description, local, catalogNames, failure] of failures) {
      it(`disables every plugin for ${description}`, async () => {
        const catalog = await loadLocalPlugins(settings({ ...local, ok: 'github.com/acme/traefik-layout' }, catalogNames), root);

        if (typeof failure === 'string') assert.equal(catalog.failure, failure);
        else assert.match(catalog.failure ?? '', failure);
        assert.equal(catalog.modules?.size, 0);
      });
    }
  });
});
