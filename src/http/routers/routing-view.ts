import type { IncomingMessage } from 'node:http';
import type { RoutingRequest } from '../../rules/routing-request.js';

/** The request as rules see it; headers and query are only materialised when a rule asks for them. */
export class RoutingView implements RoutingRequest {
  readonly host: string;
  readonly path: string;
  readonly method: string;
  readonly clientIp: string;
  readonly #request: IncomingMessage;
  readonly #rawQuery: string;
  #query: URLSearchParams | undefined;
  #headers: Readonly<Record<string, string[] | undefined>> | undefined;

  constructor(request: IncomingMessage, host: string, path: string, rawQuery: string, clientIp: string) {
    this.#request = request;
    this.host = host;
    this.path = path;
    this.method = request.method ?? 'GET';
    this.#rawQuery = rawQuery;
    this.clientIp = clientIp;
  }

  /**
   * The headers as they are now: those Junction set before routing (X-Forwarded-*) or a parent router's
   * middlewares added (multi-layer routing) included. Node keeps repeated headers distinct only as received,
   * so a header still as received keeps its separate values.
   */
  get headers(): Readonly<Record<string, string[] | undefined>> {
    return (this.#headers ??= currentHeaders(this.#request));
  }

  get query(): URLSearchParams {
    return (this.#query ??= new URLSearchParams(this.#rawQuery));
  }
}

/** Canonical host for routing: lowercased, without port or IPv6 brackets, as Traefik's request decorator. */
export function canonicalHost(hostHeader: string | undefined): string {
  if (hostHeader === undefined) return '';
  let host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(1, end);
  }
  const colon = host.indexOf(':');
  if (colon !== -1 && host.indexOf(':', colon + 1) === -1) host = host.slice(0, colon);
  return host;
}

function currentHeaders(request: IncomingMessage): Record<string, string[] | undefined> {
  const received = request.headersDistinct;
  const current: Record<string, string[] | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) current[name] = value;
    else current[name] = received[name] !== undefined && received[name]!.join(', ') === value ? received[name] : [value];
  }
  return current;
}

/** Characters whose percent-encoded form stays encoded in the routing path (RFC 3986 reserved, and `%`). */
const reserved = new Set(['3A', '2F', '3F', '23', '5B', '5D', '40', '21', '24', '26', '27', '28', '29', '2A', '2B', '2C', '3B', '3D', '25']);

/**
 * Decodes non-reserved percent-escapes, as Traefik builds its routing path: `PathPrefix(`/foo bar`)` matches
 * `/foo%20bar`, while `%2F` stays encoded. Returns undefined for a malformed escape (the request gets 400).
 */
export function routingPath(escapedPath: string): string | undefined {
  if (!escapedPath.includes('%')) return escapedPath;
  const bytes: number[] = [];
  let out = '';
  const flush = (): void => {
    if (bytes.length === 0) return;
    out += Buffer.from(bytes).toString('utf8');
    bytes.length = 0;
  };
  for (let i = 0; i < escapedPath.length; i++) {
    const char = escapedPath[i]!;
    if (char !== '%') {
      flush();
      out += char;
      continue;
    }
    const hex = escapedPath.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
    if (reserved.has(hex.toUpperCase())) {
      flush();
      out += `%${hex}`;
    } else {
      bytes.push(Number.parseInt(hex, 16));
    }
    i += 2;
  }
  flush();
  return out;
}
