import type { IncomingHttpHeaders } from 'node:http';
import type { ResponseHeaders } from '../../response-writer.js';

/** Methods the CORS layer of Traefik's gRPC-Web middleware accepts (rs/cors defaults); OPTIONS always. */
const allowedMethods = new Set(['GET', 'POST', 'HEAD', 'OPTIONS']);
/** Preflight answers may be cached 10 minutes. */
const maxAgeSeconds = '600';

export type OriginCheck = (origin: string) => boolean;

/** A header list as rs/cors reads it: names split on commas and spaces, each in Go's canonical spelling. */
export function parseHeaderList(value: string): string[] {
  const names: string[] = [];
  for (const token of value.split(/[ ,]+/)) {
    if (token === '') continue;
    names.push(token.toLowerCase().replace(/(^|-)([a-z])/g, (_whole, dash: string, letter: string) => dash + letter.toUpperCase()));
  }
  return names;
}

function addVary(headers: ResponseHeaders, value: string): void {
  const existing = headers.vary;
  headers.vary = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [String(existing)]), value];
}

/** The CORS answer to a preflight request (OPTIONS with Access-Control-Request-Method), as rs/cors 1.7 gives it. */
export function preflightHeaders(request: IncomingHttpHeaders, isOriginAllowed: OriginCheck): ResponseHeaders {
  const headers: ResponseHeaders = {};
  addVary(headers, 'Origin');
  addVary(headers, 'Access-Control-Request-Method');
  addVary(headers, 'Access-Control-Request-Headers');
  const origin = typeof request.origin === 'string' ? request.origin : '';
  if (origin === '' || !isOriginAllowed(origin)) return headers;
  const method = String(request['access-control-request-method'] ?? '').toUpperCase();
  if (!allowedMethods.has(method)) return headers;
  const requested = parseHeaderList(String(request['access-control-request-headers'] ?? ''));
  headers['access-control-allow-origin'] = origin;
  headers['access-control-allow-methods'] = method;
  if (requested.length > 0) headers['access-control-allow-headers'] = requested.join(', ');
  headers['access-control-allow-credentials'] = 'true';
  headers['access-control-max-age'] = maxAgeSeconds;
  return headers;
}

/** The CORS headers of an actual cross-origin request, added to its response (rs/cors 1.7). */
export function actualRequestHeaders(method: string, request: IncomingHttpHeaders, isOriginAllowed: OriginCheck): ResponseHeaders {
  const headers: ResponseHeaders = {};
  if (method === 'OPTIONS') return headers;
  addVary(headers, 'Origin');
  const origin = typeof request.origin === 'string' ? request.origin : '';
  if (origin === '' || !isOriginAllowed(origin) || !allowedMethods.has(method)) return headers;
  headers['access-control-allow-origin'] = origin;
  headers['access-control-allow-credentials'] = 'true';
  return headers;
}
