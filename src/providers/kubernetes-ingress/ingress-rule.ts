import type { PathMatcher } from './annotations.js';

/** Quotes a value for a rule as Go's `%q` does for the printable ASCII an Ingress holds. */
function quoted(value: string): string {
  return JSON.stringify(value);
}

/** Builds the host part of a rule; with rule syntax v2 a `*.` wildcard becomes a HostRegexp, as in Traefik. */
export function hostRule(host: string, ruleSyntax: 'v2' | 'v3'): string {
  if (ruleSyntax === 'v2' && host.startsWith('*.')) return `HostRegexp(${quoted(`{subdomain:[a-zA-Z0-9-]+}.${host.slice(2)}`)})`;
  return `Host(${quoted(host)})`;
}

/**
 * Builds the path part of a rule. With `strictPrefixMatching`, a prefix matches whole path elements as the
 * Ingress API defines (`/foo` matches `/foo` and `/foo/bar`, not `/foobar`); Traefik's default is a plain
 * string prefix, and so is Junction's.
 */
export function pathRule(matcher: PathMatcher, path: string, strictPrefixMatching: boolean): string {
  if (!strictPrefixMatching || matcher !== 'PathPrefix') return `${matcher}(${quoted(path)})`;
  if (path === '/') return 'PathPrefix("/")';
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return `(Path(${quoted(trimmed)}) || PathPrefix(${quoted(`${trimmed}/`)}))`;
}

/** Normalises a generated name as Traefik's `provider.Normalize`: runs of other than letters and digits become one `-`. */
export function normalizeName(name: string): string {
  return name.split(/[^\p{L}\p{N}]+/u).filter((part) => part !== '').join('-');
}
