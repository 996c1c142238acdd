import type { RoutingRequest } from '../../../src/rules/routing-request.js';

/** A request as the tables describe it: an absolute URL, optionally a method, headers, a peer address or a Host override. */
export interface RequestSpec {
  readonly url: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Socket peer, with or without port: `10.0.0.1`, `10.0.0.1:8456`, `[::1]:443`. */
  readonly remoteAddr?: string;
  /** Host header as sent, when it differs from the URL's authority (`""` for none). */
  readonly host?: string;
}

// Percent-escapes that stay encoded in the routing path (RFC 3986 reserved characters and "%").
const RESERVED_ESCAPES = new Set([
  '%3A', '%2F', '%3F', '%23', '%5B', '%5D', '%40', '%21', '%24', '%26', '%27', '%28', '%29', '%2A', '%2B', '%2C',
  '%3B', '%3D', '%25',
]);

/** Decodes the non-reserved percent-escapes of a path, as Traefik builds its routing path. */
export function routingPath(escapedPath: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let index = 0; index < escapedPath.length; index++) {
    const escape = escapedPath.slice(index, index + 3);
    if (escapedPath[index] === '%' && /^%[0-9A-Fa-f]{2}$/.test(escape) && !RESERVED_ESCAPES.has(escape)) {
      bytes.push(Number.parseInt(escape.slice(1), 16));
      index += 2;
    } else {
      const codePoint = escapedPath.codePointAt(index)!;
      const character = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(character));
      index += character.length - 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Returns the host as Traefik canonicalizes it: port and IPv6 brackets removed, trimmed, lowercased. */
export function canonicalHost(authority: string): string {
  let host = authority;
  const bracketed = /^\[([^\]]*)\](?::[0-9]*)?$/.exec(host);
  if (bracketed !== null) host = bracketed[1]!;
  else if (host.split(':').length === 2) host = host.slice(0, host.indexOf(':'));
  return host.trim().toLowerCase();
}

function clientIp(remoteAddr: string): string {
  let address = remoteAddr;
  const bracketed = /^\[([^\]]*)\]:[0-9]+$/.exec(address);
  if (bracketed !== null) address = bracketed[1]!;
  else if (address.split(':').length === 2) address = address.slice(0, address.indexOf(':'));
  return /^::ffff:[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/i.test(address) ? address.slice(7) : address;
}

/** Builds the RoutingRequest an entrypoint would hand to rules for this request. */
export function routingRequest(spec: RequestSpec | string): RoutingRequest {
  const { url, method = 'GET', headers = {}, remoteAddr = '', host } = typeof spec === 'string' ? { url: spec } : spec;
  // The URL is split by hand: WHATWG parsing would lowercase, punycode and normalize what Traefik sees raw.
  const parts = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(url);
  if (parts === null) throw new Error(`not an absolute URL: ${url}`);
  // Node keeps the Host header among the others; Traefik's rules never read it from there.
  const requestHeaders: Record<string, string[]> = host === '' ? {} : { host: [host ?? parts[1]!] };
  for (const [name, value] of Object.entries(headers)) {
    requestHeaders[name.toLowerCase()] = typeof value === 'string' ? [value] : [...value];
  }
  return {
    host: canonicalHost(host ?? parts[1]!),
    path: routingPath(parts[2] === '' ? '/' : parts[2]!),
    method,
    headers: requestHeaders,
    query: new URLSearchParams(parts[3] ?? ''),
    clientIp: clientIp(remoteAddr),
  };
}
