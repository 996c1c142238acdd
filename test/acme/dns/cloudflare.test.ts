import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import { createDnsProvider } from '../../../src/acme/dns/registry.js';

interface FakeRecord { readonly id: string; readonly zoneId: string; readonly type: string; readonly name: string; readonly content: string; readonly ttl: number }

/**
 * A local stand-in for Cloudflare's v4 API: `GET /zones?name=`, `POST` and `DELETE /zones/<id>/dns_records`,
 * with its envelope (`success`, `errors`, `result`) and its authentication headers checked.
 */
async function startFakeCloudflare(t: TestContext, options: {
  zones: Readonly<Record<string, string>>;
  /** Accepted `Authorization: Bearer` tokens and what each may do. */
  tokens?: Readonly<Record<string, 'read' | 'edit' | 'all'>>;
  apiKey?: { email: string; key: string };
}): Promise<{ url: string; records: FakeRecord[]; requests: string[] }> {
  const records: FakeRecord[] = [];
  const requests: string[] = [];
  let nextId = 1;
  const send = (response: ServerResponse, status: number, result: unknown, errors: unknown[] = []): void => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ success: errors.length === 0, errors, messages: [], result }));
  };
  const allowed = (request: IncomingMessage, need: 'read' | 'edit'): boolean => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      const scope = options.tokens?.[bearer];
      return scope === 'all' || scope === need;
    }
    return options.apiKey !== undefined && request.headers['x-auth-email'] === options.apiKey.email && request.headers['x-auth-key'] === options.apiKey.key;
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      requests.push(`${request.method} ${url.pathname}${url.search}`);
      const path = url.pathname.replace(/^\/client\/v4/, '');
      const records_ = /^\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/.exec(path);
      const need = request.method === 'GET' ? 'read' : 'edit';
      if (!allowed(request, need)) {
        return send(response, 403, null, [{ code: 10000, message: 'Authentication error' }]);
      }
      if (request.method === 'GET' && path === '/zones') {
        const name = url.searchParams.get('name');
        const id = name === null ? undefined : options.zones[name];
        return send(response, 200, id === undefined ? [] : [{ id, name }]);
      }
      if (records_ !== null && request.method === 'POST' && records_[2] === undefined) {
        if (!Object.values(options.zones).includes(records_[1]!)) return send(response, 404, null, [{ code: 7003, message: 'Could not route to /zones/x/dns_records, perhaps your object identifier is invalid?' }]);
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { type: string; name: string; content: string; ttl: number };
        if (body.ttl < 60) return send(response, 400, null, [{ code: 9003, message: 'Invalid TTL', error_chain: [{ code: 9004, message: 'TTL must be at least 60' }] }]);
        const record: FakeRecord = { id: `r${nextId++}`, zoneId: records_[1]!, ...body };
        records.push(record);
        return send(response, 200, record);
      }
      if (records_ !== null && request.method === 'DELETE' && records_[2] !== undefined) {
        const index = records.findIndex((record) => record.id === records_[2] && record.zoneId === records_[1]);
        if (index === -1) return send(response, 404, null, [{ code: 81044, message: 'Record does not exist.' }]);
        records.splice(index, 1);
        return send(response, 200, { id: records_[2] });
      }
      send(response, 404, null, [{ code: 7000, message: 'No route for that URI' }]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`, records, requests };
}

const fqdn = '_acme-challenge.www.example.com.';

describe('cloudflare DNS provider', () => {
  it('creates the quoted TXT record in the zone found up the tree, then deletes it by its ID', async (t) => {
    const api = await startFakeCloudflare(t, { zones: { 'example.com': 'zone-1' }, tokens: { 'dns-token': 'all' } });
    const provider = createDnsProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: 'dns-token', CLOUDFLARE_BASE_URL: api.url });

    await provider.present('www.example.com', fqdn, 'txt-value');

    assert.deepEqual(api.records.map(({ zoneId, type, name, content, ttl }) => ({ zoneId, type, name, content, ttl })), [
      { zoneId: 'zone-1', type: 'TXT', name: '_acme-challenge.www.example.com', content: '"txt-value"', ttl: 120 },
    ]);

    await provider.cleanup('www.example.com', fqdn, 'txt-value');

    assert.deepEqual(api.records, []);
    assert.deepEqual(api.requests, [
      'GET /client/v4/zones?name=_acme-challenge.www.example.com&per_page=50',
      'GET /client/v4/zones?name=www.example.com&per_page=50',
      'GET /client/v4/zones?name=example.com&per_page=50',
      'POST /client/v4/zones/zone-1/dns_records',
      'DELETE /client/v4/zones/zone-1/dns_records/r1',
    ]);
  });

  it('reads zones with CLOUDFLARE_ZONE_API_TOKEN and edits records with CLOUDFLARE_DNS_API_TOKEN', async (t) => {
    const api = await startFakeCloudflare(t, { zones: { 'example.com': 'zone-1' }, tokens: { 'zone-token': 'read', 'dns-token': 'edit' } });
    const provider = createDnsProvider('cloudflare', { CF_DNS_API_TOKEN: 'dns-token', CF_ZONE_API_TOKEN: 'zone-token', CLOUDFLARE_BASE_URL: api.url });

    await provider.present('www.example.com', fqdn, 'v');

    assert.equal(api.records.length, 1);
  });

  it('authenticates with the global API key and its account email', async (t) => {
    const api = await startFakeCloudflare(t, { zones: { 'example.com': 'zone-1' }, apiKey: { email: 'admin@example.com', key: 'global-key' } });
    const provider = createDnsProvider('cloudflare', { CF_API_EMAIL: 'admin@example.com', CF_API_KEY: 'global-key', CLOUDFLARE_BASE_URL: api.url, CLOUDFLARE_TTL: '300' });

    await provider.present('www.example.com', fqdn, 'v');

    assert.equal(api.records[0]!.ttl, 300);
  });

  it('fails with Cloudflare\'s error codes and messages', async (t) => {
    const api = await startFakeCloudflare(t, { zones: { 'example.com': 'zone-1' }, tokens: { 'dns-token': 'read' } });
    const provider = createDnsProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: 'dns-token', CLOUDFLARE_BASE_URL: api.url });

    await assert.rejects(provider.present('www.example.com', fqdn, 'v'), {
      message: 'cloudflare: failed to create TXT record: [status code 403] 10000: Authentication error',
    });
  });

  it('fails clearly when no zone of the account holds the name, or when it has no record to delete', async (t) => {
    const api = await startFakeCloudflare(t, { zones: { 'example.net': 'zone-2' }, tokens: { 'dns-token': 'all' } });
    const provider = createDnsProvider('cloudflare', { CLOUDFLARE_DNS_API_TOKEN: 'dns-token', CLOUDFLARE_BASE_URL: api.url });

    await assert.rejects(provider.present('www.example.com', fqdn, 'v'), { message: 'cloudflare: could not find zone for domain "www.example.com"' });
    await assert.rejects(provider.cleanup('www.example.com', fqdn, 'v'), { message: `cloudflare: unknown record ID for '${fqdn}'` });
  });

  it('names both ways of authenticating when neither is configured', () => {
    assert.throws(() => createDnsProvider('cloudflare', {}), {
      message: 'cloudflare: some credentials information are missing: CLOUDFLARE_EMAIL,CLOUDFLARE_API_KEY '
        + 'or some credentials information are missing: CLOUDFLARE_DNS_API_TOKEN,CLOUDFLARE_ZONE_API_TOKEN',
    });
  });

  it('refuses a TTL under 120 s, and uses lego\'s 120 s propagation timeout and 2 s polling', () => {
    assert.throws(() => createDnsProvider('cloudflare', { CF_DNS_API_TOKEN: 't', CF_TTL: '60' }), {
      message: 'cloudflare: invalid TTL, TTL (60) must be greater than 120',
    });
    const provider = createDnsProvider('cloudflare', { CF_DNS_API_TOKEN: 't' });
    assert.equal(provider.propagationTimeoutMs, 120_000);
    assert.equal(provider.pollingIntervalMs, 2_000);
  });
});
