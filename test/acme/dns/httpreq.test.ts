import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDnsProvider } from '../../../src/acme/dns/registry.js';
import { startUpstream } from '../../support/upstream.js';

const fqdn = '_acme-challenge.example.org.';
const value = 'LHDhK3oGRvkiefQnx7OOczTY5Tic_xZ6HcMOc_gmtoM';

describe('httpreq DNS provider', () => {
  it('POSTs {"fqdn","value"} as JSON to <endpoint>/present, then to <endpoint>/cleanup', async (t) => {
    const server = await startUpstream(t, { handler: (_request, response) => response.end() });
    const provider = createDnsProvider('httpreq', { HTTPREQ_ENDPOINT: `${server.url}/acme/` });

    await provider.present('example.org', fqdn, value);
    await provider.cleanup('example.org', fqdn, value);

    assert.deepEqual(server.requests.map((request) => [request.method, request.path]), [
      ['POST', '/acme/present'],
      ['POST', '/acme/cleanup'],
    ]);
    for (const request of server.requests) {
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers.accept, 'application/json');
      assert.equal(request.headers.authorization, undefined);
      assert.deepEqual(JSON.parse(request.body.toString()), { fqdn, value });
    }
  });

  it('with HTTPREQ_MODE=RAW sends {"domain","token","keyAuth"}', async (t) => {
    const server = await startUpstream(t, { handler: (_request, response) => response.end() });
    const provider = createDnsProvider('httpreq', { HTTPREQ_ENDPOINT: server.url, HTTPREQ_MODE: 'RAW' });

    await provider.present('example.org', fqdn, value, { token: 'tok', keyAuthorization: 'tok.thumb' });

    assert.equal(server.lastRequest.path, '/present');
    assert.deepEqual(JSON.parse(server.lastRequest.body.toString()), { domain: 'example.org', token: 'tok', keyAuth: 'tok.thumb' });
  });

  it('sends Basic authentication when HTTPREQ_USERNAME and HTTPREQ_PASSWORD are both set', async (t) => {
    const server = await startUpstream(t, { handler: (_request, response) => response.end() });
    const provider = createDnsProvider('httpreq', {
      HTTPREQ_ENDPOINT: server.url, HTTPREQ_USERNAME: 'acme', HTTPREQ_PASSWORD: 's3cret',
    });

    await provider.present('example.org', fqdn, value);

    assert.equal(server.lastRequest.headers.authorization, `Basic ${Buffer.from('acme:s3cret').toString('base64')}`);
  });

  it('sends no authentication when only the username is set', async (t) => {
    const server = await startUpstream(t, { handler: (_request, response) => response.end() });
    const provider = createDnsProvider('httpreq', { HTTPREQ_ENDPOINT: server.url, HTTPREQ_USERNAME: 'acme' });

    await provider.present('example.org', fqdn, value);

    assert.equal(server.lastRequest.headers.authorization, undefined);
  });

  it('fails with the status and body of a non-2xx answer', async (t) => {
    const server = await startUpstream(t, {
      handler: (_request, response) => {
        response.writeHead(403);
        response.end('zone not delegated');
      },
    });
    const provider = createDnsProvider('httpreq', { HTTPREQ_ENDPOINT: server.url });

    await assert.rejects(provider.present('example.org', fqdn, value), {
      message: `httpreq: unexpected status code: [request: POST ${server.url}/present] [status code: 403] body: zone not delegated`,
    });
  });

  it('gives up after HTTPREQ_HTTP_TIMEOUT seconds', async (t) => {
    const server = await startUpstream(t, { handler: () => undefined });
    const provider = createDnsProvider('httpreq', { HTTPREQ_ENDPOINT: server.url, HTTPREQ_HTTP_TIMEOUT: '1' });

    await assert.rejects(provider.present('example.org', fqdn, value), {
      message: `httpreq: unable to communicate with the API server: [request: POST ${server.url}/present] error: timed out`,
    });
  });

  it('requires HTTPREQ_ENDPOINT and refuses one that is not an http(s) URL', () => {
    assert.throws(() => createDnsProvider('httpreq', {}), {
      message: 'httpreq: some credentials information are missing: HTTPREQ_ENDPOINT',
    });
    assert.throws(() => createDnsProvider('httpreq', { HTTPREQ_ENDPOINT: 'my.server.com:9090' }), {
      message: 'httpreq: HTTPREQ_ENDPOINT: expected an http or https URL, got "my.server.com:9090"',
    });
  });

  it('uses lego\'s timings: 60 s propagation timeout, 2 s polling, challenges presented together', () => {
    const provider = createDnsProvider('httpreq', { HTTPREQ_ENDPOINT: 'http://127.0.0.1:9' });

    assert.equal(provider.propagationTimeoutMs, 60_000);
    assert.equal(provider.pollingIntervalMs, 2_000);
    assert.equal(provider.sequenceIntervalMs, undefined);
  });
});
