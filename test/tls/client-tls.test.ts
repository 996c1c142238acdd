import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compileClientTls } from '../../src/tls/client-tls.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/forward-auth/', import.meta.url));

describe('compileClientTls', () => {
  it('reads the CA, certificate and key from files or from PEM text', () => {
    const fromFiles = compileClientTls({ ca: `${fixtures}ca.pem`, cert: `${fixtures}client.pem`, key: `${fixtures}client.key` });
    const fromText = compileClientTls({ ca: readFileSync(`${fixtures}ca.pem`, 'utf8'), cert: readFileSync(`${fixtures}client.pem`, 'utf8'), key: readFileSync(`${fixtures}client.key`, 'utf8') });

    assert.deepEqual(fromFiles, fromText);
    assert.equal(fromFiles.rejectUnauthorized, true);
    assert.equal(compileClientTls({ insecureSkipVerify: true }).rejectUnauthorized, false);
  });

  for (const { description, tls, message } of [
    { description: 'a key without a certificate', tls: { key: `${fixtures}client.key` }, message: 'tls.cert: required when tls.key is set' },
    { description: 'a certificate that is neither a file nor PEM', tls: { cert: '/nonexistent/cert.pem', key: `${fixtures}client.key` }, message: 'tls.cert: "/nonexistent/cert.pem" is neither a readable file nor a PEM certificate with its key' },
    { description: 'a key that does not match the certificate', tls: { cert: `${fixtures}client.pem`, key: `${fixtures}server.key` }, message: /^tls: cannot use the certificate and key: / },
    { description: 'a CA file without a certificate', tls: { ca: `${fixtures}client.key` }, message: 'tls.ca: no certificate could be parsed' },
  ]) {
    it(`refuses ${description}`, () => {
      assert.throws(() => compileClientTls(tls), (error: Error) => (typeof message === 'string' ? error.message === message : message.test(error.message)));
    });
  }
});
