import { BlockList, isIP } from 'node:net';
import { ConfigError, joinPath, quote } from '../config/errors.js';

/** Reduces an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) to IPv4 and drops an IPv6 zone. */
export function normalizeIp(address: string): string {
  const zone = address.indexOf('%');
  if (zone !== -1) address = address.slice(0, zone);
  const lowered = address.toLowerCase();
  if (!lowered.startsWith('::ffff:')) return address;
  const tail = lowered.slice(7);
  if (isIP(tail) === 4) return tail;
  // The same mapped address written in hex (`::ffff:102:304`, `::ffff:0:0`) is IPv4 too.
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
  if (hex === null) return address;
  const high = Number.parseInt(hex[1]!, 16);
  const low = Number.parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Returns a problem when the value is neither an IP address nor a CIDR range (`10.0.0.0/8`, `fd00::/8`). */
export function checkIpOrCidr(value: string): string | undefined {
  const text = value.trim();
  const slash = text.indexOf('/');
  const ip = slash === -1 ? text : text.slice(0, slash);
  const family = isIP(ip);
  const isValid =
    family !== 0 &&
    !ip.includes('%') &&
    (slash === -1 || (/^\d{1,3}$/.test(text.slice(slash + 1)) && Number(text.slice(slash + 1)) <= (family === 4 ? 32 : 128)));
  return isValid ? undefined : `invalid IP or CIDR ${quote(value)}`;
}

/**
 * Compiles IPs and CIDR ranges into a membership test. Throws a ConfigError at `path[i]` for a bad entry.
 * IPv4 addresses are only checked against IPv4 ranges and IPv6 against IPv6, as Go's `IPNet.Contains`
 * does: `::/0` does not admit IPv4 clients (Node's BlockList alone would map them in).
 */
export function compileIpMatcher(ranges: readonly string[], path: string): (address: string) => boolean {
  const ipv4 = new BlockList();
  const ipv6 = new BlockList();
  ranges.forEach((range, index) => {
    const problem = checkIpOrCidr(range);
    if (problem !== undefined) throw new ConfigError(joinPath(path, index), problem);
    const [rawAddress = '', prefix] = range.trim().split('/');
    const address = normalizeIp(rawAddress);
    const isMapped = rawAddress !== address;
    const list = isIP(address) === 4 ? ipv4 : ipv6;
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Math.max(0, Number(prefix) - (isMapped ? 96 : 0)), family);
  });
  return (candidate) => {
    const address = normalizeIp(candidate);
    const family = isIP(address);
    if (family === 4) return ipv4.check(address, 'ipv4');
    if (family === 6) return ipv6.check(address, 'ipv6');
    return false;
  };
}
