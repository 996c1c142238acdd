import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { quote } from '../../../config/errors.js';

/** RFC 9110 §5.6.2: a field name is a token. */
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Control characters other than horizontal tab cannot travel in a field value (RFC 9110 §5.5). */
const controlPattern = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Returns why a configured header name cannot be sent, or undefined when it can. */
export function checkHeaderName(name: string): string | undefined {
  return tokenPattern.test(name) ? undefined : `invalid header name ${quote(name)}`;
}

/** Returns why a configured header value cannot be sent, or undefined when it can. */
export function checkHeaderValue(value: string): string | undefined {
  return controlPattern.test(value) ? `invalid header value ${quote(value)}: control characters are not allowed` : undefined;
}

/**
 * Turns a configured value into what Node writes byte for byte: Go sends a header value's UTF-8 bytes as
 * they are, and Node writes header strings as Latin-1, so the UTF-8 bytes are spelled as Latin-1 characters.
 */
export function wireValue(value: string): string {
  return /^[\u0000-\u007f]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}

/**
 * Returns a request header's first value, as Go's `Header.Get`. Node joins most repeated headers with
 * ", "; when the joined value is exactly what arrived, the first of the values received is taken.
 */
export function firstHeaderValue(request: Pick<IncomingMessage, 'headers' | 'headersDistinct'>, name: string): string | undefined {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value[0];
  if (!value.includes(', ')) return value;
  const distinct = request.headersDistinct[name];
  return distinct !== undefined && distinct.length > 1 && distinct.join(', ') === value ? distinct[0] : value;
}
