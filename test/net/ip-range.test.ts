import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkIpOrCidr, compileIpMatcher, normalizeIp } from '../../src/net/ip-range.js';

describe('compileIpMatcher', () => {
  it('matches addresses and ranges of both families', () => {
    const matches = compileIpMatcher(['10.0.0.0/8', '192.168.1.7', 'fd00::/8'], 'trustedIPs');
    assert.equal(matches('10.20.30.40'), true);
    assert.equal(matches('192.168.1.7'), true);
    assert.equal(matches('192.168.1.8'), false);
    assert.equal(matches('fd12::1'), true);
    assert.equal(matches('fe80::1'), false);
  });

  it('never lets an IPv6 range admit IPv4 clients, as Go does', () => {
    const matches = compileIpMatcher(['::/0'], 'trustedIPs');
    assert.equal(matches('1.2.3.4'), false);
    assert.equal(matches('::1'), true);
  });

  it('reads IPv4-mapped IPv6 clients and ranges as IPv4', () => {
    const matches = compileIpMatcher(['::ffff:10.0.0.0/104'], 'trustedIPs');
    assert.equal(matches('10.1.2.3'), true);
    assert.equal(matches('::ffff:10.1.2.3'), true);
    assert.equal(normalizeIp('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(normalizeIp('::ffff:102:304'), '1.2.3.4');
    assert.equal(compileIpMatcher(['::ffff:0:0/96'], 'sourceRange')('1.2.3.4'), true);
  });

  it('names the entry of a bad range by its index', () => {
    assert.throws(() => compileIpMatcher(['10.0.0.0/8', '10.0.0.300'], 'entryPoints.web.forwardedHeaders.trustedIPs'), {
      message: 'entryPoints.web.forwardedHeaders.trustedIPs[1]: invalid IP or CIDR "10.0.0.300"',
    });
    assert.equal(checkIpOrCidr('10.0.0.0/33'), 'invalid IP or CIDR "10.0.0.0/33"');
  });
});
