import { isIPv4, isIPv6 } from 'node:net';

/**
 * The parts of Go's net/url that Traefik's path and redirect middlewares lean on, with the same results.
 *
 * Strings here are byte strings, as Go's are: one character per byte (Node's latin1), so a path with
 * invalid UTF-8 or a Host header with raw bytes goes through unchanged. `utf8Bytes` turns text from the
 * configuration into that form.
 */

/** A URL parse or unescape failure; the message is Go's. */
export class GoUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoUrlError';
  }
}

/** Returns the UTF-8 bytes of a text as a byte string. */
export function utf8Bytes(text: string): string {
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
}

type Mode = 'path' | 'host' | 'zone' | 'userPassword' | 'fragment';

/** Which bytes each mode leaves unescaped (RFC 3986 as Go reads it). */
const unescapedBytes: Record<Mode, Uint8Array> = {
  path: byteTable('path'),
  host: byteTable('host'),
  zone: byteTable('zone'),
  userPassword: byteTable('userPassword'),
  fragment: byteTable('fragment'),
};

function byteTable(mode: Mode): Uint8Array {
  const table = new Uint8Array(256);
  for (let code = 0; code < 256; code++) table[code] = isLeftAlone(code, mode) ? 1 : 0;
  return table;
}

function isLeftAlone(code: number, mode: Mode): boolean {
  const char = String.fromCharCode(code);
  if (/^[A-Za-z0-9]$/.test(char)) return true;
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(char)) return true;
  if ('-_.~'.includes(char)) return true;
  if ('$&+,/:;=?@'.includes(char)) {
    if (mode === 'path') return char !== '?';
    if (mode === 'userPassword') return !'@/?:'.includes(char);
    if (mode === 'fragment') return true;
  }
  return mode === 'fragment' && '!()*'.includes(char);
}

function shouldEscape(code: number, mode: Mode): boolean {
  return unescapedBytes[mode][code] === 0;
}

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function goQuote(text: string): string {
  return JSON.stringify(text);
}

/** Decodes `%XX` escapes, refusing malformed ones as Go does (and, in hosts, escapes of ASCII bytes). */
function unescape(text: string, mode: Mode): string {
  if (!text.includes('%')) {
    if (mode === 'host' || mode === 'zone') checkHostBytes(text, mode);
    return text;
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x25) {
      if ((mode === 'host' || mode === 'zone') && code < 0x80 && shouldEscape(code, mode)) {
        throw new GoUrlError(`invalid character ${goQuote(text[i]!)} in host name`);
      }
      out += text[i];
      continue;
    }
    if (i + 2 >= text.length || !isHex(text.charCodeAt(i + 1)) || !isHex(text.charCodeAt(i + 2))) {
      throw new GoUrlError(`invalid URL escape ${goQuote(text.slice(i, i + 3))}`);
    }
    const escape = text.slice(i, i + 3);
    const value = Number.parseInt(text.slice(i + 1, i + 3), 16);
    if (mode === 'host' && value >> 4 < 8 && escape !== '%25') throw new GoUrlError(`invalid URL escape ${goQuote(escape)}`);
    if (mode === 'zone' && escape !== '%25' && value !== 0x20 && shouldEscape(value, 'host')) {
      throw new GoUrlError(`invalid URL escape ${goQuote(escape)}`);
    }
    out += String.fromCharCode(value);
    i += 2;
  }
  return out;
}

function checkHostBytes(text: string, mode: Mode): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80 && shouldEscape(code, mode)) throw new GoUrlError(`invalid character ${goQuote(text[i]!)} in host name`);
  }
}

const upperHex = '0123456789ABCDEF';

function escape(text: string, mode: Mode): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!shouldEscape(code, mode)) continue;
    out += `${text.slice(start, i)}%${upperHex[code >> 4]}${upperHex[code & 15]}`;
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
}

/** Tells whether a raw path or fragment is a usable encoding: nothing in it needs escaping. */
function isValidEncoded(text: string, mode: Mode): boolean {
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (`!$&'()*+,;=:@[]%`.includes(char)) continue;
    if (shouldEscape(text.charCodeAt(i), mode)) return false;
  }
  return true;
}

/** Decodes an escaped path as Go's `url.PathUnescape`; throws GoUrlError on a malformed escape. */
export function unescapePath(escaped: string): string {
  return unescape(escaped, 'path');
}

/**
 * A request path as Go holds it: `path` decoded, `rawPath` the encoding it came in when that is not the
 * default one (else empty).
 */
export interface GoUrlPath {
  readonly path: string;
  readonly rawPath: string;
}

/** Splits an escaped path as Go's `URL.setPath`: decoded, with its encoding kept only when not the default one. */
export function setPath(escaped: string): GoUrlPath {
  const path = unescape(escaped, 'path');
  return { path, rawPath: escape(path, 'path') === escaped ? '' : escaped };
}

/** Returns Go's `URL.EscapedPath`: the raw path when it is a valid encoding of the path, else the default encoding. */
export function escapedPath(url: GoUrlPath): string {
  if (url.rawPath !== '' && isValidEncoded(url.rawPath, 'path')) {
    try {
      if (unescape(url.rawPath, 'path') === url.path) return url.rawPath;
    } catch {
      // A raw path that does not decode is ignored, as Go does.
    }
  }
  if (url.path === '*') return '*';
  return escape(url.path, 'path');
}

/** Returns the path part of Go's `URL.RequestURI` (an empty path is `/`). */
export function requestUriPath(url: GoUrlPath): string {
  return escapedPath(url) || '/';
}

/** Cleans a path as Go's `URL.JoinPath()` without elements: `.`, `..` and `//` out of the escaped path, one trailing slash kept. */
export function joinPath(url: GoUrlPath): GoUrlPath {
  const first = escapedPath(url);
  const isRelative = !first.startsWith('/');
  const element = isRelative ? `/${first}` : first;
  let joined = isRelative ? cleanPath(element).slice(1) : cleanPath(element);
  if (element.endsWith('/') && !joined.endsWith('/')) joined += '/';
  return setPath(joined);
}

/** Cleans a slash-separated path as Go's `path.Clean`. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const isRooted = path.startsWith('/');
  const parts: string[] = [];
  let dotDots = 0;
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length > dotDots) parts.pop();
      else if (!isRooted) {
        parts.push('..');
        dotDots += 1;
      }
      continue;
    }
    parts.push(segment);
  }
  const cleaned = (isRooted ? '/' : '') + parts.join('/');
  return cleaned === '' ? (isRooted ? '/' : '.') : cleaned;
}

/** A URL as Go's `url.Parse` returns it. */
export interface GoUrl {
  readonly scheme: string;
  readonly opaque: string;
  readonly user: { readonly username: string; readonly password: string | undefined } | undefined;
  readonly host: string;
  readonly path: string;
  readonly rawPath: string;
  readonly omitHost: boolean;
  readonly forceQuery: boolean;
  readonly rawQuery: string;
  readonly fragment: string;
  readonly rawFragment: string;
}

/** Parses a URL as Go's `url.Parse`; throws GoUrlError where Go returns an error. */
export function parseUrl(raw: string): GoUrl {
  const hash = raw.indexOf('#');
  const beforeFragment = hash === -1 ? raw : raw.slice(0, hash);
  const url = parseWithoutFragment(beforeFragment);
  if (hash === -1) return url;
  const escapedFragment = raw.slice(hash + 1);
  if (escapedFragment === '') return url;
  const fragment = unescape(escapedFragment, 'fragment');
  return { ...url, fragment, rawFragment: escape(fragment, 'fragment') === escapedFragment ? '' : escapedFragment };
}

function parseWithoutFragment(raw: string): GoUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new GoUrlError('net/url: invalid control character in URL');
  const empty: GoUrl = {
    scheme: '',
    opaque: '',
    user: undefined,
    host: '',
    path: '',
    rawPath: '',
    omitHost: false,
    forceQuery: false,
    rawQuery: '',
    fragment: '',
    rawFragment: '',
  };
  if (raw === '*') return { ...empty, path: '*' };
  const [rawScheme, afterScheme] = splitScheme(raw);
  const scheme = rawScheme.toLowerCase();
  let rest = afterScheme;
  let forceQuery = false;
  let rawQuery = '';
  const question = rest.indexOf('?');
  if (question !== -1 && question === rest.length - 1) {
    forceQuery = true;
    rest = rest.slice(0, -1);
  } else if (question !== -1) {
    rawQuery = rest.slice(question + 1);
    rest = rest.slice(0, question);
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { ...empty, scheme, opaque: rest, forceQuery, rawQuery };
    const slash = rest.indexOf('/');
    if ((slash === -1 ? rest : rest.slice(0, slash)).includes(':')) throw new GoUrlError('first path segment in URL cannot contain colon');
  }
  let user: GoUrl['user'];
  let host = '';
  let omitHost = false;
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash !== -1) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    ({ user, host } = parseAuthority(scheme, authority));
  } else if (scheme !== '' && rest.startsWith('/')) {
    omitHost = true;
  }
  const { path, rawPath } = setPath(rest);
  return { ...empty, scheme, user, host, path, rawPath, omitHost, forceQuery, rawQuery };
}

function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!;
    if (/[A-Za-z]/.test(char)) continue;
    if (/[0-9+\-.]/.test(char)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (char === ':') {
      if (i === 0) throw new GoUrlError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function parseAuthority(scheme: string, authority: string): { user: GoUrl['user']; host: string } {
  const at = authority.lastIndexOf('@');
  const host = parseHost(scheme, at === -1 ? authority : authority.slice(at + 1));
  if (at === -1) return { user: undefined, host };
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new GoUrlError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  if (colon === -1) return { user: { username: unescape(userinfo, 'userPassword'), password: undefined }, host };
  return {
    user: { username: unescape(userinfo.slice(0, colon), 'userPassword'), password: unescape(userinfo.slice(colon + 1), 'userPassword') },
    host,
  };
}

function isOptionalPort(text: string): boolean {
  return text === '' || /^:[0-9]*$/.test(text);
}

function parseHost(scheme: string, host: string): string {
  const openBracket = host.lastIndexOf('[');
  if (openBracket > 0) throw new GoUrlError('invalid IP-literal');
  if (openBracket === 0) {
    const closeBracket = host.lastIndexOf(']');
    if (closeBracket < 0) throw new GoUrlError("missing ']' in host");
    const colonPort = host.slice(closeBracket + 1);
    if (!isOptionalPort(colonPort)) throw new GoUrlError(`invalid port ${goQuote(colonPort)} after host`);
    const port = unescape(colonPort, 'host');
    const literal = host.slice(1, closeBracket);
    const zoneAt = literal.indexOf('%25');
    const address = zoneAt === -1 ? unescape(literal, 'host') : unescape(literal.slice(0, zoneAt), 'host') + unescape(literal.slice(zoneAt), 'zone');
    // Only an IPv6 address may stand in brackets (an IPv4-mapped one included, a plain IPv4 one not).
    const zoneless = address.replace(/%.*$/s, '');
    if (isIPv4(zoneless)) throw new GoUrlError('invalid IP-literal');
    if (!isIPv6(zoneless)) throw new GoUrlError(`invalid host: ParseAddr(${goQuote(address)}): unable to parse IP`);
    return `[${address}]${port}`;
  }
  const firstColon = host.indexOf(':');
  if (firstColon !== -1) {
    let colon = firstColon;
    const lastColon = host.lastIndexOf(':');
    // Go 1.26 only accepts several colons (host lists) in URLs of other schemes than http and https.
    if (lastColon !== colon && scheme !== 'http' && scheme !== 'https') colon = lastColon;
    const colonPort = host.slice(colon);
    if (!isOptionalPort(colonPort)) throw new GoUrlError(`invalid port ${goQuote(colonPort)} after host`);
  }
  return unescape(host, 'host');
}

function escapedFragment(url: GoUrl): string {
  if (url.rawFragment !== '' && isValidEncoded(url.rawFragment, 'fragment')) {
    try {
      if (unescape(url.rawFragment, 'fragment') === url.fragment) return url.rawFragment;
    } catch {
      // Ignored, as Go does.
    }
  }
  return escape(url.fragment, 'fragment');
}

/** Formats a URL as Go's `URL.String`. */
export function formatUrl(url: GoUrl): string {
  let out = '';
  if (url.scheme !== '') out += `${url.scheme}:`;
  if (url.opaque !== '') {
    out += url.opaque;
  } else {
    if ((url.scheme !== '' || url.host !== '' || url.user !== undefined) && !(url.omitHost && url.host === '' && url.user === undefined)) {
      if (url.host !== '' || url.path !== '' || url.user !== undefined) out += '//';
      if (url.user !== undefined) {
        out += escape(url.user.username, 'userPassword');
        if (url.user.password !== undefined) out += `:${escape(url.user.password, 'userPassword')}`;
        out += '@';
      }
      if (url.host !== '') out += escape(url.host, 'host');
    }
    const path = escapedPath(url);
    if (path !== '' && !path.startsWith('/') && url.host !== '') out += '/';
    if (out === '') {
      const slash = path.indexOf('/');
      if ((slash === -1 ? path : path.slice(0, slash)).includes(':')) out += './';
    }
    out += path;
  }
  if (url.forceQuery || url.rawQuery !== '') out += `?${url.rawQuery}`;
  if (url.fragment !== '') out += `#${escapedFragment(url)}`;
  return out;
}
