import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogFacts, LogFields } from '../../../src/observability/access-log/access-log-fields.js';
import { commonFormat, genericClfFormat, jsonFormat } from '../../../src/observability/access-log/access-log-formats.js';

const startedAtMs = Date.UTC(2016, 3, 13, 14, 14, 19);
const facts: LogFacts = { startedAtMs, durationMs: 1.5, status: 123, retryAttempts: 0 };

/** The fields of Traefik's own formatter tests. */
function traefikFields(): LogFields {
  return new Map<string, string | number>([
    ['ClientHost', 'TestHost'],
    ['ClientUsername', 'TestUser'],
    ['StartUTC', '2016-04-13T14:14:19Z'],
    ['RequestMethod', 'POST'],
    ['RequestPath', 'testpath?param1=test1&param2=test2'],
    ['RequestProtocol', 'HTTP/0.0'],
    ['DownstreamStatus', 123],
    ['DownstreamContentSize', 12],
    ['request_Referer', 'testReferer'],
    ['request_User-Agent', 'testUserAgent'],
    ['RequestCount', 1],
    ['RouterName', 'testRouter'],
    ['ServiceURL', 'http://127.0.0.1/testService'],
    ['Duration', 1_500_000],
  ]);
}

describe('access log formats', () => {
  it('writes the common format in Traefik\'s field order', () => {
    assert.equal(
      commonFormat(traefikFields(), facts),
      'TestHost - TestUser [13/Apr/2016:14:14:19 +0000] "POST testpath?param1=test1&param2=test2 HTTP/0.0" 123 12 "testReferer" "testUserAgent" 1 "testRouter" "http://127.0.0.1/testService" 1ms\n',
    );
  });

  it('writes "-" for every dropped field, as Traefik with defaultMode drop and headers dropped', () => {
    assert.equal(commonFormat(new Map(), facts), '- - - [-] "- - -" - - "-" "-" - "-" "-" 0ms\n');
  });

  it('quotes and escapes double quotes in the quoted fields', () => {
    const fields = traefikFields();
    fields.set('request_User-Agent', 'say "hi"');
    assert.match(commonFormat(fields, facts), / "say \\"hi\\"" /);
  });

  it('writes genericCLF without the request count, router, server URL and duration', () => {
    assert.equal(
      genericClfFormat(traefikFields(), facts),
      'TestHost - TestUser [13/Apr/2016:14:14:19 +0000] "POST testpath?param1=test1&param2=test2 HTTP/0.0" 123 12 "testReferer" "testUserAgent"\n',
    );
  });

  it('writes JSON with sorted keys, logrus\'s level, msg and time, and Go\'s HTML escaping', () => {
    const line = jsonFormat(new Map<string, string | number>([['RequestPath', '/a?b=<c>&d'], ['DownstreamStatus', 200]]), facts);
    assert.equal(line, '{"DownstreamStatus":200,"RequestPath":"/a?b=\\u003cc\\u003e\\u0026d","level":"info","msg":"","time":"2016-04-13T14:14:19Z"}\n');
  });
});
