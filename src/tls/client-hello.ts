/** What Junction reads from a TLS ClientHello before choosing how to serve the connection. */
export interface ClientHello {
  /** SNI as sent (not yet lowercased); empty when the client sent none. */
  readonly serverName: string;
  readonly alpnProtocols: readonly string[];
}

/** The outcome of looking at the first bytes of a connection. */
export type HelloPeek =
  | { readonly kind: 'more' }
  | { readonly kind: 'not-tls' }
  | { readonly kind: 'tls'; readonly hello: ClientHello }
  | { readonly kind: 'malformed' };

const RECORD_HEADER = 5;
const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
/** A ClientHello larger than this is refused; real ones are a few hundred bytes, post-quantum ones a few kilobytes. */
const MAX_HELLO = 64 * 1024;

/**
 * Looks at the bytes read so far: says whether the connection speaks TLS and, once the whole ClientHello
 * is there (possibly over several records), what it asks for. Nothing is consumed.
 */
export function peekClientHello(data: Buffer): HelloPeek {
  if (data.length === 0) return { kind: 'more' };
  if (data[0] !== HANDSHAKE) return { kind: 'not-tls' };
  // Gather the handshake message from consecutive handshake records.
  const fragments: Buffer[] = [];
  let gathered = 0;
  let offset = 0;
  let needed = -1;
  while (needed < 0 || gathered < needed) {
    if (data.length < offset + RECORD_HEADER) return data.length > MAX_HELLO ? { kind: 'malformed' } : { kind: 'more' };
    if (data[offset] !== HANDSHAKE) return { kind: 'malformed' };
    const length = data.readUInt16BE(offset + 3);
    if (length === 0 || length > 16384 + 2048) return { kind: 'malformed' };
    if (data.length < offset + RECORD_HEADER + length) return { kind: 'more' };
    const fragment = data.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length);
    fragments.push(fragment);
    gathered += fragment.length;
    offset += RECORD_HEADER + length;
    if (needed < 0 && gathered >= 4) {
      const head = fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments);
      if (head[0] !== CLIENT_HELLO) return { kind: 'malformed' };
      needed = 4 + head.readUIntBE(1, 3);
      if (needed > MAX_HELLO) return { kind: 'malformed' };
    }
  }
  const message = Buffer.concat(fragments).subarray(4, needed);
  const hello = parseClientHelloBody(message);
  return hello === undefined ? { kind: 'malformed' } : { kind: 'tls', hello };
}

/** Parses a ClientHello body (RFC 8446 §4.1.2) for its server_name and ALPN extensions. */
function parseClientHelloBody(body: Buffer): ClientHello | undefined {
  let offset = 2 + 32; // legacy_version, random
  if (body.length < offset + 1) return undefined;
  offset += 1 + body[offset]!; // session id
  if (body.length < offset + 2) return undefined;
  offset += 2 + body.readUInt16BE(offset); // cipher suites
  if (body.length < offset + 1) return undefined;
  offset += 1 + body[offset]!; // compression methods
  let serverName = '';
  const alpnProtocols: string[] = [];
  if (body.length < offset + 2) return offset <= body.length ? { serverName, alpnProtocols } : undefined;
  const end = offset + 2 + body.readUInt16BE(offset);
  if (end > body.length) return undefined;
  offset += 2;
  while (offset + 4 <= end) {
    const type = body.readUInt16BE(offset);
    const length = body.readUInt16BE(offset + 2);
    const data = body.subarray(offset + 4, offset + 4 + length);
    if (data.length !== length) return undefined;
    offset += 4 + length;
    if (type === 0x0000 && data.length >= 2) {
      // server_name: a list of (type, name); the host_name entry is what TLS stacks send.
      let at = 2;
      while (at + 3 <= data.length) {
        const nameType = data[at]!;
        const nameLength = data.readUInt16BE(at + 1);
        if (nameType === 0 && at + 3 + nameLength <= data.length) {
          serverName = data.toString('latin1', at + 3, at + 3 + nameLength);
          break;
        }
        at += 3 + nameLength;
      }
    } else if (type === 0x0010 && data.length >= 2) {
      let at = 2;
      while (at < data.length) {
        const length = data[at]!;
        if (at + 1 + length > data.length) return undefined;
        alpnProtocols.push(data.toString('latin1', at + 1, at + 1 + length));
        at += 1 + length;
      }
    }
  }
  return { serverName, alpnProtocols };
}
