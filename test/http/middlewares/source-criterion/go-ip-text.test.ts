import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAddr, ipv6SubnetAddress, parseAddr, splitHostPort } from '../../../../src/http/middlewares/source-criterion/go-ip-text.js';

describe('splitHostPort', () => {
  const cases: Array<{ description: string; input: string; expected: { host: string; port: string } | undefined }> = [
    { description: 'splits an IPv4 address and its port', input: '1.2.3.4:80', expected: { host: '1.2.3.4', port: '80' } },
    { description: 'unwraps a bracketed IPv6 address', input: '[::1]:80', expected: { host: '::1', port: '80' } },
    { description: 'keeps the zone of a bracketed IPv6 address', input: '[fe80::1%eth0]:80', expected: { host: 'fe80::1%eth0', port: '80' } },
    { description: 'accepts an empty port', input: 'localhost:', expected: { host: 'localhost', port: '' } },
    { description: 'accepts an empty host', input: ':80', expected: { host: '', port: '80' } },
    { description: 'refuses an address without port', input: '1.2.3.4', expected: undefined },
    { description: 'refuses a bare IPv6 address (too many colons)', input: '::1', expected: undefined },
    { description: 'refuses brackets without port', input: '[::1]', expected: undefined },
    { description: 'refuses a missing closing bracket', input: '[::1:80', expected: undefined },
    { description: 'refuses text after the closing bracket', input: '[::1]x:80', expected: undefined },
    { description: 'refuses a stray opening bracket', input: 'a[b:80', expected: undefined },
    { description: 'refuses a stray closing bracket', input: 'a]b:80', expected: undefined },
  ];
  for (const { description, input, expected } of cases) {
    it(`${description}: ${input}`, () => {
      assert.deepEqual(splitHostPort(input), expected);
    });
  }
});

describe('parseAddr', () => {
  it('reads dotted IPv4 and refuses leading zeros, as netip.ParseAddr', () => {
    assert.deepEqual(parseAddr('10.0.0.1')?.bytes, [10, 0, 0, 1]);
    assert.equal(parseAddr('010.0.0.1'), undefined);
    assert.equal(parseAddr('0127.2.3.1'), undefined);
  });

  it('reads IPv6 with an optional zone, and refuses a zone on IPv4 or an empty zone', () => {
    assert.equal(parseAddr('fe80::1%vEthernet')?.zone, 'vEthernet');
    assert.equal(parseAddr('1.2.3.4%eth0'), undefined);
    assert.equal(parseAddr('fe80::1%'), undefined);
  });

  it('refuses what is not an address', () => {
    for (const text of ['foo', '10.0.0.350', 'fe:::80', '', '\\&$§&/(', '1.2.3.4:80']) assert.equal(parseAddr(text), undefined, text);
  });
});

describe('formatAddr', () => {
  const cases: Array<[string, string]> = [
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::abcd:ffff:c0a8:1', '::abcd:ffff:c0a8:1'],
    ['fe80::1%eth0', 'fe80::1%eth0'],
  ];
  for (const [input, expected] of cases) {
    it(`writes ${input} as Go does: ${expected}`, () => {
      assert.equal(formatAddr(parseAddr(input)!), expected);
    });
  }
});

describe('ipv6SubnetAddress', () => {
  const cases: Array<{ description: string; ip: string; bits: number; expected: string }> = [
    { description: 'keeps the first 80 bits', ip: '::abcd:ffff:c0a8:1', bits: 80, expected: '::abcd:0:0:0' },
    { description: 'drops the zone', ip: '::abcd:ffff:c0a8:1%1', bits: 80, expected: '::abcd:0:0:0' },
    { description: 'folds a /64 to its network', ip: '::abcd:1111:2222:3333', bits: 64, expected: '::' },
    { description: 'keeps 96 bits', ip: '::abcd:1111:2222:3333', bits: 96, expected: '::abcd:1111:0:0' },
    { description: 'masks inside a group', ip: '2001:db8:ffff::1', bits: 36, expected: '2001:db8:f000::' },
    { description: 'leaves IPv4 unchanged', ip: '192.0.2.1', bits: 24, expected: '192.0.2.1' },
    { description: 'leaves unparsable text unchanged', ip: 'not-an-ip', bits: 64, expected: 'not-an-ip' },
    { description: 'leaves an out-of-range length unchanged', ip: '::abcd:ffff:c0a8:1', bits: 500, expected: '::abcd:ffff:c0a8:1' },
  ];
  for (const { description, ip, bits, expected } of cases) {
    it(`${description}: ${ip}/${bits} is ${expected}`, () => {
      assert.equal(ipv6SubnetAddress(ip, bits), expected);
    });
  }
});
