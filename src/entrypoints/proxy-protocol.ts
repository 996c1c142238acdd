import { isIP } from 'node:net';
import { normalizeIp } from '../net/ip-range.js';

/** What the first bytes of a connection say about a PROXY protocol header (v1 text or v2 binary). */
export type ProxyHeaderPeek =
  | { readonly kind: 'more' }
  | { readonly kind: 'none' }
  | { readonly kind: 'malformed'; readonly reason: string }
  /** A header of `length` bytes; `source` is absent for LOCAL (health checks) and unknown families. */
  | { readonly kind: 'header'; readonly length: number; readonly source: { readonly ip: string; readonly port: number } | undefined };

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** A v1 header is at most 107 bytes, CRLF included. */
const V1_MAX = 107;

/** Tells whether `data` could still be the start of `prefix`. */
function startsLike(data: Buffer, prefix: Buffer): 'yes' | 'no' | 'maybe' {
  const length = Math.min(data.length, prefix.length);
  if (data.compare(prefix, 0, length, 0, length) !== 0) return 'no';
  return data.length >= prefix.length ? 'yes' : 'maybe';
}

function validPort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

function parseV1(data: Buffer): ProxyHeaderPeek {
  const end = data.indexOf('\r\n', 0, 'latin1');
  if (end < 0) return data.length >= V1_MAX ? { kind: 'malformed', reason: 'PROXY v1 header too long' } : { kind: 'more' };
  const length = end + 2;
  const fields = data.toString('latin1', 0, end).split(' ');
  if (fields[1] === 'UNKNOWN') return { kind: 'header', length, source: undefined };
  if (fields.length !== 6 || (fields[1] !== 'TCP4' && fields[1] !== 'TCP6')) return { kind: 'malformed', reason: 'invalid PROXY v1 header' };
  const [, family, source, destination, sourcePort, destinationPort] = fields as [string, string, string, string, string, string];
  const expected = family === 'TCP4' ? 4 : 6;
  const port = validPort(sourcePort);
  if (isIP(source) !== expected || isIP(destination) !== expected || port === undefined || validPort(destinationPort) === undefined) {
    return { kind: 'malformed', reason: 'invalid PROXY v1 addresses' };
  }
  return { kind: 'header', length, source: { ip: normalizeIp(source), port } };
}

function ipv6Text(bytes: Buffer): string {
  const words: number[] = [];
  for (let index = 0; index < 16; index += 2) words.push(bytes.readUInt16BE(index));
  // RFC 5952: the longest run of two or more zero words becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && words[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = (list: number[]): string => list.map((word) => word.toString(16)).join(':');
  const text = bestStart < 0 ? hex(words) : `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
  return normalizeIp(text);
}

function parseV2(data: Buffer): ProxyHeaderPeek {
  if (data.length < 16) return { kind: 'more' };
  const versionCommand = data[12]!;
  if (versionCommand >> 4 !== 2) return { kind: 'malformed', reason: 'unsupported PROXY protocol version' };
  const length = 16 + data.readUInt16BE(14);
  if (data.length < length) return { kind: 'more' };
  const command = versionCommand & 0x0f;
  if (command === 0x0) return { kind: 'header', length, source: undefined };
  if (command !== 0x1) return { kind: 'malformed', reason: 'unknown PROXY v2 command' };
  const family = data[13]! >> 4;
  if (family === 0x1 && length >= 16 + 12) {
    const ip = `${data[16]}.${data[17]}.${data[18]}.${data[19]}`;
    return { kind: 'header', length, source: { ip, port: data.readUInt16BE(24) } };
  }
  if (family === 0x2 && length >= 16 + 36) {
    return { kind: 'header', length, source: { ip: ipv6Text(data.subarray(16, 32)), port: data.readUInt16BE(48) } };
  }
  return { kind: 'header', length, source: undefined };
}

/** Reads a PROXY protocol header at the start of `data`, v1 or v2, without consuming anything. */
export function peekProxyHeader(data: Buffer): ProxyHeaderPeek {
  if (data.length === 0) return { kind: 'more' };
  const v1 = startsLike(data, V1_PREFIX);
  if (v1 === 'yes') return parseV1(data);
  const v2 = startsLike(data, V2_SIGNATURE);
  if (v2 === 'yes') return parseV2(data);
  return v1 === 'maybe' || v2 === 'maybe' ? { kind: 'more' } : { kind: 'none' };
}
