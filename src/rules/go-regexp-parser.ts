import { PERL_CLASSES, POSIX_CLASSES, unicodeProperty, type PropertyItem } from './go-regexp-classes.js';
import { caseOrbit, complementRanges, foldRanges, normalizeRanges, type Ranges } from './go-regexp-ranges.js';

/**
 * A parser for Go's regexp syntax (RE2, `regexp.Compile`, Perl flags) into a small tree.
 * It accepts and rejects what Go's regexp/syntax accepts and rejects, and records the
 * flags in effect on every node so that the emitter can honour them.
 */

export type { PropertyItem } from './go-regexp-classes.js';

export type GoRegexpNode =
  | { readonly type: 'literal'; readonly codePoint: number; readonly fold: boolean }
  | {
      readonly type: 'class';
      /** Explicit members, already case-folded when `fold` is set. */
      readonly ranges: Ranges;
      readonly properties: readonly PropertyItem[];
      readonly negated: boolean;
      readonly fold: boolean;
    }
  | { readonly type: 'any'; readonly matchesNewline: boolean }
  | {
      readonly type: 'assertion';
      readonly kind: 'beginText' | 'endText' | 'beginLine' | 'endLine' | 'wordBoundary' | 'notWordBoundary';
    }
  | { readonly type: 'group'; readonly capture: number; readonly name: string; readonly body: GoRegexpNode }
  | { readonly type: 'concat'; readonly items: readonly GoRegexpNode[] }
  | { readonly type: 'alternate'; readonly alternatives: readonly GoRegexpNode[] }
  | {
      readonly type: 'repeat';
      readonly min: number;
      /** -1 when unbounded. */
      readonly max: number;
      readonly greedy: boolean;
      readonly body: GoRegexpNode;
    };

/** A Go regular expression that does not compile; the message is the reason. */
export class GoRegexpError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'GoRegexpError';
  }
}

interface Flags {
  foldCase: boolean;
  dotMatchesNewline: boolean;
  multiLine: boolean;
  nonGreedy: boolean;
}

/** A parsed expression: the tree and the capture group names, as Go's SubexpNames lists them. */
export interface ParsedGoRegexp {
  readonly root: GoRegexpNode;
  readonly captureNames: readonly string[];
}

const MAX_REPEAT = 1000;
const MAX_NESTING = 1000;

/** Parses a Go regular expression; throws GoRegexpError with Go's reason when Go rejects it. */
export function parseGoRegexp(source: string, caseInsensitive = false): ParsedGoRegexp {
  return new Parser(source, caseInsensitive).parse();
}

/** Quotes every regexp metacharacter, as Go's regexp.QuoteMeta does. */
export function quoteGoMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function isAlphanumeric(cp: number): boolean {
  return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}

function hexValue(cp: number | undefined): number {
  if (cp === undefined) return -1;
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  if (cp >= 0x41 && cp <= 0x46) return cp - 0x41 + 10;
  if (cp >= 0x61 && cp <= 0x66) return cp - 0x61 + 10;
  return -1;
}

class Parser {
  readonly #text: number[];
  #position = 0;
  #flags: Flags;
  #captureCount = 0;
  readonly #captureNames: string[] = [''];
  #depth = 0;

  constructor(source: string, caseInsensitive: boolean) {
    this.#text = [];
    for (let index = 0; index < source.length; index++) {
      const code = source.codePointAt(index)!;
      if (code >= 0xd800 && code <= 0xdfff) throw new GoRegexpError('invalid UTF-8');
      if (code > 0xffff) index++;
      this.#text.push(code);
    }
    this.#flags = { foldCase: caseInsensitive, dotMatchesNewline: false, multiLine: false, nonGreedy: false };
  }

  parse(): ParsedGoRegexp {
    const root = this.#parseAlternation();
    if (this.#position < this.#text.length) throw new GoRegexpError('unexpected )');
    return { root, captureNames: this.#captureNames };
  }

  #peek(offset = 0): number | undefined {
    return this.#text[this.#position + offset];
  }

  #slice(start: number, end: number): string {
    return String.fromCodePoint(...this.#text.slice(start, end));
  }

  #error(reason: string, expression?: string): GoRegexpError {
    return new GoRegexpError(expression === undefined ? reason : `${reason} "${expression}"`);
  }

  #parseAlternation(): GoRegexpNode {
    const alternatives = [this.#parseConcat()];
    while (this.#peek() === 0x7c /* | */) {
      this.#position++;
      alternatives.push(this.#parseConcat());
    }
    return alternatives.length === 1 ? alternatives[0]! : { type: 'alternate', alternatives };
  }

  #parseConcat(): GoRegexpNode {
    const items: GoRegexpNode[] = [];
    // Where the previous token, when it was a repetition operator, started.
    let lastRepeat = -1;
    for (;;) {
      const cp = this.#peek();
      if (cp === undefined || cp === 0x7c /* | */ || cp === 0x29 /* ) */) break;
      const start = this.#position;
      let repeatStart = -1;
      switch (cp) {
        case 0x28 /* ( */:
          this.#parseGroup(items);
          break;
        case 0x5e /* ^ */:
          this.#position++;
          items.push({ type: 'assertion', kind: this.#flags.multiLine ? 'beginLine' : 'beginText' });
          break;
        case 0x24 /* $ */:
          this.#position++;
          items.push({ type: 'assertion', kind: this.#flags.multiLine ? 'endLine' : 'endText' });
          break;
        case 0x2e /* . */:
          this.#position++;
          items.push({ type: 'any', matchesNewline: this.#flags.dotMatchesNewline });
          break;
        case 0x5b /* [ */:
          items.push(this.#parseClass());
          break;
        case 0x2a /* * */:
        case 0x2b /* + */:
        case 0x3f /* ? */: {
          this.#position++;
          const [min, max] = cp === 0x2a ? [0, -1] : cp === 0x2b ? [1, -1] : [0, 1];
          this.#repeat(items, min, max, start, lastRepeat);
          repeatStart = start;
          break;
        }
        case 0x7b /* { */: {
          const repeat = this.#parseRepeatBounds();
          if (repeat === undefined) {
            this.#position++;
            items.push(this.#literal(cp));
            break;
          }
          const [min, max] = repeat;
          if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
            throw this.#error('invalid repeat count', this.#slice(start, this.#position));
          }
          this.#repeat(items, min, max, start, lastRepeat);
          repeatStart = start;
          break;
        }
        case 0x5c /* \ */:
          this.#parseBackslash(items);
          break;
        default:
          this.#position++;
          items.push(this.#literal(cp));
      }
      lastRepeat = repeatStart;
    }
    return items.length === 1 ? items[0]! : { type: 'concat', items };
  }

  #literal(codePoint: number): GoRegexpNode {
    return { type: 'literal', codePoint, fold: this.#flags.foldCase && caseOrbit(codePoint).length > 1 };
  }

  #repeat(items: GoRegexpNode[], min: number, max: number, start: number, lastRepeat: number): void {
    let greedy = !this.#flags.nonGreedy;
    if (this.#peek() === 0x3f /* ? */) {
      this.#position++;
      greedy = !greedy;
    }
    if (lastRepeat >= 0) {
      // Go (like Perl) does not stack repetitions: a** and possessive a*+ are errors.
      const operator = this.#slice(lastRepeat, this.#position);
      const possessive = operator.endsWith('+') ? ' (possessive quantifiers are not supported)' : '';
      throw new GoRegexpError(`invalid nested repetition operator "${operator}"${possessive}`);
    }
    const body = items.pop();
    if (body === undefined) {
      throw this.#error('missing argument to repetition operator', this.#slice(start, this.#position));
    }
    const node: GoRegexpNode = { type: 'repeat', min, max, greedy, body };
    if ((min >= 2 || max >= 2) && !isRepeatValid(node, MAX_REPEAT)) {
      throw this.#error('invalid repeat count', this.#slice(start, this.#position));
    }
    items.push(node);
  }

  /** Parses `{min}`, `{min,}` or `{min,max}` at the position; undefined when it is a literal brace. */
  #parseRepeatBounds(): [number, number] | undefined {
    let position = this.#position + 1;
    const readInt = (): number | undefined => {
      const first = this.#text[position];
      if (first === undefined || first < 0x30 || first > 0x39) return undefined;
      const second = this.#text[position + 1];
      if (first === 0x30 && second !== undefined && second >= 0x30 && second <= 0x39) return undefined;
      let value = 0;
      while (this.#text[position] !== undefined && this.#text[position]! >= 0x30 && this.#text[position]! <= 0x39) {
        if (value >= 1e8) value = -1;
        else if (value >= 0) value = value * 10 + this.#text[position]! - 0x30;
        position++;
      }
      return value;
    };
    let min = readInt();
    if (min === undefined || position >= this.#text.length) return undefined;
    let max: number;
    if (this.#text[position] !== 0x2c /* , */) {
      max = min;
    } else {
      position++;
      if (position >= this.#text.length) return undefined;
      if (this.#text[position] === 0x7d /* } */) {
        max = -1;
      } else {
        const parsed = readInt();
        if (parsed === undefined) return undefined;
        max = parsed;
        if (max < 0) min = -1;
      }
    }
    if (this.#text[position] !== 0x7d /* } */) return undefined;
    this.#position = position + 1;
    return [min, max];
  }

  #parseGroup(items: GoRegexpNode[]): void {
    const start = this.#position;
    if (this.#peek(1) !== 0x3f /* ? */) {
      this.#position++;
      const capture = ++this.#captureCount;
      this.#captureNames.push('');
      items.push(this.#parseGroupBody(capture, '', this.#flags));
      return;
    }
    const third = this.#peek(2);
    const isNamed = (third === 0x50 /* P */ && this.#peek(3) === 0x3c) /* < */ || third === 0x3c; /* < */
    if (isNamed && this.#text.length - start > (third === 0x50 ? 4 : 3)) {
      const nameStart = start + (third === 0x50 ? 4 : 3);
      const end = this.#text.indexOf(0x3e /* > */, start);
      if (third === 0x3c && (this.#peek(3) === 0x3d /* = */ || this.#peek(3) === 0x21) /* ! */) {
        throw this.#error('lookbehind is not supported', this.#slice(start, start + 4));
      }
      if (end < 0) throw this.#error('invalid named capture', this.#slice(start, this.#text.length));
      const name = this.#slice(nameStart, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw this.#error('invalid named capture', this.#slice(start, end + 1));
      this.#position = end + 1;
      const capture = ++this.#captureCount;
      this.#captureNames.push(name);
      items.push(this.#parseGroupBody(capture, name, this.#flags));
      return;
    }
    // Flags, possibly opening a non-capturing group: (?i) (?i-s:...) (?:...).
    let position = start + 2;
    const flags = { ...this.#flags };
    let negate = false;
    let sawFlag = false;
    for (; position < this.#text.length; position++) {
      const cp = this.#text[position]!;
      if (cp === 0x69 /* i */) flags.foldCase = !negate;
      else if (cp === 0x6d /* m */) flags.multiLine = !negate;
      else if (cp === 0x73 /* s */) flags.dotMatchesNewline = !negate;
      else if (cp === 0x55 /* U */) flags.nonGreedy = !negate;
      else if (cp === 0x2d /* - */ && !negate) {
        negate = true;
        sawFlag = false;
        continue;
      } else if ((cp === 0x3a /* : */ || cp === 0x29) /* ) */ && !(negate && !sawFlag)) {
        this.#position = position + 1;
        if (cp === 0x29) {
          this.#flags = flags;
        } else {
          items.push(this.#parseGroupBody(0, '', flags));
        }
        return;
      } else {
        position++;
        break;
      }
      sawFlag = true;
    }
    const syntax = this.#slice(start, position);
    if (syntax === '(?=' || syntax === '(?!') throw this.#error('lookahead is not supported', syntax);
    throw this.#error('invalid or unsupported Perl syntax', syntax);
  }

  /** Parses a group's body up to its `)` with `flags` in effect, then restores the enclosing flags. */
  #parseGroupBody(capture: number, name: string, flags: Flags): GoRegexpNode {
    if (++this.#depth > MAX_NESTING) throw new GoRegexpError('expression nests too deeply');
    const outer = this.#flags;
    this.#flags = { ...flags };
    const body = this.#parseAlternation();
    if (this.#peek() !== 0x29 /* ) */) throw new GoRegexpError('missing closing )');
    this.#position++;
    this.#flags = outer;
    this.#depth--;
    return { type: 'group', capture, name, body };
  }

  #parseBackslash(items: GoRegexpNode[]): void {
    const next = this.#peek(1);
    switch (next) {
      case 0x41 /* A */:
        this.#position += 2;
        items.push({ type: 'assertion', kind: 'beginText' });
        return;
      case 0x7a /* z */:
        this.#position += 2;
        items.push({ type: 'assertion', kind: 'endText' });
        return;
      case 0x62 /* b */:
        this.#position += 2;
        items.push({ type: 'assertion', kind: 'wordBoundary' });
        return;
      case 0x42 /* B */:
        this.#position += 2;
        items.push({ type: 'assertion', kind: 'notWordBoundary' });
        return;
      case 0x43 /* C */:
        throw this.#error('invalid escape sequence', '\\C');
      case 0x51 /* Q */: {
        // \Q...\E: everything up to \E (or the end) is literal.
        let position = this.#position + 2;
        while (position < this.#text.length) {
          if (this.#text[position] === 0x5c && this.#text[position + 1] === 0x45 /* E */) {
            position += 2;
            break;
          }
          items.push(this.#literal(this.#text[position]!));
          position++;
        }
        this.#position = position;
        return;
      }
      case 0x70 /* p */:
      case 0x50 /* P */: {
        const property = this.#parseUnicodeClass();
        items.push({ type: 'class', ranges: [], properties: [property], negated: false, fold: this.#flags.foldCase });
        return;
      }
    }
    const perl = this.#parsePerlClass();
    if (perl !== undefined) {
      items.push({ type: 'class', ranges: perl, properties: [], negated: false, fold: this.#flags.foldCase });
      return;
    }
    items.push(this.#literal(this.#parseEscape()));
  }

  /** Parses `\d`, `\S`, ... at the position into explicit ranges, or returns undefined. */
  #parsePerlClass(): Ranges | undefined {
    if (this.#peek() !== 0x5c /* \ */) return undefined;
    const letter = this.#peek(1);
    const name = letter === undefined ? '' : String.fromCodePoint(letter);
    const ranges = PERL_CLASSES[name] ?? PERL_CLASSES[name.toLowerCase()];
    if (ranges === undefined || name.length !== 1) return undefined;
    this.#position += 2;
    return this.#group(ranges, name !== name.toLowerCase());
  }

  /** Returns a Perl or POSIX group's members as Go computes them: folded first, then negated. */
  #group(ranges: Ranges, negated: boolean): Ranges {
    const members = this.#flags.foldCase ? foldRanges(ranges) : ranges;
    return negated ? complementRanges(members) : members;
  }

  #parseUnicodeClass(): PropertyItem {
    const start = this.#position;
    let negated = this.#peek(1) === 0x50; /* P */
    let position = start + 2;
    let name: string;
    if (this.#text[position] !== 0x7b /* { */) {
      name = this.#text[position] === undefined ? '' : String.fromCodePoint(this.#text[position]!);
      position++;
    } else {
      const end = this.#text.indexOf(0x7d /* } */, position);
      if (end < 0) throw this.#error('missing closing } in Unicode class', this.#slice(start, this.#text.length));
      name = this.#slice(position + 1, end);
      position = end + 1;
    }
    const sequence = this.#slice(start, Math.min(position, this.#text.length));
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const property = name === '' ? undefined : unicodeProperty(name);
    if (property === undefined) throw this.#error('unknown Unicode class', sequence);
    this.#position = position;
    return { name: property.name, negated: property.negated !== negated };
  }

  /** Parses one escape that stands for a single character and returns its code point. */
  #parseEscape(): number {
    const start = this.#position;
    const letter = this.#text[start + 1];
    if (letter === undefined) throw new GoRegexpError('trailing backslash at end of expression');
    this.#position = start + 2;
    const invalid = (): GoRegexpError => this.#error('invalid escape sequence', this.#slice(start, this.#position));
    if (letter < 0x80 && !isAlphanumeric(letter)) return letter;
    const isOctal = (cp: number | undefined): boolean => cp !== undefined && cp >= 0x30 && cp <= 0x37;
    if (letter >= 0x31 && letter <= 0x37 && !isOctal(this.#peek())) {
      throw new GoRegexpError(
        `invalid escape sequence "${this.#slice(start, this.#position)}" (backreferences are not supported)`,
      );
    }
    if (letter >= 0x30 && letter <= 0x37) {
      let value = letter - 0x30;
      for (let digits = 1; digits < 3 && isOctal(this.#peek()); digits++) {
        value = value * 8 + this.#peek()! - 0x30;
        this.#position++;
      }
      return value;
    }
    switch (letter) {
      case 0x78 /* x */: {
        const first = this.#peek();
        if (first === undefined) throw invalid();
        this.#position++;
        if (first === 0x7b /* { */) {
          let value = 0;
          let digits = 0;
          for (;;) {
            const cp = this.#peek();
            if (cp === undefined) throw invalid();
            this.#position++;
            if (cp === 0x7d /* } */) break;
            const digit = hexValue(cp);
            if (digit < 0) throw invalid();
            value = value * 16 + digit;
            if (value > 0x10ffff) throw invalid();
            digits++;
          }
          if (digits === 0) throw invalid();
          return value;
        }
        const second = this.#peek();
        if (second !== undefined) this.#position++;
        const high = hexValue(first);
        const low = hexValue(second);
        if (high < 0 || low < 0) throw invalid();
        return high * 16 + low;
      }
      case 0x61 /* a */:
        return 0x07;
      case 0x66 /* f */:
        return 0x0c;
      case 0x6e /* n */:
        return 0x0a;
      case 0x72 /* r */:
        return 0x0d;
      case 0x74 /* t */:
        return 0x09;
      case 0x76 /* v */:
        return 0x0b;
    }
    throw invalid();
  }

  #parseClass(): GoRegexpNode {
    const start = this.#position;
    this.#position++;
    let negated = false;
    if (this.#peek() === 0x5e /* ^ */) {
      negated = true;
      this.#position++;
    }
    const ranges: Ranges = [];
    const properties: PropertyItem[] = [];
    const missingBracket = (): GoRegexpError => this.#error('missing closing ]', this.#slice(start, this.#text.length));
    let first = true;
    while (this.#peek() !== 0x5d /* ] */ || first) {
      if (this.#peek() === undefined) throw missingBracket();
      first = false;
      // POSIX classes like [:alpha:] and [:^alpha:].
      if (this.#peek() === 0x5b /* [ */ && this.#peek(1) === 0x3a /* : */) {
        const end = this.#findPosixEnd();
        if (end >= 0) {
          const sequence = this.#slice(this.#position, end + 2);
          const isNegated = sequence[2] === '^';
          const members = POSIX_CLASSES[sequence.slice(isNegated ? 3 : 2, -2)];
          if (members === undefined) throw this.#error('unknown POSIX class', sequence);
          ranges.push(...this.#group(members, isNegated));
          this.#position = end + 2;
          continue;
        }
      }
      if (this.#peek() === 0x5c /* \ */ && (this.#peek(1) === 0x70 /* p */ || this.#peek(1) === 0x50) /* P */) {
        properties.push(this.#parseUnicodeClass());
        continue;
      }
      const perl = this.#parsePerlClass();
      if (perl !== undefined) {
        ranges.push(...perl);
        continue;
      }
      const rangeStart = this.#position;
      const lo = this.#parseClassChar(missingBracket);
      let hi = lo;
      if (this.#peek() === 0x2d /* - */ && this.#peek(1) !== undefined && this.#peek(1) !== 0x5d /* ] */) {
        this.#position++;
        hi = this.#parseClassChar(missingBracket);
        if (hi < lo) throw this.#error('invalid character class range', this.#slice(rangeStart, this.#position));
      }
      if (this.#flags.foldCase) ranges.push(...foldRanges([lo, hi]));
      else ranges.push(lo, hi);
    }
    this.#position++;
    return { type: 'class', ranges: normalizeRanges(ranges), properties, negated, fold: this.#flags.foldCase };
  }

  #findPosixEnd(): number {
    for (let position = this.#position + 2; position + 1 < this.#text.length; position++) {
      if (this.#text[position] === 0x3a /* : */ && this.#text[position + 1] === 0x5d /* ] */) return position;
    }
    return -1;
  }

  #parseClassChar(missingBracket: () => GoRegexpError): number {
    const cp = this.#peek();
    if (cp === undefined) throw missingBracket();
    if (cp === 0x5c /* \ */) return this.#parseEscape();
    this.#position++;
    return cp;
  }
}

/** Whether nested counted repetitions stay within `limit` copies of the innermost expression, as Go requires. */
function isRepeatValid(node: GoRegexpNode, limit: number): boolean {
  let remaining = limit;
  if (node.type === 'repeat') {
    let count = node.max;
    if (count === 0) return true;
    if (count < 0) count = node.min;
    if (count > remaining) return false;
    if (count > 0) remaining = Math.floor(remaining / count);
  }
  switch (node.type) {
    case 'repeat':
    case 'group':
      return isRepeatValid(node.body, remaining);
    case 'concat':
      return node.items.every((item) => isRepeatValid(item, remaining));
    case 'alternate':
      return node.alternatives.every((item) => isRepeatValid(item, remaining));
    default:
      return true;
  }
}
