/** One step of a configuration path: a key (`routers`, `app.v2`) or a list index (`0`). */
export type PathKey = string | number;

/** A position in a source file, 1-based as editors show it. */
export interface SourcePosition {
  readonly line: number;
  readonly col: number;
}

const bareSegment = /^[^.[\]]+/;
const indexSegment = /^\[(\d+)\]/;

/**
 * Splits a configuration path as `configPath` formats it (`http.routers["app.v2"].servers[0]`) into its keys.
 * Bare segments are read up to the next dot or bracket, so `api@file` is accepted unquoted too.
 * Returns undefined for text that is not a path.
 */
export function parseConfigPath(path: string): PathKey[] | undefined {
  const keys: PathKey[] = [];
  let rest = path;
  let expectKey = true;
  while (rest !== '') {
    if (rest.startsWith('[')) {
      const index = indexSegment.exec(rest);
      if (index !== null) {
        keys.push(Number(index[1]));
        rest = rest.slice(index[0].length);
      } else {
        const quoted = readQuotedSegment(rest);
        if (quoted === undefined) return undefined;
        keys.push(quoted.key);
        rest = rest.slice(quoted.length);
      }
      expectKey = false;
      continue;
    }
    if (!expectKey) {
      if (!rest.startsWith('.')) return undefined;
      rest = rest.slice(1);
    }
    const bare = bareSegment.exec(rest);
    if (bare === null) return undefined;
    keys.push(bare[0]);
    rest = rest.slice(bare[0].length);
    expectKey = false;
  }
  return keys.length === 0 ? undefined : keys;
}

/** Reads `["..."]` at the start of text, the key being a JSON string. */
function readQuotedSegment(text: string): { key: string; length: number } | undefined {
  if (!text.startsWith('["')) return undefined;
  let end = 2;
  while (end < text.length) {
    const char = text[end];
    if (char === '\\') {
      end += 2;
      continue;
    }
    if (char === '"') break;
    end += 1;
  }
  if (text[end + 1] !== ']') return undefined;
  try {
    const key: unknown = JSON.parse(text.slice(1, end + 1));
    return typeof key === 'string' ? { key, length: end + 2 } : undefined;
  } catch {
    return undefined;
  }
}

/** Tells whether a file key matches a path key: exactly, or ignoring case as Traefik's decoder does. */
export function keyMatches(fileKey: string, pathKey: string, ignoreCase: boolean): boolean {
  return ignoreCase ? fileKey.toLowerCase() === pathKey.toLowerCase() : fileKey === pathKey;
}
