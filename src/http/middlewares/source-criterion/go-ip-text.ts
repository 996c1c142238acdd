import { isIP } from 'node:net';

/**
 * Go's handling of addresses as text, which decides what the IP strategies and allow lists see:
 * `net.SplitHostPort`, `netip.ParseAddr` and `netip.Addr.String`.
 */

/** Splits `host:port` as Go's `net.SplitHostPort` does; undefined where Go returns an error. */
export function splitHostPort(hostport: string): { host: string; port: string } | undefined {
  const lastColon = hostport.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  let host: string;
  let openFrom = 0;
  let closeFrom = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== lastColon) return undefined;
    host = hostport.slice(1, end);
    openFrom = 1;
    closeFrom = end + 1;
  } else {
    host = hostport.slice(0, lastColon);
    if (host.includes(':')) return undefined;
  }
  if (hostport.indexOf('[', openFrom) >= 0 || hostport.indexOf(']', closeFrom) >= 0) return undefined;
  return { host, port: hostport.slice(lastColon + 1) };
}

/** A parsed address: 4 or 16 bytes; `zone` only for IPv6. */
interface ParsedAddress {
  readonly bytes: number[];
  readonly zone: string;
}

/** Parses an IP address as Go's `netip.ParseAddr`: dotted IPv4 without leading zeros, or IPv6 with an optional zone. */
export function parseAddr(text: string): ParsedAddress | undefined {
  const percent = text.indexOf('%');
  const address = percent < 0 ? text : text.slice(0, percent);
  const zone = percent < 0 ? '' : text.slice(percent + 1);
  const family = isIP(address);
  if (family === 4) return percent < 0 ? { bytes: address.split('.').map(Number), zone } : undefined;
  if (family !== 6 || (percent >= 0 && zone === '')) return undefined;
  return { bytes: ipv6Bytes(address), zone };
}

/** Expands a valid IPv6 text (no zone) to its 16 bytes. */
function ipv6Bytes(address: string): number[] {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  const groupsOf = (part: string | undefined): number[] => (part === undefined || part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const head = groupsOf(halves[0]);
  const rest = groupsOf(halves[1]);
  const groups = halves.length === 2 ? [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest] : head;
  return groups.flatMap((group) => [group >> 8, group & 0xff]);
}

/** Formats an address as Go's `netip.Addr.String`: RFC 5952 for IPv6, `::ffff:a.b.c.d` for IPv4-mapped ones. */
export function formatAddr(address: ParsedAddress): string {
  const { bytes, zone } = address;
  const suffix = zone === '' ? '' : `%${zone}`;
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join('.')}${suffix}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // The first longest run of at least two zero groups becomes "::", as Go writes it.
  let zeroStart = -1;
  let zeroEnd = -1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i >= 2 && j - i > zeroEnd - zeroStart) {
      zeroStart = i;
      zeroEnd = j;
    }
  }
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === zeroStart) {
      text += '::';
      i = zeroEnd - 1;
      continue;
    }
    if (i > 0 && !text.endsWith(':')) text += ':';
    text += groups[i]!.toString(16);
  }
  return `${text}${suffix}`;
}

/**
 * Returns the first address of the `bits`-long IPv6 subnet holding `ip` (Traefik's `getIPv6SubnetIP`);
 * IPv4 addresses, unparsable text and out-of-range lengths come back unchanged. The zone is dropped.
 */
export function ipv6SubnetAddress(ip: string, bits: number): string {
  const address = parseAddr(ip);
  if (address === undefined || address.bytes.length !== 16 || bits < 0 || bits > 128) return ip;
  const masked = address.bytes.map((byte, index) => {
    const kept = Math.max(0, Math.min(8, bits - index * 8));
    return byte & ((0xff << (8 - kept)) & 0xff);
  });
  return formatAddr({ bytes: masked, zone: '' });
}
