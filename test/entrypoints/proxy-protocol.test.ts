import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peekProxyHeader } from '../../src/entrypoints/proxy-protocol.js';
import { proxyProtocolHeader } from '../../src/tcp/proxy-protocol-header.js';

describe('peekProxyHeader', () => {
  const cases = [
    { description: 'a v1 TCP4 header', input: 'PROXY TCP4 192.0.2.1 192.0.2.2 1234 80\r\nGET', expected: { kind: 'header', length: 40, source: { ip: '192.0.2.1', port: 1234 } } },
    { description: 'a v1 TCP6 header', input: 'PROXY TCP6 2001:db8::1 2001:db8::2 1234 443\r\n', expected: { kind: 'header', length: 45, source: { ip: '2001:db8::1', port: 1234 } } },
    { description: 'a v1 UNKNOWN header', input: 'PROXY UNKNOWN\r\n', expected: { kind: 'header', length: 15, source: undefined } },
    { description: 'an incomplete v1 header', input: 'PROXY TCP4 192.0.2.1', expected: { kind: 'more' } },
    { description: 'the first bytes of a v1 header', input: 'PRO', expected: { kind: 'more' } },
    { description: 'a v1 header with a bad address', input: 'PROXY TCP4 300.0.2.1 192.0.2.2 1234 80\r\n', expected: { kind: 'malformed', reason: 'invalid PROXY v1 addresses' } },
    { description: 'no header', input: 'GET / HTTP/1.1\r\n', expected: { kind: 'none' } },
  ] as const;
  for (const { description, input, expected } of cases) {
    it(`reads ${description}`, () => {
      assert.deepEqual(peekProxyHeader(Buffer.from(input, 'latin1')), expected);
    });
  }

  it('reads back the v2 headers Junction writes, IPv4 and IPv6', () => {
    const v4 = proxyProtocolHeader(2, { ip: '203.0.113.9', port: 5555 }, { ip: '10.0.0.1', port: 443 });
    assert.deepEqual(peekProxyHeader(v4), { kind: 'header', length: 28, source: { ip: '203.0.113.9', port: 5555 } });
    const v6 = proxyProtocolHeader(2, { ip: '2001:db8::9', port: 6666 }, { ip: '::1', port: 443 });
    assert.deepEqual(peekProxyHeader(v6), { kind: 'header', length: 52, source: { ip: '2001:db8::9', port: 6666 } });
  });

  it('writes v1 headers as Traefik does', () => {
    assert.equal(proxyProtocolHeader(1, { ip: '203.0.113.9', port: 5555 }, { ip: '10.0.0.1', port: 443 }).toString(), 'PROXY TCP4 203.0.113.9 10.0.0.1 5555 443\r\n');
    assert.equal(proxyProtocolHeader(1, { ip: '2001:db8::9', port: 5555 }, { ip: '::1', port: 443 }).toString(), 'PROXY TCP6 2001:db8::9 ::1 5555 443\r\n');
  });

  it('reads a v2 LOCAL header as no client address', () => {
    const local = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x20, 0x00, 0x00, 0x00]);
    assert.deepEqual(peekProxyHeader(local), { kind: 'header', length: 16, source: undefined });
  });
});
