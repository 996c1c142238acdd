/**
 * IP addresses and CIDR ranges with Go's semantics (net.ParseIP, net.ParseCIDR, netip.ParseAddr),
 * as Traefik's ClientIP matcher uses them: an IPv4 address and its IPv4-mapped IPv6 form
 * (`::ffff:10.0.0.1`) are the same address, and IPv6 ranges never contain IPv4 addresses.
 */

/** A 128-bit address as four 32-bit words, with whether it was written as dotted IPv4. */
interface ParsedAddress {
  readonly words: readonly [number, number, number, number];
  readonly writtenAsIpv4: boolean;
}

/** Tells whether an address (a client's socket peer) is in a set of addresses and ranges. */
export type IpCheck = (address: string) => boolean;

function parseIpv4(text: string): number | undefined {
  let value = 0;
  let fields = 0;
  let position = 0;
  while (fields < 4) {
    let field = 0;
    let digits = 0;
    const start = position;
    while (position < text.length) {
      const code = text.charCodeAt(position);
      if (code < 0x30 || code > 0x39) break;
      field = field * 10 + code - 0x30;
      digits++;
      position++;
    }
    // Go rejects empty fields, leading zeros and values above 255.
    if (digits === 0 || digits > 3 || field > 255 || (digits > 1 && text.charCodeAt(start) === 0x30)) return undefined;
    value = value * 256 + field;
    fields++;
    if (fields < 4) {
      if (text.charCodeAt(position) !== 0x2e /* . */) return undefined;
      position++;
    }
  }
  return position === text.length ? value : undefined;
}

function parseIpv6(text: string): [number, number, number, number] | undefined {
  const groups: number[] = [];
  let ellipsis = -1;
  let position = 0;
  if (text.startsWith('::')) {
    ellipsis = 0;
    position = 2;
  }
  while (position < text.length) {
    let value = 0;
    let digits = 0;
    const start = position;
    while (position < text.length && digits < 5) {
      const code = text.charCodeAt(position);
      const digit = code >= 0x30 && code <= 0x39 ? code - 0x30
        : code >= 0x61 && code <= 0x66 ? code - 0x57
        : code >= 0x41 && code <= 0x46 ? code - 0x37
        : -1;
      if (digit < 0) break;
      value = value * 16 + digit;
      digits++;
      position++;
    }
    if (text.charCodeAt(position) === 0x2e /* . */ && groups.length <= 6) {
      // An embedded IPv4 address ends the text and counts as two groups.
      const ipv4 = parseIpv4(text.slice(start));
      if (ipv4 === undefined) return undefined;
      groups.push(Math.floor(ipv4 / 0x10000), ipv4 % 0x10000);
      position = text.length;
      break;
    }
    if (digits === 0 || digits > 4) return undefined;
    groups.push(value);
    if (position === text.length) break;
    if (text.charCodeAt(position) !== 0x3a /* : */ || position + 1 === text.length) return undefined;
    position++;
    if (text.charCodeAt(position) === 0x3a /* : */) {
      if (ellipsis >= 0) return undefined;
      ellipsis = groups.length;
      position++;
    }
    if (groups.length > 8) return undefined;
  }
  if (ellipsis >= 0) {
    // The :: must stand for at least one group of zeros.
    if (groups.length >= 8) return undefined;
    groups.splice(ellipsis, 0, ...new Array<number>(8 - groups.length).fill(0));
  }
  if (groups.length !== 8) return undefined;
  return [
    groups[0]! * 0x10000 + groups[1]!,
    groups[2]! * 0x10000 + groups[3]!,
    groups[4]! * 0x10000 + groups[5]!,
    groups[6]! * 0x10000 + groups[7]!,
  ];
}

/** Parses an IPv4 or IPv6 address; a zone (`fe80::1%eth0`) is accepted only when `allowZone` is set. */
function parseAddress(text: string, allowZone: boolean): ParsedAddress | undefined {
  if (text.includes(':')) {
    const zone = text.indexOf('%');
    if (zone >= 0 && (!allowZone || zone === text.length - 1)) return undefined;
    const words = parseIpv6(zone >= 0 ? text.slice(0, zone) : text);
    return words === undefined ? undefined : { words, writtenAsIpv4: false };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { words: [0, 0, 0xffff, value], writtenAsIpv4: true };
}

function isIpv4Mapped(words: readonly number[]): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

/** Returns the 32-bit mask of the `bits` leading bits of a 32-bit word. */
function wordMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

type Range =
  | { readonly family: 4; readonly base: number; readonly mask: number }
  | { readonly family: 6; readonly base: readonly number[]; readonly mask: readonly number[] };

/** Parses one ClientIP value (address or CIDR) into a range, or undefined when Go would refuse it. */
function parseRange(value: string): Range | undefined {
  const address = parseAddress(value, false);
  if (address !== undefined) {
    if (isIpv4Mapped(address.words)) return { family: 4, base: address.words[3], mask: 0xffffffff };
    return { family: 6, base: address.words, mask: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff] };
  }
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const network = parseAddress(value.slice(0, slash), false);
  const prefixText = value.slice(slash + 1);
  // Go reads the prefix length as plain decimal digits, leading zeros included.
  if (network === undefined || !/^[0-9]{1,10}$/.test(prefixText.replace(/^0+(?=[0-9])/, ''))) return undefined;
  const prefix = Number(prefixText);
  if (network.writtenAsIpv4) {
    if (prefix > 32) return undefined;
    const mask = wordMask(prefix);
    return { family: 4, base: (network.words[3] & mask) >>> 0, mask };
  }
  if (prefix > 128) return undefined;
  const mask = [0, 1, 2, 3].map((index) => wordMask(prefix - 32 * index));
  const base = network.words.map((word, index) => (word & mask[index]!) >>> 0);
  // Go's IPNet.Contains treats a network that is still IPv4-mapped after masking as an IPv4 network.
  if (isIpv4Mapped(base)) return { family: 4, base: base[3]!, mask: mask[3]! };
  return { family: 6, base, mask };
}

/** Compiles ClientIP values (addresses or CIDR ranges) into a check, or returns the index of the first invalid value. */
export function compileIpCheck(values: readonly string[]): IpCheck | number {
  const ipv4: Array<{ base: number; mask: number }> = [];
  const ipv6: Array<{ base: readonly number[]; mask: readonly number[] }> = [];
  for (const [index, value] of values.entries()) {
    const range = parseRange(value);
    if (range === undefined) return index;
    if (range.family === 4) ipv4.push(range);
    else ipv6.push(range);
  }
  return function isClientIpAllowed(address: string): boolean {
    if (!address.includes(':')) {
      const value = parseIpv4(address);
      if (value === undefined) return false;
      return ipv4.some((range) => ((value & range.mask) >>> 0) === range.base);
    }
    const parsed = parseAddress(address, true);
    if (parsed === undefined) return false;
    const words = parsed.words;
    if (isIpv4Mapped(words)) return ipv4.some((range) => ((words[3] & range.mask) >>> 0) === range.base);
    return ipv6.some((range) =>
      ((words[0] & range.mask[0]!) >>> 0) === range.base[0] &&
      ((words[1] & range.mask[1]!) >>> 0) === range.base[1] &&
      ((words[2] & range.mask[2]!) >>> 0) === range.base[2] &&
      ((words[3] & range.mask[3]!) >>> 0) === range.base[3],
    );
  };
}
