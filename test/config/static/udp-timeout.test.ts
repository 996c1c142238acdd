import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, load } from './support.js';

describe('entryPoints.<name>.udp.timeout', () => {
  it('defaults to 3s', () => {
    assert.equal(load(['--entryPoints.dns.address=:53/udp']).config.entryPoints.dns?.udp.timeout, 3000);
  });

  it('takes a Go duration or a number of seconds', () => {
    assert.equal(load(['--entryPoints.dns.address=:53/udp', '--entryPoints.dns.udp.timeout=1m30s']).config.entryPoints.dns?.udp.timeout, 90_000);
    assert.equal(load(['--entryPoints.dns.address=:53/udp', '--entryPoints.dns.udp.timeout=10']).config.entryPoints.dns?.udp.timeout, 10_000);
  });

  it('must be greater than zero, as Traefik refuses to start the entryPoint otherwise', () => {
    assert.deepEqual(errorsOf(['--entryPoints.dns.address=:53/udp', '--entryPoints.dns.udp.timeout=0s']), [
      'entryPoints.dns.udp.timeout: must be greater than zero, got "0s"',
    ]);
  });
});
