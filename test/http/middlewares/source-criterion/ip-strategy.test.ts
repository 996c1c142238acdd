import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../../src/config/errors.js';
import type { Exchange } from '../../../../src/http/exchange.js';
import { compileIpChecker, compileIpStrategy, type IpStrategyConfig } from '../../../../src/http/middlewares/source-criterion/ip-strategy.js';

/** The parts of an exchange the strategies read: the peer address and the X-Forwarded-For lines. */
function exchangeWith(options: { clientIp?: string; forwardedFor?: string | readonly string[] }): Exchange {
  const lines = options.forwardedFor === undefined ? [] : typeof options.forwardedFor === 'string' ? [options.forwardedFor] : [...options.forwardedFor];
  const headers = lines.length === 0 ? {} : { 'x-forwarded-for': lines.join(', ') };
  const headersDistinct = lines.length === 0 ? {} : { 'x-forwarded-for': lines };
  return { request: { headers, headersDistinct }, clientIp: options.clientIp ?? '192.0.2.1' } as unknown as Exchange;
}

function pick(config: IpStrategyConfig | undefined, options: Parameters<typeof exchangeWith>[0]): string {
  return compileIpStrategy(config, 'ipStrategy')(exchangeWith(options));
}

describe('ipStrategy', () => {
  describe('without depth or excludedIPs (the connection address)', () => {
    it('returns the client address', () => {
      assert.equal(pick(undefined, {}), '192.0.2.1');
      assert.equal(pick({}, { clientIp: '::abcd:ffff:c0a8:1' }), '::abcd:ffff:c0a8:1');
    });

    it('ignores X-Forwarded-For', () => {
      assert.equal(pick({}, { forwardedFor: '10.0.0.1' }), '192.0.2.1');
    });

    it('leaves IPv4 alone with ipv6Subnet', () => {
      assert.equal(pick({ ipv6Subnet: 24 }, {}), '192.0.2.1');
    });

    it('folds an IPv6 address into its subnet with ipv6Subnet', () => {
      assert.equal(pick({ ipv6Subnet: 80 }, { clientIp: '::abcd:ffff:c0a8:1' }), '::abcd:0:0:0');
    });
  });

  describe('depth', () => {
    const cases: Array<{ description: string; depth: number; forwardedFor: string; expected: string; ipv6Subnet?: number }> = [
      { description: 'takes the depth-th entry from the right', depth: 3, forwardedFor: '10.0.0.4,10.0.0.3,10.0.0.2,10.0.0.1', expected: '10.0.0.3' },
      { description: 'returns nothing when the header is shorter than the depth', depth: 2, forwardedFor: '', expected: '' },
      { description: 'reaches the first entry', depth: 2, forwardedFor: '10.0.0.2,10.0.0.1', expected: '10.0.0.2' },
      { description: 'leaves an IPv4 entry alone with ipv6Subnet', depth: 2, forwardedFor: '10.0.0.3,10.0.0.2,10.0.0.1', expected: '10.0.0.2', ipv6Subnet: 80 },
      { description: 'folds an IPv6 entry with ipv6Subnet', depth: 2, forwardedFor: '10.0.0.3,::abcd:ffff:c0a8:1,10.0.0.1', expected: '::abcd:0:0:0', ipv6Subnet: 80 },
      { description: 'trims spaces around entries', depth: 2, forwardedFor: '10.0.0.1, 11.0.0.1 , 12.0.0.1', expected: '11.0.0.1' },
      { description: 'reads the documentation example at depth 1', depth: 1, forwardedFor: '10.0.0.1,11.0.0.1,12.0.0.1,13.0.0.1', expected: '13.0.0.1' },
      { description: 'reads the documentation example at depth 5', depth: 5, forwardedFor: '10.0.0.1,11.0.0.1,12.0.0.1,13.0.0.1', expected: '' },
    ];
    for (const { description, depth, forwardedFor, expected, ipv6Subnet } of cases) {
      it(`${description}: ${JSON.stringify(forwardedFor)} at depth ${depth} is ${JSON.stringify(expected)}`, () => {
        assert.equal(pick({ depth, ...(ipv6Subnet !== undefined ? { ipv6Subnet } : {}) }, { forwardedFor }), expected);
      });
    }

    it('reads only the first X-Forwarded-For line, as Go does', () => {
      assert.equal(pick({ depth: 1 }, { forwardedFor: ['10.0.0.1, 10.0.0.2', '10.0.0.3'] }), '10.0.0.2');
    });

    it('returns nothing without X-Forwarded-For', () => {
      assert.equal(pick({ depth: 1 }, {}), '');
    });

    it('wins over excludedIPs, which are then not even checked', () => {
      assert.equal(pick({ depth: 1, excludedIPs: ['not an ip'] }, { forwardedFor: '10.0.0.1' }), '10.0.0.1');
    });

    it('is ignored when 0 or negative', () => {
      assert.equal(pick({ depth: 0 }, { forwardedFor: '10.0.0.1' }), '192.0.2.1');
      assert.equal(pick({ depth: -1 }, { forwardedFor: '10.0.0.1' }), '192.0.2.1');
    });
  });

  describe('excludedIPs', () => {
    const cases: Array<{ description: string; excludedIPs: string[]; forwardedFor: string; expected: string }> = [
      { description: 'returns nothing when every entry is excluded', excludedIPs: ['10.0.0.4', '10.0.0.3', '10.0.0.2', '10.0.0.1'], forwardedFor: '10.0.0.4,10.0.0.3,10.0.0.2,10.0.0.1', expected: '' },
      { description: 'returns the first entry from the right that is not excluded', excludedIPs: ['10.0.0.2', '10.0.0.1'], forwardedFor: '10.0.0.4,10.0.0.3,10.0.0.2,10.0.0.1', expected: '10.0.0.3' },
      { description: 'matches CIDR ranges', excludedIPs: ['10.0.0.1/24'], forwardedFor: '127.0.0.1,10.0.0.4,10.0.0.3,10.0.0.2,10.0.0.1', expected: '127.0.0.1' },
      { description: 'returns nothing when a range covers every entry', excludedIPs: ['10.0.0.1/24'], forwardedFor: '10.0.0.4,10.0.0.3,10.0.0.2,10.0.0.1', expected: '' },
      { description: 'reads the documentation example with 12 and 13 excluded', excludedIPs: ['12.0.0.1', '13.0.0.1'], forwardedFor: '10.0.0.1,11.0.0.1,12.0.0.1,13.0.0.1', expected: '11.0.0.1' },
      { description: 'reads the documentation example with 15 and 13 excluded', excludedIPs: ['15.0.0.1', '13.0.0.1'], forwardedFor: '10.0.0.1,11.0.0.1,12.0.0.1,13.0.0.1', expected: '12.0.0.1' },
      { description: 'reads the documentation example with none excluded', excludedIPs: ['15.0.0.1', '16.0.0.1'], forwardedFor: '10.0.0.1,11.0.0.1,12.0.0.1,13.0.0.1', expected: '13.0.0.1' },
      { description: 'skips empty entries', excludedIPs: ['10.0.0.9'], forwardedFor: '10.0.0.1, ,,10.0.0.9', expected: '10.0.0.1' },
      { description: 'returns an entry that is not an address, since it is not excluded', excludedIPs: ['10.0.0.9'], forwardedFor: '10.0.0.1, unknown, 10.0.0.9', expected: 'unknown' },
    ];
    for (const { description, excludedIPs, forwardedFor, expected } of cases) {
      it(`${description}: ${JSON.stringify(forwardedFor)} without ${excludedIPs.join(' ')} is ${JSON.stringify(expected)}`, () => {
        assert.equal(pick({ excludedIPs }, { forwardedFor }), expected);
      });
    }

    it('ignores ipv6Subnet, which is then not even checked', () => {
      assert.equal(pick({ excludedIPs: ['10.0.0.9'], ipv6Subnet: 500 }, { forwardedFor: '2001:db8::1, 10.0.0.9' }), '2001:db8::1');
    });
  });

  describe('configuration errors', () => {
    it('refuses an ipv6Subnet of 0 or above 128 when it applies', () => {
      assert.throws(() => compileIpStrategy({ ipv6Subnet: 0 }, 'ipStrategy'), new ConfigError('ipStrategy.ipv6Subnet', '"0" is out of range 1-128'));
      assert.throws(() => compileIpStrategy({ depth: 1, ipv6Subnet: 129 }, 'ipStrategy'), new ConfigError('ipStrategy.ipv6Subnet', '"129" is out of range 1-128'));
    });

    it('refuses an excluded IP that is neither an address nor a range, with its index', () => {
      assert.throws(() => compileIpStrategy({ excludedIPs: ['10.0.0.1', 'foo'] }, 'sourceCriterion.ipStrategy'), new ConfigError('sourceCriterion.ipStrategy.excludedIPs[1]', 'invalid IP or CIDR "foo"'));
    });
  });
});

describe('compileIpChecker', () => {
  const cases: Array<{ description: string; ranges: string[]; inside: string[]; outside: string[] }> = [
    { description: 'IPv4 range', ranges: ['1.2.3.4/24'], inside: ['1.2.3.1', '1.2.3.32', '1.2.3.156', '1.2.3.255'], outside: ['1.2.16.1', '1.2.32.1', '127.0.0.1', '8.8.8.8'] },
    { description: 'single IPv4', ranges: ['8.8.8.8'], inside: ['8.8.8.8'], outside: ['8.8.8.7', '8.8.8.9', '8.8.8.0', '8.8.8.255', '4.4.4.4', '127.0.0.1'] },
    { description: 'IPv4 /32', ranges: ['8.8.8.8/32'], inside: ['8.8.8.8'], outside: ['8.8.8.7', '8.8.8.9', '4.4.4.4'] },
    { description: 'several IPv4 ranges', ranges: ['1.2.3.4/24', '8.8.8.8/8'], inside: ['1.2.3.1', '8.8.4.4', '8.0.0.1', '8.32.42.128', '8.255.255.255'], outside: ['1.2.16.1', '127.0.0.1', '4.4.4.4', '4.8.8.8'] },
    { description: 'IPv6 range', ranges: ['2a03:4000:6:d080::/64'], inside: ['2a03:4000:6:d080::', '2a03:4000:6:d080::1', '2a03:4000:6:d080:dead:beef:ffff:ffff', '2a03:4000:6:d080::42'], outside: ['2a03:4000:7:d080::', '2a03:4000:7:d080::1', 'fe80::', '4242::1'] },
    { description: 'single IPv6', ranges: ['2a03:4000:6:d080::42/128'], inside: ['2a03:4000:6:d080::42'], outside: ['2a03:4000:6:d080::1', '2a03:4000:6:d080::43'] },
    {
      description: 'IPv6 and IPv4 ranges, zones ignored',
      ranges: ['2a03:4000:6:d080::/64', 'fe80::/16', '1.2.3.4/24', '8.8.8.8/8'],
      inside: ['fe80::1', 'fe80:aa00:00bb:4232:ff00:eeee:00ff:1111', 'fe80:aa00:00bb:4232:ff00:eeee:00ff:1111%vEthernet', 'fe80::fe80', '1.2.3.1', '8.255.255.255'],
      outside: ['2a03:4000:7:d080::1', '2a03:4000:7:d080::1%vmnet1', '4242::1', '1.2.16.1', '127.0.0.1'],
    },
    { description: 'IPv4-mapped IPv6 clients', ranges: ['10.0.0.0/8'], inside: ['::ffff:10.1.2.3'], outside: ['::ffff:11.1.2.3'] },
    { description: 'all of IPv6, which holds no IPv4 client in Go', ranges: ['::/0'], inside: ['::1', '2001:db8::1'], outside: ['1.2.3.4', '::ffff:1.2.3.4'] },
    { description: 'all of IPv4, which holds no IPv6 client', ranges: ['0.0.0.0/0'], inside: ['1.2.3.4', '::ffff:1.2.3.4'], outside: ['::1', '2001:db8::1'] },
    { description: 'the IPv4-mapped block, which holds every IPv4 client in Go', ranges: ['::ffff:0:0/96'], inside: ['1.2.3.4', '::ffff:1.2.3.4'], outside: ['::1'] },
    { description: 'broken addresses', ranges: ['127.0.0.1/32', '1.2.3.4/24'], inside: [], outside: ['foo', '10.0.0.350', 'fe:::80', '', '\\&$§&/(', '0127.0.0.1', '127.0.0.1:80'] },
  ];
  for (const { description, ranges, inside, outside } of cases) {
    it(`tells who is in ${description}`, () => {
      const contains = compileIpChecker(ranges, 'sourceRange');
      for (const ip of inside) assert.equal(contains(ip), true, ip);
      for (const ip of outside) assert.equal(contains(ip), false, ip);
    });
  }
});
