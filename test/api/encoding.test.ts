import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goDuration } from '../../src/api/go-duration.js';
import { goJson } from '../../src/api/go-json.js';
import { goPriority } from '../../src/api/representations.js';

describe('goDuration', () => {
  for (const { ms, text } of [
    { ms: 0, text: '0s' },
    { ms: 100, text: '100ms' },
    { ms: 1500, text: '1.5s' },
    { ms: 10_000, text: '10s' },
    { ms: 60_000, text: '1m0s' },
    { ms: 180_000, text: '3m0s' },
    { ms: 3_661_000, text: '1h1m1s' },
  ]) {
    it(`prints ${ms} ms as ${text}`, () => assert.equal(goDuration(ms), text));
  }
});

describe('goJson', () => {
  it('escapes HTML-sensitive characters and ends with a newline, as Go\'s json.Encoder', () => {
    assert.equal(goJson({ rule: 'Host(`a`) && Path(`/<x>`)' }), '{"rule":"Host(`a`) \\u0026\\u0026 Path(`/\\u003cx\\u003e`)"}\n');
  });

  it('writes bigints as plain integers', () => {
    assert.equal(goJson({ priority: 9223372036854775806n }), '{"priority":9223372036854775806}\n');
  });
});

describe('goPriority', () => {
  it('shows the internal priorities as Traefik\'s MaxInt64 and below', () => {
    assert.equal(goPriority(Number.MAX_SAFE_INTEGER), 9223372036854775807n);
    assert.equal(goPriority(Number.MAX_SAFE_INTEGER - 2), 9223372036854775805n);
  });

  it('keeps ordinary priorities', () => {
    assert.equal(goPriority(42), 42);
  });
});
