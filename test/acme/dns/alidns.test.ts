import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { canonicalizedQuery, percentEncode, rpcSignature, stringToSign } from '../../../src/acme/dns/alidns/rpc-signature.js';
import { createDnsProvider } from '../../../src/acme/dns/registry.js';
import { expectedSignature, startFakeAlidns } from './fake-alidns.js';

/** Alibaba's documented signature example (DescribeDomainRecords with AccessKey "testid" / "testsecret"). */
const documentedExample = {
  Format: 'XML',
  AccessKeyId: 'testid',
  Action: 'DescribeDomainRecords',
  SignatureMethod: 'HMAC-SHA1',
  DomainName: 'example.com',
  SignatureNonce: 'f59ed6a9-83fc-473b-9cc6-99c95df3856e',
  SignatureVersion: '1.0',
  Version: '2015-01-09',
  Timestamp: '2016-03-24T16:41:54Z',
};

describe('Alibaba Cloud RPC signature', () => {
  it('gives the documented signature for the documented request', () => {
    assert.equal(rpcSignature('GET', documentedExample, 'testsecret'), 'uRpHwaSEt3J+6KQD//svCh/x+pI=');
  });

  it('signs "GET&%2F&" and the sorted query encoded once more', () => {
    assert.equal(
      stringToSign('GET', documentedExample),
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDomainRecords%26DomainName%3Dexample.com%26Format%3DXML'
        + '%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Df59ed6a9-83fc-473b-9cc6-99c95df3856e'
        + '%26SignatureVersion%3D1.0%26Timestamp%3D2016-03-24T16%253A41%253A54Z%26Version%3D2015-01-09',
    );
  });

  it('keeps only RFC 3986 unreserved characters: spaces are %20, "*" is %2A, "~" stays, UTF-8 is percent-encoded', () => {
    assert.equal(percentEncode("a b*c~d/é+='()!"), 'a%20b%2Ac~d%2F%C3%A9%2B%3D%27%28%29%21');
  });

  it('sorts names by byte order, capitals first, and leaves the Signature parameter out', () => {
    assert.equal(canonicalizedQuery({ b: '1', B: '2', a: '3', Signature: 'x' }), 'B=2&a=3&b=1');
  });

  it('agrees with the test API\'s own reading of the documentation on awkward values', () => {
    const parameters = { Action: 'AddDomainRecord', Value: 'a b*c~é/+', RR: '_acme-challenge.www', Timestamp: '2026-01-01T00:00:00Z' };
    assert.equal(rpcSignature('POST', parameters, 'secret'), expectedSignature('POST', parameters, 'secret'));
  });
});

const keys = { LTAI5tTest: { secret: 'test-secret' } };
const fqdn = '_acme-challenge.qikqiak.com.';

function alidnsEnv(url: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ALICLOUD_ACCESS_KEY: 'LTAI5tTest', ALICLOUD_SECRET_KEY: 'test-secret', ALICLOUD_DNS_ENDPOINT: url, ...extra };
}

describe('alidns DNS provider', () => {
  it('adds the TXT record in the account\'s domain with a signed AddDomainRecord call', async (t) => {
    const api = await startFakeAlidns(t, { domains: [{ DomainName: 'qikqiak.com' }], keys });
    const provider = createDnsProvider('alidns', alidnsEnv(api.url));

    await provider.present('qikqiak.com', fqdn, 'txt-value');

    assert.deepEqual(api.records.map(({ DomainName, RR, Type, Value, TTL, Line }) => ({ DomainName, RR, Type, Value, TTL, Line })), [
      { DomainName: 'qikqiak.com', RR: '_acme-challenge', Type: 'TXT', Value: 'txt-value', TTL: 600, Line: 'default' },
    ]);
    assert.deepEqual(api.calls.map((call) => call.action), ['DescribeDomains', 'AddDomainRecord']);
    assert.equal(api.calls[1]!.parameters.Format, 'JSON');
  });

  it('deletes the record it added on cleanup, and only that one', async (t) => {
    const api = await startFakeAlidns(t, {
      domains: [{ DomainName: 'qikqiak.com' }],
      keys,
      records: [{ DomainName: 'qikqiak.com', RR: '_acme-challenge', Type: 'TXT', Value: 'other-challenge', TTL: 600, Line: 'default' }],
    });
    const provider = createDnsProvider('alidns', alidnsEnv(api.url));
    await provider.present('qikqiak.com', fqdn, 'txt-value');

    await provider.cleanup('qikqiak.com', fqdn, 'txt-value');

    assert.deepEqual(api.records.map((record) => record.Value), ['other-challenge']);
    assert.deepEqual(api.calls.slice(2).map((call) => call.action), ['DescribeDomains', 'DescribeDomainRecords', 'DeleteDomainRecord']);
  });

  it('picks the longest domain of the account that holds the name, across DescribeDomains pages', async (t) => {
    const domains = [
      ...Array.from({ length: 150 }, (_, index) => ({ DomainName: `filler${index}.com` })),
      { DomainName: 'example.com' },
      { DomainName: 'dev.example.com' },
    ];
    const api = await startFakeAlidns(t, { domains, keys });
    const provider = createDnsProvider('alidns', alidnsEnv(api.url));

    await provider.present('app.dev.example.com', '_acme-challenge.app.dev.example.com.', 'v');

    assert.equal(api.records[0]!.DomainName, 'dev.example.com');
    assert.equal(api.records[0]!.RR, '_acme-challenge.app');
    assert.deepEqual(api.calls.filter((call) => call.action === 'DescribeDomains').map((call) => call.parameters.PageNumber), ['1', '2']);
  });

  it('cuts the record name from an internationalised domain\'s punycode', async (t) => {
    const api = await startFakeAlidns(t, { domains: [{ DomainName: '例子.com', PunyCode: 'xn--fsqu00a.com' }], keys });
    const provider = createDnsProvider('alidns', alidnsEnv(api.url));

    await provider.present('www.xn--fsqu00a.com', '_acme-challenge.www.xn--fsqu00a.com.', 'v');

    assert.deepEqual([api.records[0]!.DomainName, api.records[0]!.RR], ['例子.com', '_acme-challenge.www']);
  });

  it('sends ALICLOUD_TTL, ALICLOUD_LINE and the STS ALICLOUD_SECURITY_TOKEN', async (t) => {
    const api = await startFakeAlidns(t, { domains: [{ DomainName: 'qikqiak.com' }], keys: { STS_ID: { secret: 'sts-secret', securityToken: 'sts-token' } } });
    const provider = createDnsProvider('alidns', {
      ALICLOUD_ACCESS_KEY: 'STS_ID', ALICLOUD_SECRET_KEY: 'sts-secret', ALICLOUD_SECURITY_TOKEN: 'sts-token',
      ALICLOUD_DNS_ENDPOINT: api.url, ALICLOUD_TTL: '60', ALICLOUD_LINE: 'telecom',
    });

    await provider.present('qikqiak.com', fqdn, 'v');

    assert.deepEqual([api.records[0]!.TTL, api.records[0]!.Line], [60, 'telecom']);
  });

  it('fails with the API\'s error code and message when the secret is wrong', async (t) => {
    const api = await startFakeAlidns(t, { domains: [{ DomainName: 'qikqiak.com' }], keys });
    const provider = createDnsProvider('alidns', alidnsEnv(api.url, { ALICLOUD_SECRET_KEY: 'wrong' }));

    await assert.rejects(provider.present('qikqiak.com', fqdn, 'v'), {
      message: 'alicloud: API call DescribeDomains failed: SignatureDoesNotMatch: Specified signature is not matched with our calculation.',
    });
  });

  it('fails clearly when no domain of the account holds the name', async (t) => {
    const api = await startFakeAlidns(t, { domains: [{ DomainName: 'example.com' }], keys });
    const provider = createDnsProvider('alidns', alidnsEnv(api.url));

    await assert.rejects(provider.present('qikqiak.com', fqdn, 'v'), {
      message: `alicloud: zone for ${fqdn} not found in AliDNS`,
    });
  });

  it('signs with the temporary keys of the ECS instance\'s RAM role (ALICLOUD_RAM_ROLE)', async (t) => {
    const api = await startFakeAlidns(t, { domains: [{ DomainName: 'qikqiak.com' }], keys: { STS_ROLE: { secret: 'role-secret', securityToken: 'role-token' } } });
    const metadata = await startMetadataService(t, 'traefik-dns', {
      Code: 'Success', AccessKeyId: 'STS_ROLE', AccessKeySecret: 'role-secret', SecurityToken: 'role-token',
      Expiration: new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    const provider = createDnsProvider('alidns', { ALICLOUD_RAM_ROLE: 'traefik-dns', ALICLOUD_DNS_ENDPOINT: api.url, ALICLOUD_METADATA_ENDPOINT: metadata.url });

    await provider.present('qikqiak.com', fqdn, 'v');
    await provider.cleanup('qikqiak.com', fqdn, 'v');

    assert.equal(api.records.length, 0);
    assert.deepEqual(metadata.requests, ['PUT /latest/api/token', 'GET /latest/meta-data/ram/security-credentials/traefik-dns token=imds-token']);
  });

  it('requires the AccessKey pair when no RAM role is set, naming both variables', () => {
    assert.throws(() => createDnsProvider('alidns', {}), {
      message: 'alicloud: some credentials information are missing: ALICLOUD_ACCESS_KEY,ALICLOUD_SECRET_KEY',
    });
  });

  it('uses lego\'s timings: 60 s propagation timeout, 2 s polling, challenges presented together', () => {
    const provider = createDnsProvider('alidns', { ALICLOUD_ACCESS_KEY: 'a', ALICLOUD_SECRET_KEY: 'b' });

    assert.equal(provider.propagationTimeoutMs, 60_000);
    assert.equal(provider.pollingIntervalMs, 2_000);
    assert.equal(provider.sequenceIntervalMs, undefined);
  });
});

/** An ECS metadata service issuing an IMDSv2 token and the role's credentials; records what was asked. */
async function startMetadataService(t: TestContext, role: string, credentials: unknown): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const token = request.headers['x-aliyun-ecs-metadata-token'];
    requests.push(`${request.method} ${request.url}${typeof token === 'string' ? ` token=${token}` : ''}`);
    if (request.method === 'PUT' && request.url === '/latest/api/token' && request.headers['x-aliyun-ecs-metadata-token-ttl-seconds'] !== undefined) {
      response.end('imds-token');
    } else if (request.method === 'GET' && request.url === `/latest/meta-data/ram/security-credentials/${role}` && token === 'imds-token') {
      response.end(JSON.stringify(credentials));
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}
