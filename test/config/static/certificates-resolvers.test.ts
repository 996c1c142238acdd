import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { load } from './support.js';

describe('certificatesResolvers', () => {
  it('fills every ACME option with Traefik defaults', () => {
    const { config, errors } = load(['--entryPoints.web.address=:80', '--certificatesResolvers.le.acme=true']);

    assert.deepEqual(errors, []);
    const acme = config.certificatesResolvers.le?.acme;
    assert.equal(acme?.caServer, 'https://acme-v02.api.letsencrypt.org/directory');
    assert.equal(acme?.storage, 'acme.json');
    assert.equal(acme?.keyType, 'RSA4096');
    assert.equal(acme?.certificatesDuration, 2160);
    assert.equal(acme?.clientTimeout, 120_000);
    assert.equal(acme?.clientResponseHeaderTimeout, 30_000);
    assert.equal(acme?.certificateTimeout, 30_000);
    assert.equal(acme?.httpChallenge, undefined);
  });

  it('reads the seed resolver from flags', () => {
    const { config, errors } = load([
      '--entryPoints.web.address=:80',
      '--certificatesResolvers.ali.acme.dnsChallenge.provider=alidns',
      '--certificatesResolvers.ali.acme.email=ych_1024@163.com',
      '--certificatesResolvers.ali.acme.storage=/data/acme.json',
      '--certificatesResolvers.ali.acme.dnsChallenge.propagation.disableChecks',
    ]);

    assert.deepEqual(errors, []);
    const acme = config.certificatesResolvers.ali?.acme;
    assert.equal(acme?.email, 'ych_1024@163.com');
    assert.equal(acme?.storage, '/data/acme.json');
    assert.equal(acme?.dnsChallenge?.provider, 'alidns');
    assert.equal(acme?.dnsChallenge?.propagation?.disableChecks, true);
  });

  it('reads a resolver from environment variables', () => {
    const { config, errors } = load([], {
      TRAEFIK_ENTRYPOINTS_WEB_ADDRESS: ':80',
      TRAEFIK_CERTIFICATESRESOLVERS_LE_ACME_HTTPCHALLENGE_ENTRYPOINT: 'web',
      TRAEFIK_CERTIFICATESRESOLVERS_LE_ACME_KEYTYPE: 'EC256',
    });

    assert.deepEqual(errors, []);
    assert.equal(config.certificatesResolvers.le?.acme?.httpChallenge?.entryPoint, 'web');
    assert.equal(config.certificatesResolvers.le?.acme?.keyType, 'EC256');
  });
});
