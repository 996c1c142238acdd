import { isIPv4 } from 'node:net';

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);

/** Writes the 16 bytes of an IPv6 address (`::1`, `2001:db8::5`); an IPv4 address is written IPv4-mapped. */
function ipv6Bytes(address: string): Buffer {
  let text = isIPv4(address) ? `::ffff:${address}` : address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const split = text.indexOf('::');
  const head = (split < 0 ? text : text.slice(0, split)).split(':').filter((word) => word !== '');
  const tail = split < 0 ? [] : text.slice(split + 2).split(':').filter((word) => word !== '');
  const words = split < 0 ? head : [...head, ...new Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const bytes = Buffer.alloc(16);
  words.slice(0, 8).forEach((word, index) => bytes.writeUInt16BE(Number.parseInt(word, 16) & 0xffff, index * 2));
  return bytes;
}

/** Builds a PROXY protocol header (v1 text or v2 binary) telling a server who the client is, as Traefik sends it. */
export function proxyProtocolHeader(version: 1 | 2, source: { ip: string; port: number }, destination: { ip: string; port: number }): Buffer {
  const isV4 = isIPv4(source.ip) && isIPv4(destination.ip);
  if (version === 1) {
    const family = isV4 ? 'TCP4' : 'TCP6';
    const src = isV4 ? source.ip : source.ip.includes(':') ? source.ip : `::ffff:${source.ip}`;
    const dst = isV4 ? destination.ip : destination.ip.includes(':') ? destination.ip : `::ffff:${destination.ip}`;
    return Buffer.from(`PROXY ${family} ${src} ${dst} ${source.port} ${destination.port}\r\n`, 'latin1');
  }
  const addresses = isV4
    ? Buffer.concat([Buffer.from(source.ip.split('.').map(Number)), Buffer.from(destination.ip.split('.').map(Number))])
    : Buffer.concat([ipv6Bytes(source.ip), ipv6Bytes(destination.ip)]);
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(source.port, 0);
  ports.writeUInt16BE(destination.port, 2);
  const header = Buffer.alloc(16);
  V2_SIGNATURE.copy(header);
  header[12] = 0x21; // version 2, PROXY command
  header[13] = isV4 ? 0x11 : 0x21; // TCP over IPv4 or IPv6
  header.writeUInt16BE(addresses.length + 4, 14);
  return Buffer.concat([header, addresses, ports]);
}
