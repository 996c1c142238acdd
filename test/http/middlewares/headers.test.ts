import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { withMiddlewares } from '../../support/middleware.js';
import { startUpstream } from '../../support/upstream.js';

describe('headers', () => {
  it('sets custom request headers, replacing what the client sent, and removes those with an empty value', async (t) => {
    const { junction, upstream } = await withMiddlewares(
      t,
      'custom:\n  headers:\n    customRequestHeaders:\n      X-Script-Name: "test"\n      X-Custom-Request-Header: ""\n      X-Replaced: "by-junction"',
      ['custom'],
    );

    await get(`${junction.url('web')}/`, { headers: { 'x-custom-request-header': 'drop me', 'x-replaced': 'by-client', 'x-kept': 'yes' } });

    const seen = upstream.lastRequest.headers;
    assert.equal(seen['x-script-name'], 'test');
    assert.equal(seen['x-custom-request-header'], undefined);
    assert.equal(seen['x-replaced'], 'by-junction');
    assert.equal(seen['x-kept'], 'yes');
  });

  it('sets custom response headers over the upstream\'s and removes those with an empty value', async (t) => {
    const upstream = await startUpstream(t, {
      handler: (_request, response) => {
        response.writeHead(200, { 'x-powered-by': 'upstream', myname: 'upstream-value', 'content-type': 'text/plain' });
        response.end('ok');
      },
    });
    const { junction } = await withMiddlewares(
      t,
      'custom:\n  headers:\n    customResponseHeaders:\n      Myname: "junction"\n      Myage: "18"\n      X-Powered-By: ""',
      ['custom'],
      { upstream },
    );

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.headers.myname, 'junction');
    assert.equal(response.headers.myage, '18');
    assert.equal(response.headers['x-powered-by'], undefined);
    assert.equal(response.body, 'ok');
  });

  it('sets custom response headers on answers Junction writes itself', async (t) => {
    const dead = await startUpstream(t);
    await dead.close();
    const { junction } = await withMiddlewares(t, 'custom:\n  headers:\n    customResponseHeaders:\n      X-Served-By: "junction"', ['custom'], { upstream: dead });

    const response = await get(`${junction.url('web')}/`);

    assert.equal(response.status, 502);
    assert.equal(response.headers['x-served-by'], 'junction');
  });

  it('overrides the Host sent upstream when customRequestHeaders sets Host', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'custom:\n  headers:\n    customRequestHeaders:\n      Host: "rewritten.test"', ['custom']);

    await get(`${junction.url('web')}/`, { headers: { host: 'original.test' } });

    assert.equal(upstream.lastRequest.headers.host, 'rewritten.test');
  });
});
