import type { IncomingHttpHeaders } from 'node:http';
import { isManagedHeader } from '../../../entrypoints/forwarded-headers.js';
import { canonicalHeaderName, headerTokens } from '../../proxy/header-names.js';

/**
 * Headers never copied from the client's request: Go keeps Host out of the header map and its client writes
 * Content-Length, Transfer-Encoding and Trailer from the request itself. Then oxy's hop-by-hop list
 * (Proxy-Authorization and Proxy-Authenticate go on to the authentication server, RFC 7235 §4.4).
 */
const neverCopied = new Set(['host', 'content-length', 'transfer-encoding', 'trailer', 'connection', 'keep-alive', 'te', 'trailers', 'upgrade']);

/** The request as the authentication server is told about it. */
export interface AuthRequestSource {
  readonly headers: IncomingHttpHeaders;
  readonly method: string;
  readonly clientIp: string;
  readonly isTls: boolean;
  /** Path and query as they would go upstream. */
  readonly target: string;
}

export interface AuthRequestHeaderOptions {
  /** `trustForwardHeader`; unset keeps Traefik's legacy behaviour. */
  readonly trustForwardHeader: boolean | undefined;
  /** Lowercase names of `authRequestHeaders` (plus the managed X-headers when trusted); empty means all. */
  readonly allowed: ReadonlySet<string>;
  /** The auth request's method, to know whether Go's client would ask for gzip. */
  readonly method: string;
}

/** What Go's HTTP client sends when the request has no User-Agent of its own. */
const goUserAgent = 'Go-http-client/1.1';

/** Go's `net.SplitHostPort` port, or undefined when the host has none. */
function portOf(host: string): string | undefined {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0 || host[end + 1] !== ':') return undefined;
    const port = host.slice(end + 2);
    return port.includes(':') ? undefined : port;
  }
  const colon = host.lastIndexOf(':');
  if (colon < 0 || host.slice(0, colon).includes(':')) return undefined;
  return host.slice(colon + 1);
}

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value];
}

/**
 * Builds the headers of the authentication request as Traefik's forwardAuth does (`writeHeader`, or
 * `oldWriteHeader` when trustForwardHeader is unset), then as Go's client sends them: canonical names, one
 * line per value, a default User-Agent, `Accept-Encoding: gzip` when the client did not ask for an
 * encoding. Returns the flat `[name, value, ...]` list and whether gzip was asked for on the client's behalf.
 */
export function authRequestHeaders(source: AuthRequestSource, options: AuthRequestHeaderOptions): { headers: string[]; addedGzip: boolean } {
  const headers = new Map<string, string[]>();
  for (const name in source.headers) {
    if (name.startsWith(':') || neverCopied.has(name)) continue;
    const values = asList(source.headers[name]);
    if (values.length > 0) headers.set(name, values);
  }
  // RFC 9110 §7.6.1: fields the Connection header names are hop-by-hop too.
  for (const token of headerTokens(source.headers.connection)) headers.delete(token);

  const trust = options.trustForwardHeader;
  if (trust === false) for (const name of [...headers.keys()]) if (isManagedHeader(name)) headers.delete(name);
  // Traefik clears the User-Agent (so Go's client sends none) unless the client sent one.
  if (trust !== undefined && !headers.has('user-agent')) headers.set('user-agent', ['']);
  if (options.allowed.size > 0) for (const name of [...headers.keys()]) if (!options.allowed.has(name)) headers.delete(name);

  const host = typeof source.headers.host === 'string' ? source.headers.host : '';
  if (trust === undefined) {
    headers.set('x-forwarded-for', [source.clientIp]);
    headers.set('x-forwarded-proto', [source.isTls ? 'https' : 'http']);
    headers.set('x-forwarded-method', [source.method]);
    headers.set('x-forwarded-host', [host]);
    headers.set('x-forwarded-uri', [source.target]);
  } else {
    const prior = headers.get('x-forwarded-for');
    headers.set('x-forwarded-for', [prior === undefined ? source.clientIp : `${prior.join(', ')}, ${source.clientIp}`]);
    if (!headers.has('x-forwarded-method')) headers.set('x-forwarded-method', [source.method]);
    if (!headers.has('x-forwarded-proto')) headers.set('x-forwarded-proto', [source.isTls ? 'https' : 'http']);
    if (!headers.has('x-forwarded-port')) {
      const proto = headers.get('x-forwarded-proto')?.[0];
      const port = portOf(host);
      headers.set('x-forwarded-port', [port !== undefined && port !== '' ? port : proto === 'https' || proto === 'wss' || source.isTls ? '443' : '80']);
    }
    if (!headers.has('x-forwarded-host')) headers.set('x-forwarded-host', [host]);
    if (!headers.has('x-forwarded-uri')) headers.set('x-forwarded-uri', [source.target]);
  }

  // Go's client: the first User-Agent value only, none when it is empty, its own when there is none.
  const userAgent = headers.get('user-agent');
  headers.delete('user-agent');
  const addedGzip = (headers.get('accept-encoding')?.[0] ?? '') === '' && (headers.get('range')?.[0] ?? '') === '' && options.method !== 'HEAD';
  if (addedGzip) headers.set('accept-encoding', ['gzip']);

  const list: string[] = [];
  const agent = userAgent === undefined ? goUserAgent : userAgent[0]!;
  if (agent !== '') list.push('User-Agent', agent);
  for (const [name, values] of headers) for (const value of values) list.push(canonicalHeaderName(name), value);
  return { headers: list, addedGzip };
}
