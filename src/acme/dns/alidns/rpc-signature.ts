import { createHmac } from 'node:crypto';

/**
 * Alibaba Cloud's RPC request signature, version 1.0 with HMAC-SHA1, as its API documentation defines it:
 * every parameter but `Signature`, sorted by name, each name and value percent-encoded (RFC 3986 unreserved
 * characters kept), joined as `name=value&…`; the string to sign is `<METHOD>&%2F&<that query, encoded again>`;
 * the signature is base64(HMAC-SHA1(secret + "&", string to sign)).
 */

/** Percent-encodes as the signature requires: RFC 3986 unreserved characters kept, everything else `%XY` (UTF-8). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The sorted, encoded `name=value&…` query the signature covers (sorted by byte order of the names). */
export function canonicalizedQuery(parameters: Readonly<Record<string, string>>): string {
  return Object.keys(parameters)
    .filter((name) => name !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${percentEncode(name)}=${percentEncode(parameters[name]!)}`)
    .join('&');
}

/** `<METHOD>&%2F&<encoded canonicalized query>`. */
export function stringToSign(method: string, parameters: Readonly<Record<string, string>>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(parameters))}`;
}

/** The `Signature` parameter's value for a request with `parameters`, signed with the AccessKey secret. */
export function rpcSignature(method: string, parameters: Readonly<Record<string, string>>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(method, parameters)).digest('base64');
}
