/**
 * Media types read as Go's `mime.ParseMediaType` reads them: Traefik's compress middleware validates its
 * options and compares the request's and the response's Content-Type with it, so its errors (and the media
 * type it still returns for a bad parameter) decide what gets compressed.
 */

/** A media type and whether its parameters parsed; `mediaType` is empty when the type itself is malformed. */
export interface ParsedMediaType {
  /** Lowercase `type/subtype` (or a lone token, which Go accepts). */
  readonly mediaType: string;
  /** Why the value is not a valid media type, worded as Go's errors; undefined when it is valid. */
  readonly error: string | undefined;
}

/** tspecials of RFC 2045 §5.1: not allowed in a token. */
const tspecials = new Set('()<>@,;:\\"/[]?=');

function isTokenChar(code: number): boolean {
  return code > 0x20 && code < 0x7f && !tspecials.has(String.fromCharCode(code));
}

/** Go's `unicode.IsSpace` on the bytes a header value can hold. */
function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0x85 || code === 0xa0;
}

function trimLeftSpace(value: string): string {
  let start = 0;
  while (start < value.length && isSpace(value.charCodeAt(start))) start += 1;
  return value.slice(start);
}

function trimSpace(value: string): string {
  let end = value.length;
  while (end > 0 && isSpace(value.charCodeAt(end - 1))) end -= 1;
  return trimLeftSpace(value.slice(0, end));
}

function consumeToken(value: string): [token: string, rest: string] {
  for (let i = 0; i < value.length; i++) {
    if (!isTokenChar(value.charCodeAt(i))) return [value.slice(0, i), value.slice(i)];
  }
  return [value, ''];
}

/** A token or a quoted string; an unterminated quote (or a bare CR/LF in it) consumes nothing. */
function consumeValue(value: string): [value: string, rest: string] {
  if (value === '') return ['', ''];
  if (value[0] !== '"') return consumeToken(value);
  let text = '';
  for (let i = 1; i < value.length; i++) {
    const char = value[i]!;
    if (char === '"') return [text, value.slice(i + 1)];
    // As Go: a backslash escapes only a tspecial; before anything else it is a literal (MSIE paths).
    if (char === '\\' && i + 1 < value.length && tspecials.has(value[i + 1]!)) {
      text += value[i + 1];
      i += 1;
      continue;
    }
    if (char === '\r' || char === '\n') return ['', value];
    text += char;
  }
  return ['', value];
}

function consumeParam(value: string): [name: string, value: string, rest: string] {
  let rest = trimLeftSpace(value);
  if (!rest.startsWith(';')) return ['', '', value];
  rest = trimLeftSpace(rest.slice(1));
  let name: string;
  [name, rest] = consumeToken(rest);
  name = name.toLowerCase();
  if (name === '') return ['', '', value];
  rest = trimLeftSpace(rest);
  if (!rest.startsWith('=')) return ['', '', value];
  rest = trimLeftSpace(rest.slice(1));
  const [parameter, after] = consumeValue(rest);
  if (parameter === '' && after === rest) return ['', '', value];
  return [name, parameter, after];
}

function checkType(mediaType: string): string | undefined {
  const [type, rest] = consumeToken(mediaType);
  if (type === '') return 'no media type';
  if (rest === '') return undefined;
  if (!rest.startsWith('/')) return 'expected slash after first token';
  const [subtype, tail] = consumeToken(rest.slice(1));
  if (subtype === '') return 'expected token after slash';
  if (tail !== '') return 'unexpected content after media subtype';
  return undefined;
}

/** Parses a Content-Type value as Go's `mime.ParseMediaType`, keeping only what the compress middleware uses. */
export function parseMediaType(value: string): ParsedMediaType {
  const semicolon = value.indexOf(';');
  const base = semicolon === -1 ? value : value.slice(0, semicolon);
  const mediaType = trimSpace(base.toLowerCase());
  const typeError = checkType(mediaType);
  if (typeError !== undefined) return { mediaType: '', error: typeError };

  // Parameters are checked for their errors only: Traefik compares media types without them.
  const seen = new Map<string, string>();
  let rest = value.slice(base.length);
  while (rest.length > 0) {
    rest = trimLeftSpace(rest);
    if (rest === '') break;
    const [name, parameter, after] = consumeParam(rest);
    if (name === '') {
      // A trailing semicolon is allowed.
      if (trimSpace(after) === ';') break;
      return { mediaType, error: 'invalid media parameter' };
    }
    const previous = seen.get(name);
    if (previous !== undefined && previous !== parameter) return { mediaType: '', error: 'duplicate parameter name' };
    seen.set(name, parameter);
    rest = after;
  }
  return { mediaType, error: undefined };
}
