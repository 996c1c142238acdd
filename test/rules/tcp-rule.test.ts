import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTcpRule, defaultTcpPriority } from '../../src/rules/tcp-rule.js';

const request = (serverName: string, clientIp = '192.0.2.10', alpnProtocols: string[] = []) => ({ serverName, clientIp, alpnProtocols });

describe('TCP rules', () => {
  const cases = [
    { description: 'HostSNI(`*`) matches without SNI', rule: 'HostSNI(`*`)', request: request(''), expected: true },
    { description: 'HostSNI matches its name case-insensitively', rule: 'HostSNI(`DB.Example.test`)', request: request('db.example.test'), expected: true },
    { description: 'HostSNI ignores a trailing dot in the rule', rule: 'HostSNI(`db.test.`)', request: request('db.test'), expected: true },
    { description: 'HostSNI does not match another name', rule: 'HostSNI(`db.test`)', request: request('web.test'), expected: false },
    { description: 'a HostSNI wildcard matches one label', rule: 'HostSNI(`*.example.test`)', request: request('db.example.test'), expected: true },
    { description: 'a HostSNI wildcard does not match two labels', rule: 'HostSNI(`*.example.test`)', request: request('a.db.example.test'), expected: false },
    { description: 'a HostSNI wildcard does not match the apex', rule: 'HostSNI(`*.example.test`)', request: request('example.test'), expected: false },
    { description: 'HostSNIRegexp matches a pattern', rule: 'HostSNIRegexp(`^db[0-9]+\\.test$`)', request: request('db12.test'), expected: true },
    { description: 'ClientIP matches a range', rule: 'ClientIP(`192.0.2.0/24`)', request: request(''), expected: true },
    { description: 'ClientIP refuses another range', rule: 'ClientIP(`10.0.0.0/8`)', request: request(''), expected: false },
    { description: 'ALPN matches an offered protocol', rule: 'ALPN(`h2`)', request: request('x', '1.1.1.1', ['http/1.1', 'h2']), expected: true },
    { description: 'combinations follow && and ||', rule: 'HostSNI(`a.test`) && ClientIP(`10.0.0.0/8`) || HostSNI(`b.test`)', request: request('b.test'), expected: true },
    { description: 'negation', rule: '!HostSNI(`a.test`)', request: request('b.test'), expected: true },
  ];
  for (const { description, rule, request: input, expected } of cases) {
    it(description, () => {
      assert.equal(compileTcpRule(rule).match(input), expected);
    });
  }

  it('v2 syntax takes several values in one matcher', () => {
    assert.equal(compileTcpRule('HostSNI(`a.test`, `b.test`)', 'v2').match(request('b.test')), true);
    assert.throws(() => compileTcpRule('HostSNI(`a.test`, `b.test`)', 'v3'), /HostSNI: expected 1 argument, got 2/);
  });

  it('refuses invalid values with the column', () => {
    assert.throws(() => compileTcpRule('HostSNI(`bad name`)'), /HostSNI: invalid value for HostSNI matcher, "bad name" is not a valid hostname at col 1/);
    assert.throws(() => compileTcpRule('ALPN(`acme-tls/1`)'), /is not allowed/);
    assert.throws(() => compileTcpRule('Host(`a.test`)'), /unknown matcher "Host" at col 1/);
  });

  it('lists the HostSNI values and gives HostSNI(`*`) the priority -1', () => {
    assert.deepEqual(compileTcpRule('HostSNI(`A.test`) || HostSNI(`*`)').hostSnis, ['a.test', '*']);
    assert.equal(defaultTcpPriority('HostSNI(`*`)'), -1);
    assert.equal(defaultTcpPriority('HostSNI(`a.test`)'), 17);
  });
});
