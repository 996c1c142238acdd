import type { Exchange } from '../../exchange.js';
import { requestUriPath, setPath, type GoUrlPath } from './go-url.js';

/** What the last path middleware left, with the escaped path it wrote, to tell whether someone changed it since. */
interface PathState {
  readonly url: GoUrlPath;
  readonly escaped: string;
}

const states = new WeakMap<Exchange, PathState>();

/**
 * Returns the request path as Go holds it (decoded path, raw path). Path middlewares chained on one
 * request see the raw path the previous one set, as they would in Traefik, where it may differ from what
 * the escaped path alone tells.
 */
export function requestUrlPath(exchange: Exchange): GoUrlPath {
  const state = states.get(exchange);
  if (state !== undefined && state.escaped === exchange.path) return state.url;
  try {
    return setPath(exchange.path);
  } catch {
    // Only an escape that a middleware outside this family wrote can be malformed; take the path as it is.
    return { path: exchange.path, rawPath: '' };
  }
}

/** Stores a rewritten path; the path sent upstream becomes its request URI (Go's `URL.RequestURI`). */
export function setRequestUrlPath(exchange: Exchange, url: GoUrlPath, escaped = requestUriPath(url)): void {
  exchange.path = escaped;
  states.set(exchange, { url, escaped });
}

/** Adds a leading slash to a non-empty path, as Traefik's `ensureLeadingSlash`. */
export function ensureLeadingSlash(path: string): string {
  return path === '' || path.startsWith('/') ? path : `/${path}`;
}

/**
 * Counts the bytes of a raw path that stand for the first `decodedLength` decoded bytes: three for a `%XX`
 * escape, one otherwise (Traefik's `encodedPrefixLen`).
 */
export function encodedPrefixLength(rawPath: string, decodedLength: number): number {
  let decoded = 0;
  let index = 0;
  while (index < rawPath.length && decoded < decodedLength) {
    index += rawPath[index] === '%' && index + 2 < rawPath.length ? 3 : 1;
    decoded += 1;
  }
  return index;
}
