import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config/errors.js';
import { parseEntryPointAddress } from '../../../src/config/static/static-config.js';

const path = 'entryPoints.web.address';

describe('parseEntryPointAddress', () => {
  const valid = [
    { description: 'a bare port listens on all interfaces over tcp', address: ':80', expected: { host: '', port: 80, protocol: 'tcp' } },
    { description: 'an IPv4 host is kept', address: '0.0.0.0:80', expected: { host: '0.0.0.0', port: 80, protocol: 'tcp' } },
    { description: 'an IPv6 host loses its brackets', address: '[::]:80', expected: { host: '::', port: 80, protocol: 'tcp' } },
    { description: 'a loopback IPv6 host loses its brackets', address: '[::1]:8443', expected: { host: '::1', port: 8443, protocol: 'tcp' } },
    { description: 'an explicit tcp protocol is accepted', address: ':80/tcp', expected: { host: '', port: 80, protocol: 'tcp' } },
    { description: 'the udp protocol is accepted', address: ':53/udp', expected: { host: '', port: 53, protocol: 'udp' } },
    { description: 'the protocol is matched case-insensitively', address: ':53/UDP', expected: { host: '', port: 53, protocol: 'udp' } },
    { description: 'a host name is kept', address: 'localhost:8080', expected: { host: 'localhost', port: 8080, protocol: 'tcp' } },
    { description: 'port 0 asks for a free port', address: '127.0.0.1:0', expected: { host: '127.0.0.1', port: 0, protocol: 'tcp' } },
  ] as const;
  for (const { description, address, expected } of valid) {
    it(`parses ${address}: ${description}`, () => {
      assert.deepEqual(parseEntryPointAddress(address, path), expected);
    });
  }

  const invalid = [
    { description: 'a port above 65535', address: ':80800', message: 'entryPoints.web.address: port "80800" is out of range 1-65535' },
    { description: 'a protocol other than tcp or udp', address: ':80/sctp', message: 'entryPoints.web.address: unknown protocol "sctp"; expected tcp or udp' },
    { description: 'a colon without port', address: ':', message: 'entryPoints.web.address: missing port in ":"' },
    { description: 'a port without colon', address: '80', message: 'entryPoints.web.address: missing port in "80"' },
    { description: 'an empty address', address: '', message: 'entryPoints.web.address: missing port in ""' },
    { description: 'a port that is not a number', address: ':http', message: 'entryPoints.web.address: invalid port "http" in ":http"' },
    { description: 'an IPv6 address without brackets', address: '::1:80', message: 'entryPoints.web.address: too many colons in "::1:80"; write IPv6 addresses in brackets, such as "[::1]:80"' },
    { description: 'brackets around something else than IPv6', address: '[localhost]:80', message: 'entryPoints.web.address: invalid IPv6 address "localhost" in "[localhost]:80"' },
    { description: 'an unclosed bracket', address: '[::1:80', message: 'entryPoints.web.address: missing "]" in "[::1:80"' },
  ] as const;
  for (const { description, address, message } of invalid) {
    it(`refuses ${description}`, () => {
      assert.throws(() => parseEntryPointAddress(address, path), (error: unknown) => error instanceof ConfigError && error.message === message);
    });
  }
});
