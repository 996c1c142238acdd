import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, load } from './support.js';

describe('static configuration from environment variables', () => {
  it('reads TRAEFIK_ variables, one path segment per underscore', () => {
    const { config, source, errors } = load([], {
      TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':80',
      TRAEFIK_ENTRYPOINTS_WEB_HTTP_REDIRECTIONS_ENTRYPOINT_TO: 'websecure',
      TRAEFIK_ENTRYPOINTS_WEBSECURE_ADDRESS: ':443',
      TRAEFIK_ENTRYPOINTS_WEBSECURE_FORWARDEDHEADERS_TRUSTEDIPS: '10.0.0.0/8,fd00::/8',
      TRAEFIK_ENTRYPOINTS_WEBSECURE_TRANSPORT_RESPONDINGTIMEOUTS_READTIMEOUT: '5s',
      TRAEFIK_API_INSECURE: 'true',
      TRAEFIK_LOG_LEVEL: 'warn',
    });

    assert.deepEqual(errors, []);
    assert.deepEqual(source, { kind: 'environment', prefix: 'TRAEFIK_' });
    assert.deepEqual(Object.keys(config.entryPoints), ['web', 'websecure', 'traefik']);
    assert.equal(config.entryPoints.web?.http.redirections?.entryPoint?.to, 'websecure');
    assert.deepEqual(config.entryPoints.websecure?.forwardedHeaders.trustedIPs, ['10.0.0.0/8', 'fd00::/8']);
    assert.equal(config.entryPoints.websecure?.transport.respondingTimeouts.readTimeout, 5000);
    assert.equal(config.api?.insecure, true);
    assert.equal(config.log.level, 'WARN');
  });

  it('reads JUNCTION_ variables the same way', () => {
    const { config, source, errors } = load([], { JUNCTION_ENTRYPOINTS_WEB_ADDRESS: ':8000', JUNCTION_PING: 'true' });

    assert.deepEqual(errors, []);
    assert.deepEqual(source, { kind: 'environment', prefix: 'JUNCTION_' });
    assert.equal(config.entryPoints.web?.address, ':8000');
    assert.equal(config.ping?.entryPoint, 'traefik');
    assert.equal(config.entryPoints.traefik?.address, ':8080');
  });

  it('prefers JUNCTION_ variables over TRAEFIK_ ones and says so', () => {
    const { config, warnings } = load([], { JUNCTION_ENTRYPOINTS_WEB_ADDRESS: ':8000', TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':80', TRAEFIK_LOG_LEVEL: 'DEBUG' });

    assert.equal(config.entryPoints.web?.address, ':8000');
    assert.equal(config.log.level, 'ERROR');
    assert.deepEqual(warnings, ['environment variables with prefix JUNCTION_ are used; TRAEFIK_ variables ignored: TRAEFIK_ENTRYPOINTS_WEB_ADDRESS, TRAEFIK_LOG_LEVEL']);
  });

  it('lowercases entryPoint names, as paerser does', () => {
    const { config } = load([], { TRAEFIK_ENTRYPOINTS_WebSecure_ADDRESS: ':443' });

    assert.deepEqual(Object.keys(config.entryPoints), ['websecure']);
  });

  it('enables a section set to true', () => {
    const { config, errors } = load([], { TRAEFIK_PING: 'true', TRAEFIK_API: 'true', TRAEFIK_ENTRYPOINTS_TRAEFIK_ADDRESS: ':9000' });

    assert.deepEqual(errors, []);
    assert.equal(config.api?.dashboard, true);
    assert.equal(config.ping?.terminatingStatusCode, 503);
    assert.equal(config.entryPoints.traefik?.address, ':9000');
  });

  it('enables the file provider with true and then asks for a filename or directory', () => {
    assert.deepEqual(errorsOf([], { TRAEFIK_PROVIDERS_FILE: 'true' }), ['providers.file: one of filename or directory is required']);
    assert.equal(load([], { TRAEFIK_PROVIDERS_FILE_DIRECTORY: '/etc/junction/dynamic' }).config.providers.file?.watch, true);
  });

  it('reads lists of sections with an index segment', () => {
    const { config, errors } = load([], {
      TRAEFIK_ENTRYPOINTS_WEBSECURE_ADDRESS: ':443',
      TRAEFIK_ENTRYPOINTS_WEBSECURE_HTTP_TLS_DOMAINS_0_MAIN: 'example.com',
      TRAEFIK_ENTRYPOINTS_WEBSECURE_HTTP_TLS_DOMAINS_0_SANS: 'www.example.com',
    });

    assert.deepEqual(errors, []);
    assert.deepEqual(config.entryPoints.websecure?.http.tls?.domains, [{ main: 'example.com', sans: ['www.example.com'] }]);
  });

  it('ignores variables that do not start with a top-level key, such as Kubernetes service links', () => {
    const { source } = load([], { TRAEFIK_VERSION: '3', TRAEFIK_SERVICE_HOST: '10.0.0.1', JUNCTION_HOME: '/srv' });

    assert.deepEqual(source, { kind: 'builtin' });
  });

  it('ignores TRAEFIK_CONFIGFILE with a warning, as only the flag chooses the file', () => {
    const { source, warnings } = load([], { TRAEFIK_CONFIGFILE: '/etc/traefik/traefik.yml' });

    assert.deepEqual(source, { kind: 'environment', prefix: 'TRAEFIK_' });
    assert.deepEqual(warnings, ['TRAEFIK_CONFIGFILE: ignored; choose a configuration file with --configFile']);
  });

  it('reports an unknown key with the nearest known one', () => {
    assert.deepEqual(errorsOf([], { TRAEFIK_ENTRYPOINTS_WEB_ADRESS: ':80' }), [
      'entryPoints.web.adress: unknown key "adress"; did you mean "address"?',
      'entryPoints.web.address: is required',
    ]);
  });

  it('reports an empty path segment', () => {
    assert.deepEqual(errorsOf([], { TRAEFIK_API__INSECURE: 'true' }), ['TRAEFIK_API__INSECURE: empty path segment; "_" separates the keys']);
  });
});
