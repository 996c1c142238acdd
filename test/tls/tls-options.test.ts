import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTlsOptions } from '../../src/tls/tls-options.js';

describe('TLS options', () => {
  it('defaults to TLS 1.2, Traefik’s cipher suites and ALPN, no client certificate', () => {
    const options = compileTlsOptions('default', {});
    assert.equal(options.minVersion, 'TLSv1.2');
    assert.equal(options.maxVersion, undefined);
    assert.match(options.ciphers, /^ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:.*:TLS_AES_128_GCM_SHA256/);
    assert.deepEqual(options.alpnProtocols, ['h2', 'http/1.1', 'acme-tls/1']);
    assert.equal(options.clientAuth, 'NoClientCert');
  });

  it('maps Go cipher suite and curve names to OpenSSL names, TLS 1.3 suites staying on', () => {
    const options = compileTlsOptions('x', {
      cipherSuites: ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256'],
      curvePreferences: ['CurveP521', 'X25519', 'secp384r1'],
    });
    assert.equal(options.ciphers, 'ECDHE-RSA-CHACHA20-POLY1305:AES256-GCM-SHA384:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256');
    assert.equal(options.ecdhCurve, 'P-521:X25519:P-384');
  });

  it('makes CA files alone mean RequireAndVerifyClientCert, as Traefik', () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    assert.equal(compileTlsOptions('x', { clientAuth: { caFiles: [ca] } }).clientAuth, 'RequireAndVerifyClientCert');
    assert.equal(compileTlsOptions('x', { clientAuth: { caFiles: [ca], clientAuthType: 'VerifyClientCertIfGiven' } }).clientAuth, 'VerifyClientCertIfGiven');
    assert.equal(compileTlsOptions('x', { clientAuth: { clientAuthType: 'RequireAnyClientCert' } }).clientAuth, 'RequireAnyClientCert');
  });

  const faults = [
    { description: 'an unknown cipher suite', config: { cipherSuites: ['TLS_NOPE'] }, message: /cipherSuites\[0\]: invalid CipherSuite "TLS_NOPE"$/ },
    { description: 'an unknown version', config: { maxVersion: 'VersionTLS14' }, message: /maxVersion: unknown version "VersionTLS14"/ },
    { description: 'an unknown curve', config: { curvePreferences: ['P-256'] }, message: /curvePreferences\[0\]: invalid CurveID in curvePreferences "P-256"$/ },
    { description: 'an unknown client auth type', config: { clientAuth: { clientAuthType: 'Always' } }, message: /clientAuth\.clientAuthType: unknown client auth type "Always"/ },
    { description: 'verification without CA files', config: { clientAuth: { clientAuthType: 'VerifyClientCertIfGiven' } }, message: /caFiles is required$/ },
  ];
  for (const { description, config, message } of faults) {
    it(`refuses ${description}`, () => {
      assert.throws(() => compileTlsOptions('x', config), message);
    });
  }
});
