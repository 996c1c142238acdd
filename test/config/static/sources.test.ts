import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configFileCandidates } from '../../../src/config/static/file-loader.js';
import { loadStaticConfig } from '../../../src/config/static/load.js';
import { emptyDir, load } from './support.js';

/** A machine with every searched directory under one temporary root. */
function machine() {
  const root = emptyDir();
  const dirs = {
    etcTraefik: join(root, 'etc/traefik'),
    etcJunction: join(root, 'etc/junction'),
    xdg: join(root, 'xdg'),
    home: join(root, 'home'),
    cwd: join(root, 'work'),
  };
  for (const dir of [...Object.values(dirs), join(dirs.home, '.config')]) mkdirSync(dir, { recursive: true });
  const write = (path: string, port: number): string => {
    writeFileSync(path, path.endsWith('.toml') ? `[entryPoints.web]\naddress = ":${port}"\n` : `entryPoints:\n  web:\n    address: ":${port}"\n`);
    return path;
  };
  const run = (argv: string[] = [], env: Record<string, string> = {}) =>
    loadStaticConfig({ argv, env: { XDG_CONFIG_HOME: dirs.xdg, ...env }, cwd: dirs.cwd, homeDir: dirs.home, systemDirs: [dirs.etcTraefik, dirs.etcJunction] });
  return { dirs, write, run };
}

describe('choosing the static configuration source', () => {
  it('looks for the file in /etc/traefik, /etc/junction, $XDG_CONFIG_HOME, $HOME/.config and the working directory, in that order', () => {
    const { dirs, write, run } = machine();
    const files = [
      write(join(dirs.cwd, 'junction.yml'), 8005),
      write(join(dirs.cwd, 'traefik.yml'), 8004),
      write(join(dirs.home, '.config', 'traefik.yaml'), 8003),
      write(join(dirs.xdg, 'junction.toml'), 8002),
      write(join(dirs.etcJunction, 'junction.yaml'), 8001),
      write(join(dirs.etcTraefik, 'traefik.yml'), 8000),
    ];

    const found: string[] = [];
    for (const file of [...files].reverse()) {
      const { source, config } = run();
      assert.deepEqual(source, { kind: 'file', path: file });
      found.push(config.entryPoints.web!.address);
      rmSync(file);
    }

    assert.deepEqual(found, [':8000', ':8001', ':8002', ':8003', ':8004', ':8005']);
    assert.equal(run().source.kind, 'builtin');
  });

  it('tries toml, then yaml, then yml in each directory, as Traefik', () => {
    const { dirs, write, run } = machine();
    write(join(dirs.cwd, 'traefik.yml'), 8002);
    write(join(dirs.cwd, 'traefik.yaml'), 8001);
    write(join(dirs.cwd, 'traefik.toml'), 8000);

    assert.equal(run().config.entryPoints.web?.address, ':8000');
  });

  it('lists every candidate with the traefik name before the junction name', () => {
    const candidates = configFileCandidates({ cwd: '/srv', env: { XDG_CONFIG_HOME: '/xdg' }, homeDir: '/home/ops' });

    assert.deepEqual(candidates.slice(0, 6), ['/etc/traefik/traefik.toml', '/etc/traefik/traefik.yaml', '/etc/traefik/traefik.yml', '/etc/traefik/junction.toml', '/etc/traefik/junction.yaml', '/etc/traefik/junction.yml']);
    assert.deepEqual(
      candidates.filter((candidate) => candidate.endsWith('traefik.toml')),
      ['/etc/traefik/traefik.toml', '/etc/junction/traefik.toml', '/xdg/traefik.toml', '/home/ops/.config/traefik.toml', '/srv/traefik.toml'],
    );
  });

  it('uses a file found by the search and ignores flags and variables, with a warning', () => {
    const { dirs, write, run } = machine();
    write(join(dirs.cwd, 'traefik.yml'), 8000);

    const { source, config, warnings } = run(['--entryPoints.web.address=:9000', '--api.insecure'], { TRAEFIK_LOG_LEVEL: 'DEBUG' });

    assert.equal(source.kind, 'file');
    assert.equal(config.entryPoints.web?.address, ':8000');
    assert.equal(config.api, undefined);
    assert.deepEqual(warnings, [
      'configuration file "traefik.yml" is used; flags ignored: --entryPoints.web.address=:9000 --api.insecure',
      'configuration file "traefik.yml" is used; environment variables ignored: TRAEFIK_LOG_LEVEL',
    ]);
  });

  it('prefers the file named by --configFile to the ones it would find', () => {
    const { dirs, write, run } = machine();
    write(join(dirs.etcTraefik, 'traefik.yml'), 8000);
    const chosen = write(join(dirs.home, 'edge.toml'), 9000);

    const { source, config, warnings } = run([`--configFile=${chosen}`]);

    assert.deepEqual(source, { kind: 'file', path: chosen });
    assert.equal(config.entryPoints.web?.address, ':9000');
    assert.deepEqual(warnings, []);
  });

  it('uses the flags and ignores variables when there is no file', () => {
    const { source, config, warnings } = load(['--entryPoints.web.address=:9000'], { TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':80' });

    assert.deepEqual(source, { kind: 'flags' });
    assert.equal(config.entryPoints.web?.address, ':9000');
    assert.deepEqual(warnings, ['flags are used; environment variables ignored: TRAEFIK_ENTRYPOINTS_WEB_ADDRESS']);
  });

  it('uses the built-in configuration when nothing is given: web on :8000, traefik on :8080 and ping', () => {
    const { source, config, errors, warnings } = load([]);

    assert.deepEqual(source, { kind: 'builtin' });
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      Object.fromEntries(Object.entries(config.entryPoints).map(([name, entryPoint]) => [name, entryPoint.address])),
      { web: ':8000', traefik: ':8080' },
    );
    assert.deepEqual(config.ping, { entryPoint: 'traefik', manualRouting: false, terminatingStatusCode: 503 });
    assert.equal(config.api, undefined);
  });

  it('defines the entryPoint http on :80 when a source defines none, as Traefik', () => {
    const { config } = load(['--log.level=INFO']);

    assert.deepEqual(Object.keys(config.entryPoints), ['http']);
    assert.equal(config.entryPoints.http?.address, ':80');
  });
});
