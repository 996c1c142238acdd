import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldSelection, splitHostPort } from '../../../src/observability/access-log/access-log-fields.js';
import { commonLogTime, rfc3339Nano } from '../../../src/observability/access-log/go-time.js';

function selection(fields: { defaultMode?: 'keep' | 'drop'; names?: Record<string, 'keep' | 'drop'>; headers?: { defaultMode?: 'keep' | 'drop' | 'redact'; names?: Record<string, 'keep' | 'drop' | 'redact'> } }): FieldSelection {
  return new FieldSelection({
    defaultMode: fields.defaultMode ?? 'keep',
    names: fields.names ?? {},
    headers: { defaultMode: fields.headers?.defaultMode ?? 'drop', names: fields.headers?.names ?? {} },
    queryParameters: { defaultMode: 'keep' },
  });
}

describe('access log field selection', () => {
  it('matches field names case-insensitively, falling back to defaultMode', () => {
    const chosen = selection({ defaultMode: 'drop', names: { clienthost: 'keep' } });
    assert.equal(chosen.keeps('ClientHost'), true);
    assert.equal(chosen.keeps('RouterName'), false);
  });

  it('matches header names in their canonical spelling', () => {
    const chosen = selection({ headers: { defaultMode: 'keep', names: { 'user-agent': 'redact', AUTHORIZATION: 'drop' } } });
    assert.equal(chosen.headerMode('User-Agent'), 'redact');
    assert.equal(chosen.headerMode('Authorization'), 'drop');
    assert.equal(chosen.headerMode('Referer'), 'keep');
  });

  it('captures downstream headers only when some header can be kept or redacted', () => {
    assert.equal(selection({}).keepsHeaders, false);
    assert.equal(selection({ headers: { names: { 'X-Id': 'keep' } } }).keepsHeaders, true);
    assert.equal(selection({ headers: { defaultMode: 'redact' } }).keepsHeaders, true);
  });

  it('splits host and port as Go does, with "-" when there is no port', () => {
    assert.deepEqual(splitHostPort('example.com:8080'), ['example.com', '8080']);
    assert.deepEqual(splitHostPort('example.com'), ['example.com', '-']);
    assert.deepEqual(splitHostPort('[::1]:80'), ['::1', '80']);
    assert.deepEqual(splitHostPort('::1'), ['::1', '-']);
  });
});

describe('Go time layouts', () => {
  const at = Date.UTC(2024, 0, 2, 3, 4, 5, 120);

  it('formats the common log time in UTC', () => {
    assert.equal(commonLogTime(at, false), '02/Jan/2024:03:04:05 +0000');
  });

  it('formats RFC 3339 with the fraction\'s trailing zeros dropped', () => {
    assert.equal(rfc3339Nano(at, false), '2024-01-02T03:04:05.12Z');
    assert.equal(rfc3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5), false), '2024-01-02T03:04:05Z');
  });
});
