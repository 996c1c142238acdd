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

  constructor(request: IncomingMessage, host: string, path: string, rawQuery: string, clientIp: string) {
    this.#request = request;
    this.host = host;
    this.path = path;
    this.method = request.method ?? 'GET';
    this.#rawQuery = rawQuery;
    this.clientIp = clientIp;
  }

  get headers(): Readonly<Record<string, string[] | undefined>> {
    return this.#request.headersDistinct;
  }

  get query(): URLSearchParams {
    return (this.#query ??= new URLSearchParams(this.#rawQuery));
  }
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
