import { BlockList, isIP } from 'node:net';
import { ConfigError, joinPath, quote } from '../config/errors.js';

/** Reduces an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) to IPv4 and drops an IPv6 zone. */
export function normalizeIp(address: string): string {
  const zone = address.indexOf('%');
  if (zone !== -1) address = address.slice(0, zone);
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) return address.slice(7);
  return address;
}

/** Returns `undefined` when `value` is an IP address or CIDR range, else the reason it is not. */
export function checkIpOrCidr(value: string): string | undefined {
  const [address = '', prefix, extra] = value.trim().split('/');
  const family = isIP(normalizeIp(address));
  if (family === 0 || extra !== undefined) return `invalid IP or CIDR ${quote(value)}`;
  if (prefix === undefined) return undefined;
  const bits = Number(prefix);
  const max = family === 4 || address.startsWith('::ffff:') ? (family === 4 ? 32 : 128) : 128;
  if (!/^\d+$/.test(prefix) || bits > max) return `invalid IP or CIDR ${quote(value)}`;
  return undefined;
}

/**
 * Compiles IPs and CIDR ranges into a membership test. Throws a ConfigError at `path[i]` for a bad entry.
 */
export function compileIpMatcher(ranges: readonly string[], path: string): (address: string) => boolean {
  const list = new BlockList();
  ranges.forEach((range, index) => {
    const problem = checkIpOrCidr(range);
    if (problem !== undefined) throw new ConfigError(joinPath(path, index), problem);
    const [rawAddress = '', prefix] = range.trim().split('/');
    const address = normalizeIp(rawAddress);
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix) - (rawAddress !== address ? 96 : 0), family);
  });
  return (candidate) => {
    const address = normalizeIp(candidate);
    const family = isIP(address);
    if (family === 0) return false;
    return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}
