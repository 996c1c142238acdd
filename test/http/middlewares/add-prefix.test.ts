import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get } from '../../support/http.js';
import { withMiddlewares } from '../../support/middleware.js';

describe('addPrefix', () => {
  it('prepends the prefix to the path and keeps the query', async (t) => {
    const { junction, upstream } = await withMiddlewares(t, 'add:\n  addPrefix:\n    prefix: /v1', ['add']);

    await get(`${junction.url('web')}/users?id=3`);

    assert.equal(upstream.lastRequest.url, '/v1/users?id=3');
  });

  it('composes with stripPrefix in the order the router lists them', async (t) => {
    const { junction, upstream } = await withMiddlewares(
      t,
      'strip:\n  stripPrefix:\n    prefixes: [/public]\nadd:\n  addPrefix:\n    prefix: /internal',
      ['strip', 'add'],
    );

    await get(`${junction.url('web')}/public/docs`);

    assert.equal(upstream.lastRequest.url, '/internal/docs');
  });
});
