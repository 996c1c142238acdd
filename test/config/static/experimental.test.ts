import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runtimeSettings } from '../../../src/process/runtime-settings-from-static.js';
import { load } from './support.js';

describe('experimental plugins', () => {
  it('reads experimental.localPlugins and abortOnPluginFailure from flags, as Traefik spells them', () => {
    const { config, errors } = load(['--entryPoints.web.address=:80', '--experimental.localplugins.plugindemo.modulename=github.com/traefik/plugindemo', '--experimental.abortOnPluginFailure']);

    assert.deepEqual(errors, []);
    assert.deepEqual(config.experimental?.localPlugins, { plugindemo: { moduleName: 'github.com/traefik/plugindemo' } });
    assert.equal(config.experimental?.abortOnPluginFailure, true);
  });

  it('reads experimental.localPlugins from environment variables', () => {
    const { config, errors } = load([], { TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':80', TRAEFIK_EXPERIMENTAL_LOCALPLUGINS_DEMO_MODULENAME: 'github.com/traefik/plugindemo' });

    assert.deepEqual(errors, []);
    assert.deepEqual(config.experimental?.localPlugins, { demo: { moduleName: 'github.com/traefik/plugindemo' } });
  });

  it('accepts catalog plugins with a warning and hands both tables to the runtime', () => {
    const { config, errors, warnings } = load([
      '--entryPoints.web.address=:80',
      '--experimental.plugins.catalogued.moduleName=github.com/traefik/plugindemo',
      '--experimental.plugins.catalogued.version=v0.2.1',
      '--experimental.localPlugins.local.moduleName=github.com/acme/local',
      '--experimental.localPlugins.local.settings.useUnsafe=true',
    ]);

    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, ['experimental.plugins.catalogued: downloading plugins from the catalog is not supported; put the plugin in ./plugins-local/ and declare it in experimental.localPlugins']);
    assert.deepEqual(runtimeSettings(config, { isTerminating: () => false }).plugins, { local: { local: { moduleName: 'github.com/acme/local' } }, catalog: ['catalogued'], abortOnFailure: false });
  });

  it('hands an empty plugin table to the runtime when experimental is not set', () => {
    const { config } = load(['--entryPoints.web.address=:80']);

    assert.equal(config.experimental, undefined);
    assert.deepEqual(runtimeSettings(config, { isTerminating: () => false }).plugins, { local: {}, catalog: [], abortOnFailure: false });
  });

  it('warns that the other experimental features are not supported yet', () => {
    const { errors, warnings } = load(['--entryPoints.web.address=:80', '--experimental.otlpLogs=true']);

    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, ['experimental.otlpLogs: not supported yet, ignored']);
  });
});
