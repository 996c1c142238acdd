import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode } from '../../../../src/config/schema.js';
import type { Exchange } from '../../../../src/http/exchange.js';
import { compileSourceCriterion, sourceCriterionSchema } from '../../../../src/http/middlewares/source-criterion/source-criterion.js';

function exchangeWith(headers: Record<string, string>, distinct: Record<string, string[]> = {}): Exchange {
  return { request: { headers, headersDistinct: distinct }, clientIp: '192.0.2.1' } as unknown as Exchange;
}

describe('sourceCriterion', () => {
  it('falls back to the client IP for rateLimit and to the host for inFlightReq when nothing is set', () => {
    const exchange = exchangeWith({ host: 'app.test:8080' });

    assert.equal(compileSourceCriterion(undefined, 'clientIp', 'sourceCriterion')(exchange), '192.0.2.1');
    assert.equal(compileSourceCriterion({}, 'clientIp', 'sourceCriterion')(exchange), '192.0.2.1');
    assert.equal(compileSourceCriterion({ requestHeaderName: '', requestHost: false }, 'clientIp', 'sourceCriterion')(exchange), '192.0.2.1');
    assert.equal(compileSourceCriterion(undefined, 'requestHost', 'sourceCriterion')(exchange), 'app.test:8080');
  });

  it('uses an empty ipStrategy as the client IP, even where the host is the default', () => {
    assert.equal(compileSourceCriterion({ ipStrategy: {} }, 'requestHost', 'sourceCriterion')(exchangeWith({ host: 'app.test' })), '192.0.2.1');
  });

  it('reads the first value of the named header, whatever the case of its name, and nothing when absent', () => {
    const extract = compileSourceCriterion({ requestHeaderName: 'X-Api-Key' }, 'clientIp', 'sourceCriterion');

    assert.equal(extract(exchangeWith({ 'x-api-key': 'alice' })), 'alice');
    assert.equal(extract(exchangeWith({ 'x-api-key': 'alice, bob' }, { 'x-api-key': ['alice', 'bob'] })), 'alice');
    assert.equal(extract(exchangeWith({ 'x-api-key': 'alice, bob' }, { 'x-api-key': ['alice, bob'] })), 'alice, bob');
    assert.equal(extract(exchangeWith({})), '');
  });

  it('uses the Host header as sent, port and case kept, with requestHost', () => {
    assert.equal(compileSourceCriterion({ requestHost: true }, 'clientIp', 'sourceCriterion')(exchangeWith({ host: 'App.Test:8080' })), 'App.Test:8080');
  });

  for (const [description, value, reason] of [
    ['ipStrategy and requestHeaderName', { ipStrategy: {}, requestHeaderName: 'X-Key' }, 'ipStrategy and requestHeaderName are mutually exclusive'],
    ['ipStrategy and requestHost', { ipStrategy: { depth: 1 }, requestHost: true }, 'ipStrategy and requestHost are mutually exclusive'],
    ['requestHost and requestHeaderName', { requestHeaderName: 'X-Key', requestHost: true }, 'requestHost and requestHeaderName are mutually exclusive'],
  ] as const) {
    it(`refuses ${description} together`, () => {
      const { errors } = decode(sourceCriterionSchema, value, { path: 'sourceCriterion' });

      assert.deepEqual(errors.map((error) => error.message), [`sourceCriterion: ${reason}`]);
    });
  }

  it('accepts an empty header name or a false requestHost beside ipStrategy', () => {
    const { errors } = decode(sourceCriterionSchema, { ipStrategy: {}, requestHeaderName: '', requestHost: false });

    assert.deepEqual(errors, []);
  });
});
