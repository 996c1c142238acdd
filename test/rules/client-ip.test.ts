import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { compileIpCheck } from '../../src/rules/client-ip.js';
import { hostIndexKey } from '../../src/rules/http-rule.js';

describe('compileIpCheck', () => {
  const cases: ReadonlyArray<{ description: string; values: string[]; inside: string[]; outside: string[] }> = [
    { description: 'compares IPv4 addresses', values: ['192.168.1.1'], inside: ['192.168.1.1', '::ffff:192.168.1.1'], outside: ['192.168.1.2', '::1'] },
    { description: 'compares IPv6 addresses in any spelling', values: ['2001:DB8::1'], inside: ['2001:db8::1', '2001:db8:0:0:0:0:0:1', '2001:db8::1%eth0'], outside: ['2001:db8::2'] },
    { description: 'masks IPv4 ranges', values: ['10.0.0.0/8'], inside: ['10.255.255.255', '::ffff:10.1.1.1'], outside: ['11.0.0.0', '::a00:1'] },
    { description: 'masks IPv6 ranges', values: ['2001:db8::/32'], inside: ['2001:db8:ffff::1'], outside: ['2001:db9::', '10.0.0.1'] },
    { description: 'matches all IPv4 with 0.0.0.0/0', values: ['0.0.0.0/0'], inside: ['1.2.3.4', '255.255.255.255'], outside: ['::1', '::'] },
    { description: 'matches an IPv4-mapped range as IPv4', values: ['::ffff:10.0.0.0/104'], inside: ['10.9.9.9'], outside: ['11.0.0.1', '::1'] },
    { description: 'reads embedded IPv4 in IPv6 values', values: ['64:ff9b::192.0.2.1'], inside: ['64:ff9b::c000:201'], outside: ['192.0.2.1'] },
    { description: 'matches any of several values', values: ['10.0.0.1', '192.168.0.0/16'], inside: ['10.0.0.1', '192.168.5.5'], outside: ['10.0.0.2'] },
    { description: 'never matches what is not an address', values: ['0.0.0.0/0', '::/0'], inside: ['1.1.1.1'], outside: ['', 'localhost', '1', '1.2.3', '01.2.3.4', '1.2.3.4:80', '[::1]'] },
  ];
  for (const { description, values, inside, outside } of cases) {
    it(description, () => {
      const check = compileIpCheck(values);
      assert.equal(typeof check, 'function');
      const isAllowed = check as (address: string) => boolean;
      assert.deepEqual(
        [...inside, ...outside].map((address) => [address, isAllowed(address)]),
        [...inside.map((address) => [address, true]), ...outside.map((address) => [address, false])],
      );
    });
  }

  const invalid: ReadonlyArray<{ description: string; values: string[]; index: number }> = [
    { description: 'a hostname', values: ['localhost'], index: 0 },
    { description: 'an IPv4 field above 255', values: ['10.0.0.1', '10.0.0.256'], index: 1 },
    { description: 'an IPv4 address with five fields', values: ['1.2.3.4.5'], index: 0 },
    { description: 'an IPv6 address with two "::"', values: ['1::2::3'], index: 0 },
    { description: 'an IPv6 group of five digits', values: ['12345::'], index: 0 },
    { description: 'an IPv6 address with nine groups', values: ['1:2:3:4:5:6:7:8:9'], index: 0 },
    { description: 'an IPv6 prefix beyond 128 bits', values: ['::/129'], index: 0 },
    { description: 'a CIDR without prefix length', values: ['10.0.0.0/'], index: 0 },
    { description: 'a zone in a range', values: ['fe80::%eth0/64'], index: 0 },
  ];
  for (const { description, values, index } of invalid) {
    it(`reports the index of ${description}`, () => {
      assert.equal(compileIpCheck(values), index);
    });
  }
});

describe('hostIndexKey', () => {
  it('drops every trailing dot so it finds the routers of a host written with or without one', () => {
    assert.deepEqual(['a.com', 'a.com.', 'a.com..', ''].map(hostIndexKey), ['a.com', 'a.com', 'a.com', '']);
  });
});
