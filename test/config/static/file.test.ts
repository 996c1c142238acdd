import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { errorsOf, fixturesDir, load } from './support.js';

function fromFixtures(file: string) {
  return load([`--configFile=${file}`], {}, { cwd: fixturesDir });
}

describe('static configuration from a file', () => {
  it('reads entryPoints, providers, api, ping and log from YAML', () => {
    const { config, source, errors, warnings } = fromFixtures('traefik.yml');

    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(source, { kind: 'file', path: join(fixturesDir, 'traefik.yml') });
    assert.deepEqual(Object.keys(config.entryPoints), ['web', 'websecure', 'dns', 'traefik']);
    assert.deepEqual(config.entryPoints.web?.http.redirections?.entryPoint, { to: 'websecure', scheme: 'https', permanent: true, priority: Number.MAX_SAFE_INTEGER - 1 });
    const websecure = config.entryPoints.websecure!;
    assert.equal(websecure.asDefault, true);
    assert.deepEqual(websecure.forwardedHeaders.trustedIPs, ['10.0.0.0/8', 'fd00::/8']);
    assert.deepEqual(websecure.transport.respondingTimeouts, { readTimeout: 30_000, writeTimeout: 0, idleTimeout: 180_000 });
    assert.deepEqual(websecure.transport.lifeCycle, { requestAcceptGraceTimeout: 0, graceTimeOut: 20_000 });
    assert.deepEqual(websecure.http.middlewares, ['compress@file']);
    assert.deepEqual(websecure.http.tls, { certResolver: 'le', domains: [{ main: 'example.com', sans: ['*.example.com'] }] });
    assert.deepEqual(websecure.http3, { advertisedPort: 443 });
    assert.equal(config.entryPoints.dns?.udp.timeout, 10_000);
    assert.equal(config.providers.providersThrottleDuration, 500);
    assert.deepEqual(config.providers.file, { directory: '/etc/junction/dynamic', watch: true, debugLogGeneratedTemplate: false });
    assert.equal(config.api?.insecure, true);
    assert.deepEqual(config.ping, { entryPoint: 'traefik', manualRouting: false, terminatingStatusCode: 503 });
    assert.equal(config.log.level, 'DEBUG');
    assert.equal(config.log.format, 'json');
    assert.equal(config.global.checkNewVersion, false);
  });

  it('reads the same configuration from TOML as from YAML', () => {
    const yaml = fromFixtures('traefik.yml');
    const toml = fromFixtures('traefik.toml');

    assert.deepEqual(toml.errors, []);
    assert.deepEqual(toml.config, yaml.config);
  });

  it('reads a .json file named by --configFile as YAML, as Traefik does', () => {
    const { config, errors } = fromFixtures('traefik.json');

    assert.deepEqual(errors, []);
    assert.equal(config.entryPoints.web?.address, ':8081');
  });

  it('refuses a file with another extension', () => {
    assert.deepEqual(errorsOf(['--configFile=traefik.ini'], {}, { cwd: fixturesDir }), ['traefik.ini: unsupported file extension ".ini"; expected .yml, .yaml or .toml']);
  });

  it('names the file given by --configFile when it does not exist', () => {
    const loaded = load(['--configFile=conf/missing.yml']);

    assert.equal(loaded.source.kind, 'file');
    assert.deepEqual(loaded.errors.map((error) => error.message), ['--configFile: configuration file "conf/missing.yml" not found']);
  });

  it('accepts --configfile and --configFile with the path as the next argument', () => {
    assert.equal(load(['--configfile', 'traefik.yml'], {}, { cwd: fixturesDir }).source.kind, 'file');
    assert.equal(load(['-configFile', 'traefik.toml'], {}, { cwd: fixturesDir }).config.entryPoints.web?.address, ':80');
  });

  it('keeps entryPoint names as written and matches keys case-insensitively', () => {
    const { config, errors } = load(['--configFile=case.yml'], {}, { cwd: join(fixturesDir, 'case') });

    assert.deepEqual(errors, []);
    assert.deepEqual(Object.keys(config.entryPoints), ['WebSecure']);
    assert.equal(config.entryPoints.WebSecure?.forwardedHeaders.insecure, true);
    assert.equal(config.api?.dashboard, false);
  });

  it('reads comma-separated text as a list, as paerser does for files', () => {
    const { config, errors } = load(['--configFile=comma-list.yml'], {}, { cwd: join(fixturesDir, 'case') });

    assert.deepEqual(errors, []);
    assert.deepEqual(config.entryPoints.web?.forwardedHeaders.trustedIPs, ['10.0.0.1', '10.0.0.2']);
  });

  it('reads YAML merge keys, as Go\'s YAML decoder does', () => {
    const { config, errors } = load(['--configFile=merge-keys.yml'], {}, { cwd: join(fixturesDir, 'case') });

    assert.deepEqual(errors, []);
    assert.deepEqual(config.entryPoints.websecure?.transport.respondingTimeouts, { readTimeout: 5000, writeTimeout: 0, idleTimeout: 10_000 });
  });

  it('disables a section set to false', () => {
    const { config, errors } = load(['--configFile=disabled.yml'], {}, { cwd: join(fixturesDir, 'case') });

    assert.deepEqual(errors, []);
    assert.equal(config.api, undefined);
    assert.equal(config.ping, undefined);
    assert.equal(config.entryPoints.web?.http.tls, undefined);
  });
});

function goldenCases(directory: string, suffix: string): Array<{ file: string; expected: string[] }> {
  return readdirSync(directory)
    .filter((file) => /\.(ya?ml|toml)$/.test(file))
    .sort()
    .map((file) => ({
      file,
      expected: readFileSync(join(directory, file.replace(/\.(ya?ml|toml)$/, suffix)), 'utf8').split('\n').filter((line) => line !== ''),
    }));
}

describe('static configuration errors', () => {
  const directory = join(fixturesDir, 'errors');
  for (const { file, expected } of goldenCases(directory, '.errors.txt')) {
    it(`reports ${file} with the paths and reasons in ${file.replace(/\.(ya?ml|toml)$/, '.errors.txt')}`, () => {
      const loaded = load([`--configFile=${file}`], {}, { cwd: directory });

      assert.deepEqual(loaded.errors.map((error) => error.message), expected);
    });
  }
});

describe('static configuration warnings', () => {
  const directory = join(fixturesDir, 'warnings');
  for (const { file, expected } of goldenCases(directory, '.warnings.txt')) {
    it(`warns about ${file} as in ${file.replace(/\.(ya?ml|toml)$/, '.warnings.txt')} and starts`, () => {
      const loaded = load([`--configFile=${file}`], {}, { cwd: directory });

      assert.deepEqual(loaded.errors, []);
      assert.deepEqual(loaded.warnings, expected);
    });
  }

  it('keeps sections it does not model yet as they were written', () => {
    const { config } = load(['--configFile=unsupported-sections.yml'], {}, { cwd: join(fixturesDir, 'warnings') });

    assert.deepEqual(config.providers.kubernetesIngress, { ingressClass: 'junction' });
    assert.equal(config.providers.docker, undefined);
    assert.deepEqual(config.metrics?.datadog, {});
  });

  it('skips empty values in a file, so an empty section stays off, as in Traefik', () => {
    const { config } = load(['--configFile=empty-values.yml'], {}, { cwd: join(fixturesDir, 'warnings') });

    assert.equal(config.ping, undefined);
    assert.deepEqual(Object.keys(config.entryPoints), ['web']);
    assert.equal(config.entryPoints.web?.asDefault, false);
  });
});
