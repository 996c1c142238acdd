import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { withMiddlewares } from '../../support/middleware.js';

describe('stripPrefix', () => {
  it('forwards /api/users as /users and sets X-Forwarded-Prefix', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'strip:\n  stripPrefix:\n    prefixes: [/api]', ['strip']);

    const response = await get(`${junction.url('web')}/api/users?page=2`);

    assert.equal(response.status, 200);
    assert.equal(upstream.lastRequest.url, '/users?page=2');
    assert.equal(upstream.lastRequest.headers['x-forwarded-prefix'], '/api');
  });

  it('turns a path equal to the prefix into /', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'strip:\n  stripPrefix:\n    prefixes: [/abc]', ['strip']);

    await get(`${junction.url('web')}/abc`);

    assert.equal(upstream.lastRequest.url, '/');
    assert.equal(upstream.lastRequest.headers['x-forwarded-prefix'], '/abc');
  });

  it('strips character-wise and adds the leading slash back', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'strip:\n  stripPrefix:\n    prefixes: [/api]', ['strip']);

    await get(`${junction.url('web')}/api-v2/x`);

    assert.equal(upstream.lastRequest.url, '/-v2/x');
  });

  it('removes only the first matching prefix of the list', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'strip:\n  stripPrefix:\n    prefixes: [/a, /a/b]', ['strip']);

    await get(`${junction.url('web')}/a/b/c`);

    assert.equal(upstream.lastRequest.url, '/b/c');
    assert.equal(upstream.lastRequest.headers['x-forwarded-prefix'], '/a');
  });

  it('leaves a path without the prefix untouched and sets no header', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'strip:\n  stripPrefix:\n    prefixes: [/api]', ['strip']);

    await get(`${junction.url('web')}/other`);

    assert.equal(upstream.lastRequest.url, '/other');
    assert.equal(upstream.lastRequest.headers['x-forwarded-prefix'], undefined);
  });

  it('keeps encoded slashes encoded in what it forwards', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'strip:\n  stripPrefix:\n    prefixes: [/api]', ['strip']);

    const response = await get(`${junction.url('web')}/api%2F..%2Fadmin`);

    assert.equal(response.status, 200);
    assert.equal(upstream.lastRequest.url, '/%2F..%2Fadmin');
  });
});
