import { Buffer } from 'node:buffer';
import { IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import type { Exchange } from '../../exchange.js';

/** Bytes Go's `url.QueryEscape` leaves as they are: letters, digits and `-_.~`. */
function isUnreserved(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2d || byte === 0x5f || byte === 0x2e || byte === 0x7e;
}

function percent(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/** Escapes a byte string (one character per byte, as Node gives request data) as Go's `url.QueryEscape`. */
export function queryEscape(byteString: string): string {
  let escaped = '';
  for (const byte of Buffer.from(byteString, 'latin1')) {
    if (isUnreserved(byte)) escaped += String.fromCharCode(byte);
    else if (byte === 0x20) escaped += '+';
    else escaped += percent(byte);
  }
  return escaped;
}

/** Characters a path may carry as they are: RFC 3986 pchar, `/`, `%` of existing escapes, and `[]` as Go leaves them. */
const pathCharacter = /[A-Za-z0-9\-._~!$&'()*+,;=:@/%[\]]/;

/** Escapes what Go's `URL.EscapedPath` would escape in a path, keeping existing `%XX` escapes. */
export function escapePath(byteString: string): string {
  let escaped = '';
  for (const character of byteString) {
    const code = character.charCodeAt(0);
    escaped += code < 0x80 && pathCharacter.test(character) ? character : percent(code & 0xff);
  }
  return escaped;
}

/** Control characters make Go's `url.Parse` fail. */
const controlCharacter = /[\u0000-\u001f\u007f]/;
/** A `%` not followed by two hex digits is an invalid escape to `url.Parse` (in the path and fragment, not the query). */
const invalidEscape = /%(?![0-9A-Fa-f]{2})/;

/** Where the error page is fetched: path and query, as the upstream will see them. */
export interface ErrorPageTarget {
  readonly path: string;
  readonly rawQuery: string;
}

/**
 * Builds the error page's target from `query` as Traefik does: `/` and the query without its leading slash,
 * with `{status}`, `{originalStatus}` and `{url}` (the request URL, query-escaped) filled in.
 * Returns undefined when Go's `url.Parse` would refuse the result.
 */
export function errorPageTarget(query: string, status: number, originalStatus: number, exchange: Exchange): ErrorPageTarget | undefined {
  if (query === '') return { path: '/', rawQuery: '' };
  let target = `/${query.startsWith('/') ? query.slice(1) : query}`;
  target = target.replaceAll('{status}', String(status)).replaceAll('{originalStatus}', String(originalStatus));
  if (target.includes('{url}')) target = target.replaceAll('{url}', queryEscape(requestUrl(exchange)));
  // The configured text is UTF-8; requests travel as bytes.
  target = Buffer.from(target, 'utf8').toString('latin1');
  if (controlCharacter.test(target)) return undefined;
  const hash = target.indexOf('#');
  if (hash !== -1) {
    if (invalidEscape.test(target.slice(hash + 1))) return undefined;
    target = target.slice(0, hash);
  }
  const mark = target.indexOf('?');
  const path = mark === -1 ? target : target.slice(0, mark);
  if (invalidEscape.test(path)) return undefined;
  return { path: path === '' ? '/' : escapePath(path), rawQuery: mark === -1 ? '' : target.slice(mark + 1) };
}

/** The request URL as Go's `url.URL.String()` writes it for the `{url}` variable: scheme, Host, path and query. */
function requestUrl(exchange: Exchange): string {
  const scheme = exchange.entryPoint.isTls ? 'https' : 'http';
  const query = exchange.rawQuery === '' ? '' : `?${exchange.rawQuery}`;
  return `${scheme}://${exchange.request.headers.host ?? ''}${escapePath(exchange.path)}${query}`;
}

/** Request headers that describe a body; the error page request has none. */
const bodyHeaders = new Set(['content-length', 'transfer-encoding', 'host']);

/**
 * Builds the headers of the error page request: the original Host, and every original header (`names`
 * undefined) or only the named ones, as Traefik's `errorRequestHeaders`.
 */
export function errorPageHeaders(request: IncomingMessage, names: readonly string[] | undefined): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  if (names === undefined) {
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && !bodyHeaders.has(name)) headers[name] = value;
    }
  } else {
    for (const name of names) {
      const value = request.headers[name];
      if (value !== undefined && !bodyHeaders.has(name)) headers[name] = value;
    }
  }
  if (request.headers.host !== undefined) headers.host = request.headers.host;
  return headers;
}

/** Creates the error page request: a bodiless GET on the original connection's socket. */
export function errorPageRequest(original: IncomingMessage, target: ErrorPageTarget, headers: IncomingHttpHeaders): IncomingMessage {
  const request = new IncomingMessage(original.socket);
  request.method = 'GET';
  request.url = target.rawQuery === '' ? target.path : `${target.path}?${target.rawQuery}`;
  request.httpVersionMajor = 1;
  request.httpVersionMinor = 1;
  request.httpVersion = '1.1';
  request.headers = headers;
  request.complete = true;
  // Ended at once: nothing ever reads the original socket through it.
  request.push(null);
  return request;
}
