import type { IncomingHttpHeaders } from 'node:http';
import { headerTokens } from './header-names.js';

/** RFC 9110 §7.6.1: hop-by-hop fields stop at the proxy, in both directions. */
const hopByHopHeaders = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Tells whether a header must not be forwarded, given the tokens of the message's Connection header. */
export function isHopByHop(name: string, connectionTokens: readonly string[]): boolean {
  return hopByHopHeaders.has(name) || (connectionTokens.length > 0 && connectionTokens.includes(name));
}

/** Tokens of a Connection header, for `isHopByHop`. */
export function connectionTokens(headers: IncomingHttpHeaders | Record<string, unknown>): string[] {
  const value = headers.connection;
  return typeof value === 'string' || Array.isArray(value) ? headerTokens(value as string | string[]) : [];
}
