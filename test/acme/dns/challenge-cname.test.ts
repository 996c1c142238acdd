import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveChallengeFqdn } from '../../../src/acme/dns/challenge-cname.js';
import { startDnsServer } from '../../support/dns-server.js';

describe('DNS-01 record name through CNAMEs', () => {
  it('follows the _acme-challenge CNAME chain to where the record must be published', async (t) => {
    const server = await startDnsServer(t, {
      zones: ['example.com', 'acme.example.net'],
      records: [
        { name: '_acme-challenge.www.example.com', type: 'CNAME', value: 'hop.acme.example.net' },
        { name: 'hop.acme.example.net', type: 'CNAME', value: 'www-example-com.acme.example.net' },
      ],
    });

    const fqdn = await effectiveChallengeFqdn('_acme-challenge.www.example.com.', [server.address], {});

    assert.equal(fqdn, 'www-example-com.acme.example.net.');
  });

  it('keeps the name when it has no CNAME', async (t) => {
    const server = await startDnsServer(t, { zones: ['example.com'] });

    assert.equal(await effectiveChallengeFqdn('_acme-challenge.www.example.com.', [server.address], {}), '_acme-challenge.www.example.com.');
  });

  it('keeps the name when LEGO_DISABLE_CNAME_SUPPORT is true, without asking', async (t) => {
    const server = await startDnsServer(t, {
      zones: ['example.com'], records: [{ name: '_acme-challenge.www.example.com', type: 'CNAME', value: 'elsewhere.example.com' }],
    });

    const fqdn = await effectiveChallengeFqdn('_acme-challenge.www.example.com.', [server.address], { LEGO_DISABLE_CNAME_SUPPORT: 'true' });

    assert.equal(fqdn, '_acme-challenge.www.example.com.');
    assert.equal(server.log.length, 0);
  });

  it('stops on a CNAME loop after lego\'s 50 hops', async (t) => {
    const server = await startDnsServer(t, {
      zones: ['example.com'],
      records: [
        { name: 'a.example.com', type: 'CNAME', value: 'b.example.com' },
        { name: 'b.example.com', type: 'CNAME', value: 'a.example.com' },
      ],
    });

    const fqdn = await effectiveChallengeFqdn('a.example.com.', [server.address], {});

    assert.equal(fqdn, 'a.example.com.');
    assert.ok(server.log.length >= 50);
  });
});
