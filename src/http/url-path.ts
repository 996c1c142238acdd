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
