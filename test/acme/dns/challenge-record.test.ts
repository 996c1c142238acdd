import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { challengeRecord } from '../../../src/acme/dns/challenge-record.js';

describe('DNS-01 challenge record', () => {
  it('is the base64url SHA-256 of the key authorization under _acme-challenge.<domain>.', () => {
    // SHA-256("abc") is FIPS 180-2's first example: ba7816bf…f20015ad.
    assert.deepEqual(challengeRecord('example.com', 'abc'), {
      fqdn: '_acme-challenge.example.com.',
      value: 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0',
    });
  });

  it('proves a wildcard on its base name', () => {
    assert.equal(challengeRecord('*.qikqiak.com', 'abc').fqdn, '_acme-challenge.qikqiak.com.');
  });
});
