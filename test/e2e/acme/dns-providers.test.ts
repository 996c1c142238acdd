import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Opcode, RecordClass } from '../../../src/acme/dns/rfc2136/dns-message.js';
import { acmeRouter, acmeStatic, verifiedGet } from '../../support/acme.js';
import { startDnsServer } from '../../support/dns-server.js';
import { startJunction } from '../../support/junction.js';
import { skipUnlessPebble, startPebble, type Pebble } from '../../support/pebble.js';
import { freePort } from '../../support/ports.js';
import { answeredBy, startUpstream } from '../../support/upstream.js';
import { until } from '../../support/until.js';
import { startFakeAlidns } from '../../acme/dns/fake-alidns.js';

const secret = 'TCG5A6/lOHUGbW0e/9RYYbzWDFMlj1pIxCvybLBayBg=';

/** Makes challtestsrv (the DNS server pebble validates against) hold exactly `values` at `name`. */
async function mirrorToChalltestsrv(pebble: Pebble, name: string, values: readonly string[]): Promise<void> {
  const post = async (path: string, body: unknown): Promise<void> => {
    const response = await fetch(`${pebble.dnsManagementUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`challtestsrv ${path} answered ${response.status}`);
  };
  await post('/clear-txt', { host: name });
  for (const value of values) await post('/set-txt', { host: name, value });
}

describe('DNS-01 through the DNS providers, against pebble', { skip: skipUnlessPebble }, () => {
  it('rfc2136: publishes the record with TSIG-signed updates, checks it on the nameserver, obtains the certificate and removes the record', async (t) => {
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
    const nameserver = await startDnsServer(t, {
      zones: ['example.org'],
      keys: [{ name: 'acme-key.', algorithm: 'hmac-sha256.', secret: Buffer.from(secret, 'base64') }],
      onTxtChange: (name, values) => mirrorToChalltestsrv(pebble, name, values),
    });
    const upstream = await startUpstream(t, { name: 'rfc2136' });
    const junction = await startJunction(t, {
      static: acmeStatic({
        pebble, webPort, websecurePort,
        challenge: `      dnsChallenge:\n        provider: rfc2136\n        resolvers: ["${nameserver.address}"]\n        propagation:\n          disableANSChecks: true`,
      }),
      dynamic: acmeRouter('app.example.org', upstream.url),
      env: {
        RFC2136_NAMESERVER: nameserver.address, RFC2136_TSIG_KEY: 'acme-key', RFC2136_TSIG_SECRET: secret,
        RFC2136_TSIG_ALGORITHM: 'hmac-sha256.', RFC2136_POLLING_INTERVAL: '1',
      },
    });

    const answer = await until(() => verifiedGet(websecurePort, 'app.example.org', pebble.root), {
      timeoutMs: 90_000, message: `a certificate chained to pebble's root; junction said:\n${junction.output()}`,
    });

    assert.equal(answeredBy(answer.body), 'rfc2136');
    assert.match(answer.certificate.subjectaltname ?? '', /DNS:app\.example\.org/);
    await until(() => nameserver.updates.length >= 2, { timeoutMs: 30_000, message: 'the cleanup update' });
    assert.deepEqual(nameserver.updates.map((update) => [update.zone, update.keyName, update.records.map((record) => record.class)]), [
      ['example.org.', 'acme-key.', [RecordClass.ANY, RecordClass.IN]],
      ['example.org.', 'acme-key.', [RecordClass.NONE]],
    ]);
    assert.deepEqual(nameserver.txt('_acme-challenge.app.example.org.'), []);
    assert.ok(nameserver.log.some((entry) => entry.opcode === Opcode.QUERY && entry.question?.name === '_acme-challenge.app.example.org.'));
  });

  it('httpreq: asks the web service to publish and remove the record, with Basic authentication', async (t) => {
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
    const calls: string[] = [];
    const hookService = await startUpstream(t, {
      name: 'hook',
      handler: (request, response, body) => {
        const message = JSON.parse(body.toString()) as { fqdn: string; value: string };
        calls.push(`${request.url} ${message.fqdn} ${request.headers.authorization ?? 'no credentials'}`);
        void mirrorToChalltestsrv(pebble, message.fqdn, request.url === '/dns/present' ? [message.value] : []).then(
          () => response.end(),
          () => { response.writeHead(502); response.end(); },
        );
      },
    });
    const upstream = await startUpstream(t, { name: 'httpreq' });
    const junction = await startJunction(t, {
      static: acmeStatic({
        pebble, webPort, websecurePort,
        challenge: '      dnsChallenge:\n        provider: httpreq\n        propagation:\n          disableChecks: true',
      }),
      dynamic: acmeRouter('hook.example.com', upstream.url),
      env: { HTTPREQ_ENDPOINT: `${hookService.url}/dns`, HTTPREQ_USERNAME: 'acme', HTTPREQ_PASSWORD: 'hunter2' },
    });

    const answer = await until(() => verifiedGet(websecurePort, 'hook.example.com', pebble.root), {
      timeoutMs: 90_000, message: `a certificate chained to pebble's root; junction said:\n${junction.output()}`,
    });

    assert.equal(answeredBy(answer.body), 'httpreq');
    await until(() => calls.length >= 2, { timeoutMs: 30_000, message: 'the cleanup call' });
    const credentials = `Basic ${Buffer.from('acme:hunter2').toString('base64')}`;
    assert.deepEqual(calls, [
      `/dns/present _acme-challenge.hook.example.com. ${credentials}`,
      `/dns/cleanup _acme-challenge.hook.example.com. ${credentials}`,
    ]);
  });

  it('alidns (the seed\'s provider): a wildcard certificate through Alibaba Cloud DNS\'s API, the record deleted afterwards', async (t) => {
    const [webPort, websecurePort] = [await freePort(), await freePort()];
    const pebble = await startPebble(t, { httpPort: webPort, tlsPort: websecurePort });
    const api = await startFakeAlidns(t, {
      domains: [{ DomainName: 'qikqiak.com' }],
      keys: { LTAI5tTest: { secret: 'test-secret' } },
      onChange: (domainName, records) => mirrorToChalltestsrv(
        pebble, `_acme-challenge.${domainName}.`, records.filter((record) => record.RR === '_acme-challenge').map((record) => record.Value),
      ),
    });
    const upstream = await startUpstream(t, { name: 'whoami' });
    const junction = await startJunction(t, {
      static: acmeStatic({
        pebble, webPort, websecurePort, resolver: 'ali', email: 'ych_1024@163.com',
        challenge: '      dnsChallenge:\n        provider: alidns\n        propagation:\n          disableChecks: true',
      }),
      dynamic: acmeRouter('who.qikqiak.com', upstream.url, 'certResolver: ali, domains: [{ main: "*.qikqiak.com" }]'),
      env: {
        ALICLOUD_ACCESS_KEY: 'LTAI5tTest', ALICLOUD_SECRET_KEY: 'test-secret', ALICLOUD_REGION_ID: 'cn-beijing',
        ALICLOUD_DNS_ENDPOINT: api.url,
      },
    });

    const answer = await until(() => verifiedGet(websecurePort, 'who.qikqiak.com', pebble.root), {
      timeoutMs: 90_000, message: `a wildcard certificate; junction said:\n${junction.output()}`,
    });

    assert.equal(answeredBy(answer.body), 'whoami');
    assert.equal(answer.certificate.subjectaltname, 'DNS:*.qikqiak.com');
    await until(() => api.calls.some((call) => call.action === 'DeleteDomainRecord'), { timeoutMs: 30_000, message: 'the cleanup call' });
    assert.deepEqual(api.records, []);
    assert.deepEqual(api.calls.filter((call) => call.action === 'AddDomainRecord').map((call) => [call.parameters.DomainName, call.parameters.RR]), [
      ['qikqiak.com', '_acme-challenge'],
    ]);
  });
});
