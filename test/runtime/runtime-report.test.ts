import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/errors.js';
import { attributeError } from '../../src/runtime/runtime-report.js';

describe('attributeError', () => {
  it('gives a fault to the item its path starts with, qualified by the provider', () => {
    assert.deepEqual(attributeError({ provider: 'file', error: new ConfigError('http.routers.api.rule', 'x') }), { protocol: 'http', section: 'routers', name: 'api@file' });
    assert.deepEqual(attributeError({ provider: 'file', error: new ConfigError('http.middlewares.auth.basicAuth.users[0]', 'x') }), { protocol: 'http', section: 'middlewares', name: 'auth@file' });
  });

  it('tells the protocol of TCP and UDP items', () => {
    assert.deepEqual(attributeError({ provider: 'file', error: new ConfigError('tcp.routers.db.rule', 'x') }), { protocol: 'tcp', section: 'routers', name: 'db@file' });
    assert.deepEqual(attributeError({ provider: 'kubernetescrd', error: new ConfigError('udp.services.dns.loadBalancer', 'x') }), { protocol: 'udp', section: 'services', name: 'dns@kubernetescrd' });
  });

  it('reads quoted names', () => {
    assert.deepEqual(attributeError({ provider: 'file', error: new ConfigError('http.services["app.v2"].loadBalancer', 'x') }), { protocol: 'http', section: 'services', name: 'app.v2@file' });
  });

  it('leaves faults outside routers, services and middlewares unattributed', () => {
    assert.equal(attributeError({ provider: 'internal', error: new ConfigError('entryPoints.web.http.middlewares[0]', 'x') }), undefined);
  });
});
