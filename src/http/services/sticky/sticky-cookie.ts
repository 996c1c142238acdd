import { createHash } from 'node:crypto';
import type { StickyConfig } from '../../../config/dynamic/http-schema.js';
import type { Exchange, ResponseHeaders } from '../../exchange.js';

/** Length of Traefik's generated cookie names: `_` and five hex digits. */
const generatedNameLength = 6;

/** The cookie name Traefik uses: the configured one with non-token characters replaced, or one derived from the service. */
export function stickyCookieName(configured: string | undefined, serviceName: string): string {
  if (configured !== undefined && configured !== '') return configured.replace(/[^!#$%&'*+\-.^`|~0-9A-Za-z]/gu, '_');
  return `_${createHash('sha1').update(`_TRAEFIK_BACKEND_${serviceName}`).digest('hex')}`.slice(0, generatedNameLength);
}

/** The value pinning a client to a server or child service: the first 16 hex digits of SHA-256 of its name. */
export function stickyValue(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 16);
}

/** FNV-64 (not 1a) in hex, as older Traefik versions wrote cookie values. */
export function fnv64Hex(input: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(input)) {
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
    hash ^= BigInt(byte);
  }
  return hash.toString(16);
}

const sameSiteAttribute: Record<string, string> = { none: '; SameSite=None', lax: '; SameSite=Lax', strict: '; SameSite=Strict' };

/** Serialises the Set-Cookie value as Go's http.Cookie does, attributes in Go's order. */
function cookieAttributes(config: NonNullable<StickyConfig['cookie']>): string {
  let text = `; Path=${config.path ?? '/'}`;
  if (config.path === '') text = '';
  const domain = config.domain ?? '';
  if (domain !== '') text += `; Domain=${domain.startsWith('.') ? domain.slice(1) : domain}`;
  const maxAge = config.maxAge ?? 0;
  if (maxAge > 0) text += `; Max-Age=${maxAge}`;
  else if (maxAge < 0) text += '; Max-Age=0';
  if (config.httpOnly === true) text += '; HttpOnly';
  if (config.secure === true) text += '; Secure';
  text += sameSiteAttribute[(config.sameSite ?? '').toLowerCase()] ?? '';
  return text;
}

/** Reads the first cookie named `name` from a Cookie header (Go's Request.Cookie). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined || !header.includes(name)) return undefined;
  for (const part of header.split(';')) {
    const trimmed = part.trim();
    const equals = trimmed.indexOf('=');
    if (equals < 0 || trimmed.slice(0, equals) !== name) continue;
    let value = trimmed.slice(equals + 1);
    if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

/** What a sticky lookup found: the pinned entry, and whether its cookie must be rewritten (legacy value). */
export interface StickyPin {
  readonly index: number;
  readonly isLegacy: boolean;
}

/**
 * Sticky sessions by cookie, as Traefik's: the cookie names a server (or child service) by the hash of its
 * name; values written by older versions (the name itself, its FNV hash, its double FNV hash) are still
 * accepted and rewritten. A table of names, built once; nothing is stored per client, so pins survive reloads.
 */
export class StickyCookie {
  readonly name: string;
  readonly #byValue = new Map<string, number>();
  readonly #legacy = new Map<string, number>();
  readonly #setCookie: string[];

  constructor(config: NonNullable<StickyConfig['cookie']>, serviceName: string, entryNames: readonly string[]) {
    this.name = stickyCookieName(config.name, serviceName);
    const attributes = cookieAttributes(config);
    this.#setCookie = entryNames.map((entry) => `${this.name}=${stickyValue(entry)}${attributes}`);
    entryNames.forEach((entry, index) => {
      if (!this.#byValue.has(stickyValue(entry))) this.#byValue.set(stickyValue(entry), index);
      const fnv = fnv64Hex(entry);
      for (const legacy of [entry, fnv, fnv64Hex(fnv)]) if (!this.#legacy.has(legacy)) this.#legacy.set(legacy, index);
    });
  }

  /** The entry the client's cookie pins, if any. */
  pinned(exchange: Exchange): StickyPin | undefined {
    const value = readCookie(exchange.request.headers.cookie, this.name);
    if (value === undefined) return undefined;
    const index = this.#byValue.get(value);
    if (index !== undefined) return { index, isLegacy: false };
    const legacy = this.#legacy.get(value);
    return legacy === undefined ? undefined : { index: legacy, isLegacy: true };
  }

  /** Adds the Set-Cookie pinning the client to entry `index` to the response, before the upstream's own cookies. */
  pin(exchange: Exchange, index: number): void {
    const cookie = this.#setCookie[index]!;
    exchange.onResponseHeaders(function stickyCookie(_status: number, headers: ResponseHeaders) {
      const existing = headers['set-cookie'];
      if (existing === undefined) headers['set-cookie'] = cookie;
      else headers['set-cookie'] = [cookie, ...(Array.isArray(existing) ? existing : [String(existing)])];
    });
  }
}
