import { ConfigError, quote } from '../../../config/errors.js';
import { GoRegexpError, translateGoRegexp } from '../../../rules/go-regexp.js';
import { utf8Bytes } from '../replace-path/go-url.js';

/**
 * A Go regular expression applied the way Go's regexp package applies it to a string: on bytes, with
 * `ReplaceAllString`'s `$1`/`${1}`/`$name` expansion and its rules for empty matches.
 *
 * Inputs and results are byte strings (one character per byte), like Go strings; matching sees them as
 * UTF-8 with each invalid byte read as U+FFFD, as Go does.
 */
export class GoRegexp {
  readonly source: string;
  readonly #regexp: RegExp;
  readonly #subexpNames: readonly string[];

  /** Compiles Go (RE2) syntax; throws GoRegexpError with Go's reason when Go would refuse it. */
  constructor(source: string) {
    const translated = translateGoRegexp(source);
    this.source = source;
    this.#regexp = new RegExp(translated.source, `${translated.flags}dg`);
    this.#subexpNames = translated.subexpNames;
  }

  /** Tells whether the expression matches anywhere in the input (Go's `MatchString`). */
  matches(input: string): boolean {
    const text = decodeUtf8(input);
    this.#regexp.lastIndex = 0;
    return this.#regexp.test(text.text);
  }

  /** Returns the leftmost match (Go's `FindString`), or undefined when nothing matches. */
  find(input: string): string | undefined {
    const text = decodeUtf8(input);
    this.#regexp.lastIndex = 0;
    const match = this.#regexp.exec(text.text);
    if (match === null) return undefined;
    const [start, end] = match.indices![0]!;
    return input.slice(text.byteOffset(start), text.byteOffset(end));
  }

  /**
   * Returns Go's `ReplaceAllString` for one template (given as text, compiled once): every match replaced by
   * the template, expanded as `Regexp.Expand` does.
   */
  replacer(template: string): (input: string) => string {
    const expand = compileTemplate(template, this.#subexpNames);
    return (input) => this.#replaceAll(input, expand);
  }

  #replaceAll(input: string, expand: Expansion): string {
    const text = decodeUtf8(input);
    const regexp = this.#regexp;
    let out = '';
    let lastMatchEnd = 0;
    let searchAt = 0;
    while (searchAt <= text.text.length) {
      regexp.lastIndex = searchAt;
      const match = regexp.exec(text.text);
      if (match === null) break;
      const [start, end] = match.indices![0]!;
      out += input.slice(text.byteOffset(lastMatchEnd), text.byteOffset(start));
      // An empty match right after the previous match is not replaced (Go's rule, unlike JavaScript's).
      if (end > lastMatchEnd || start === 0) {
        out += expand((group) => {
          const span = match.indices![group];
          return span === undefined ? undefined : input.slice(text.byteOffset(span[0]), text.byteOffset(span[1]));
        });
      }
      lastMatchEnd = end;
      const width = searchAt < text.text.length ? (text.text.codePointAt(searchAt)! > 0xffff ? 2 : 1) : 0;
      if (searchAt + width > end) searchAt += width;
      else if (searchAt + 1 > end) searchAt += 1;
      else searchAt = end;
    }
    return out + input.slice(text.byteOffset(lastMatchEnd));
  }
}

/** Compiles an expression of the configuration; throws ConfigError at `path` when Go would refuse it. */
export function compileOption(source: string, path: string): GoRegexp {
  try {
    return new GoRegexp(source);
  } catch (error) {
    if (error instanceof GoRegexpError) throw new ConfigError(path, `invalid regular expression ${quote(source)}: ${error.message}`);
    throw error;
  }
}

/** Text decoded from bytes, with the byte offset of each UTF-16 index. */
interface DecodedText {
  readonly text: string;
  byteOffset(index: number): number;
}

const identity = (index: number): number => index;

/** Decodes UTF-8 as Go's `utf8.DecodeRune` does: an invalid or truncated sequence yields U+FFFD for one byte. */
export function decodeUtf8(bytes: string): DecodedText {
  if (/^[\x00-\x7f]*$/.test(bytes)) return { text: bytes, byteOffset: identity };
  let text = '';
  const offsets: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const [codePoint, width] = decodeRune(bytes, i);
    const char = String.fromCodePoint(codePoint);
    for (let unit = 0; unit < char.length; unit++) offsets.push(i);
    text += char;
    i += width;
  }
  offsets.push(bytes.length);
  return { text, byteOffset: (index) => offsets[index]! };
}

function decodeRune(bytes: string, at: number): [number, number] {
  const b0 = bytes.charCodeAt(at);
  if (b0 < 0x80) return [b0, 1];
  const continuation = (offset: number, lo = 0x80, hi = 0xbf): number | undefined => {
    const byte = bytes.charCodeAt(at + offset);
    return byte >= lo && byte <= hi ? byte & 0x3f : undefined;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = continuation(1);
    if (c1 !== undefined) return [((b0 & 0x1f) << 6) | c1, 2];
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = continuation(1, b0 === 0xe0 ? 0xa0 : 0x80, b0 === 0xed ? 0x9f : 0xbf);
    const c2 = c1 === undefined ? undefined : continuation(2);
    if (c1 !== undefined && c2 !== undefined) return [((b0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = continuation(1, b0 === 0xf0 ? 0x90 : 0x80, b0 === 0xf4 ? 0x8f : 0xbf);
    const c2 = c1 === undefined ? undefined : continuation(2);
    const c3 = c2 === undefined ? undefined : continuation(3);
    if (c1 !== undefined && c2 !== undefined && c3 !== undefined) return [((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [0xfffd, 1];
}

/** Expands a template for one match; `group` gives a group's bytes, or undefined when it took no part. */
type Expansion = (group: (index: number) => string | undefined) => string;
/** Literal bytes, or the groups a reference may stand for (several when a name is used twice). */
type TemplatePart = string | readonly number[];

const nameCharacter = /[\p{L}\p{Nd}_]/u;

/**
 * Parses a replacement template once, as Go's `Regexp.Expand` reads it: `$$` is a `$`; `$name` takes the
 * longest run of letters, digits and `_` (so `$1x` names a group "1x"); `${name}` delimits it; a number
 * without leading zero is a group index; a group that does not exist or did not take part adds nothing;
 * a malformed `$` stays as it is.
 */
function compileTemplate(template: string, subexpNames: readonly string[]): Expansion {
  const parts: TemplatePart[] = [];
  let literal = '';
  let rest = template;
  for (;;) {
    const dollar = rest.indexOf('$');
    if (dollar === -1) break;
    literal += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      literal += '$';
      rest = rest.slice(1);
      continue;
    }
    const reference = extractReference(rest);
    if (reference === undefined) {
      literal += '$';
      continue;
    }
    rest = reference.rest;
    if (literal !== '') parts.push(utf8Bytes(literal));
    literal = '';
    if (reference.number >= 0) {
      if (reference.number < subexpNames.length) parts.push([reference.number]);
    } else {
      const groups = subexpNames.flatMap((name, index) => (index > 0 && name === reference.name ? [index] : []));
      if (groups.length > 0) parts.push(groups);
    }
  }
  literal += rest;
  if (literal !== '') parts.push(utf8Bytes(literal));
  return (group) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      // A name used by several groups stands for the first of them that took part in the match, as in Go.
      for (const index of part) {
        const value = group(index);
        if (value === undefined) continue;
        out += value;
        break;
      }
    }
    return out;
  };
}

function extractReference(text: string): { name: string; number: number; rest: string } | undefined {
  const isBraced = text.startsWith('{');
  const body = isBraced ? text.slice(1) : text;
  let length = 0;
  for (const char of body) {
    if (!nameCharacter.test(char)) break;
    length += char.length;
  }
  if (length === 0) return undefined;
  const name = body.slice(0, length);
  let end = length;
  if (isBraced) {
    if (body[end] !== '}') return undefined;
    end += 1;
  }
  let number = 0;
  for (const char of name) {
    if (char < '0' || char > '9' || number >= 1e8) {
      number = -1;
      break;
    }
    number = number * 10 + Number(char);
  }
  if (name.startsWith('0') && name.length > 1) number = -1;
  return { name, number, rest: body.slice(end) };
}
