/**
 * A parameter go-http-auth cannot read: `name=` with nothing after it, or a lone `"`. Go indexes past the
 * end of the value and panics, which Traefik's recovery turns into a 500.
 */
export class MalformedDigestParameterError extends Error {}

/** Splits a comma-separated list as RFC 2068 does: commas inside double quotes (with backslash escapes) do not split. */
export function parseList(value: string): string[] {
  const items: string[] = [];
  let isEscaped = false;
  let isQuoted = false;
  let current = '';
  for (const char of value) {
    if (isEscaped) {
      current += char;
      isEscaped = false;
    } else if (isQuoted) {
      if (char === '\\') isEscaped = true;
      else {
        if (char === '"') isQuoted = false;
        current += char;
      }
    } else if (char === ',') {
      items.push(current.trim());
      current = '';
    } else {
      if (char === '"') isQuoted = true;
      current += char;
    }
  }
  if (current !== '') items.push(current.trim());
  return items;
}

/** Reads `key=value` pairs of a list; values lose their surrounding quotes, keys are kept as written. */
export function parsePairs(value: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const item of parseList(value.trim())) {
    const equals = item.indexOf('=');
    if (equals < 0) {
      pairs.set(item, '');
      continue;
    }
    let text = item.slice(equals + 1);
    if (text === '' || text === '"') throw new MalformedDigestParameterError(`malformed digest parameter ${JSON.stringify(item)}`);
    if (text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);
    pairs.set(item.slice(0, equals), text);
  }
  return pairs;
}

/** Reads the parameters of a `Digest` Authorization header; undefined for any other scheme (case-sensitive, as go-http-auth). */
export function parseDigestParams(header: string | undefined): Map<string, string> | undefined {
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space) !== 'Digest') return undefined;
  return parsePairs(header.slice(space + 1));
}
