/** Adds the leading slash Traefik's path middlewares guarantee, leaving an empty path empty. */
export function withLeadingSlash(path: string): string {
  return path === '' || path.startsWith('/') ? path : `/${path}`;
}

/**
 * Cleans a path like Go's `url.JoinPath()` with no elements: `.` and `..` resolved, repeated slashes
 * collapsed, one trailing slash kept.
 */
export function cleanPath(path: string): string {
  // Most paths are already clean; only `//`, `/.` and `/..` need the full treatment.
  if (path.startsWith('/') && !path.includes('//') && !path.includes('/.')) return path;
  const isRooted = path.startsWith('/');
  const parts: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!isRooted) parts.push('..');
      continue;
    }
    parts.push(segment);
  }
  let cleaned = (isRooted ? '/' : '') + parts.join('/');
  if (cleaned === '') cleaned = isRooted ? '/' : '.';
  if (path.endsWith('/') && !cleaned.endsWith('/')) cleaned += '/';
  return cleaned;
}

/** Adds a value to a request header the way Go's `Header.Add` does: one more value, not a replacement. */
export function addHeaderValue(headers: Record<string, string | string[] | undefined>, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) headers[name] = value;
  else headers[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
}

function isUnreservedByte(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e || code === 0x5f || code === 0x7e;
}

/**
 * Normalises percent-escapes as Traefik's entryPoints do before anything else: an escaped unreserved
 * character (RFC 3986 §2.3) is decoded, every other escape is upper-cased (`/a%7e%2f` → `/a~%2F`).
 * Returns undefined for a `%` without two characters after it.
 */
export function normalizePathEscapes(path: string): string | undefined {
  if (!path.includes('%')) return path;
  let normalized = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i]!;
    if (char !== '%') {
      normalized += char;
      continue;
    }
    if (i + 2 >= path.length) return undefined;
    const hex = path.slice(i + 1, i + 3).toUpperCase();
    const code = Number.parseInt(hex, 16);
    normalized += Number.isNaN(code) || !isUnreservedByte(code) ? `%${hex}` : String.fromCharCode(code);
    i += 2;
  }
  return normalized;
}
