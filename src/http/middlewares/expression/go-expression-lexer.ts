import { ExpressionError } from './expression-error.js';

/**
 * Tokens of a Go expression, as go/scanner splits them: vulcand/predicate, which Traefik uses for the
 * circuitBreaker and buffering expressions, hands the text to go/parser.
 */
export type TokenType = 'identifier' | 'keyword' | 'int' | 'float' | 'imag' | 'char' | 'string' | 'operator' | 'newline' | 'end';

export interface Token {
  readonly type: TokenType;
  /** Source text (`&&`, `50.0`, `"GET"`). */
  readonly text: string;
  /** UTF-16 offset in the expression. */
  readonly offset: number;
  /** The value of a string literal, unquoted as Go does. */
  readonly value?: string;
}

const KEYWORDS = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto',
  'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var',
]);

// Longest first, so `&^=` wins over `&^` and `&`.
const OPERATORS = [
  '<<=', '>>=', '&^=', '...',
  '&&', '||', '<-', '++', '--', '==', '!=', '<=', '>=', ':=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>', '&^',
  '+', '-', '*', '/', '%', '&', '|', '^', '<', '>', '=', '!', '~', '(', ')', '[', ']', '{', '}', ',', ';', '.', ':',
];

// Go inserts a semicolon at a line end after these, which ends an expression there.
const ENDS_LINE_OPERATORS = new Set([')', ']', '}', '++', '--']);
const ENDS_LINE_KEYWORDS = new Set(['break', 'continue', 'fallthrough', 'return']);

/** Splits a Go expression into tokens; throws ExpressionError on malformed literals. */
export function tokenize(source: string): Token[] {
  return new Lexer(source).run();
}

class Lexer {
  readonly #source: string;
  readonly #tokens: Token[] = [];
  #position = 0;

  constructor(source: string) {
    this.#source = source;
  }

  run(): Token[] {
    const source = this.#source;
    while (this.#position < source.length) {
      const start = this.#position;
      const character = source[start]!;
      if (character === ' ' || character === '\t' || character === '\r') {
        this.#position++;
      } else if (character === '\n') {
        this.#lineBreak(start);
        this.#position++;
      } else if (source.startsWith('//', start)) {
        const end = source.indexOf('\n', start);
        this.#position = end < 0 ? source.length : end;
      } else if (source.startsWith('/*', start)) {
        const end = source.indexOf('*/', start + 2);
        if (end < 0) this.#fail(start, 'comment not terminated');
        if (source.slice(start, end).includes('\n')) this.#lineBreak(start);
        this.#position = end + 2;
      } else if (isLetter(source, start)) {
        const match = /^[\p{L}_][\p{L}\p{Nd}_]*/u.exec(source.slice(start))!;
        this.#push(KEYWORDS.has(match[0]) ? 'keyword' : 'identifier', start, start + match[0].length);
      } else if (isDigit(character) || (character === '.' && isDigit(source[start + 1] ?? ''))) {
        this.#number(start);
      } else if (character === '"') {
        this.#interpretedString(start);
      } else if (character === '`') {
        const end = source.indexOf('`', start + 1);
        if (end < 0) this.#fail(start, 'raw string literal not terminated');
        // Go drops carriage returns from raw strings.
        this.#push('string', start, end + 1, source.slice(start + 1, end).replaceAll('\r', ''));
      } else if (character === "'") {
        this.#char(start);
      } else {
        const operator = OPERATORS.find((candidate) => source.startsWith(candidate, start));
        if (operator === undefined) {
          const codePoint = source.codePointAt(start)!;
          this.#fail(start, `invalid character ${describeCharacter(codePoint)}`);
        }
        this.#push('operator', start, start + operator.length);
      }
    }
    this.#lineBreak(source.length);
    this.#tokens.push({ type: 'end', text: '', offset: source.length });
    return this.#tokens;
  }

  #fail(offset: number, reason: string): never {
    throw ExpressionError.at(this.#source, offset, reason);
  }

  #push(type: TokenType, start: number, end: number, value?: string): void {
    this.#tokens.push({ type, text: this.#source.slice(start, end), offset: start, ...(value !== undefined ? { value } : {}) });
    this.#position = end;
  }

  #lineBreak(offset: number): void {
    const last = this.#tokens[this.#tokens.length - 1];
    if (last === undefined) return;
    const endsLine =
      ['identifier', 'int', 'float', 'imag', 'char', 'string'].includes(last.type) ||
      (last.type === 'operator' && ENDS_LINE_OPERATORS.has(last.text)) ||
      (last.type === 'keyword' && ENDS_LINE_KEYWORDS.has(last.text));
    if (endsLine) this.#tokens.push({ type: 'newline', text: '\n', offset });
  }

  /** Scans a number as go/scanner does: prefixes, legacy octal, fractions, exponents, `_` separators, `i`. */
  #number(start: number): void {
    const source = this.#source;
    let position = start;
    let base = 10;
    let prefix = '';
    let type: 'int' | 'float' = 'int';
    let invalidDigit = -1;
    const digits = (digitBase: number): void => {
      while (position < source.length) {
        const character = source[position]!;
        const value = digitValue(character);
        if (character !== '_' && value >= (digitBase <= 10 ? 10 : 16)) break;
        if (character !== '_' && value >= digitBase && invalidDigit < 0) invalidDigit = position;
        position++;
      }
    };
    if (source[position] !== '.') {
      if (source[position] === '0') {
        position++;
        const letter = (source[position] ?? '').toLowerCase();
        if (letter === 'x' || letter === 'o' || letter === 'b') {
          prefix = letter;
          base = letter === 'x' ? 16 : letter === 'o' ? 8 : 2;
          position++;
        } else {
          base = 8;
          prefix = '0';
        }
      }
      digits(base);
      if (source[position] === '.') {
        type = 'float';
        if (prefix === 'o' || prefix === 'b') this.#fail(position, `invalid radix point in ${prefix === 'o' ? 'octal' : 'binary'} literal`);
        position++;
        digits(base);
      }
    } else {
      type = 'float';
      position++;
      digits(10);
    }
    const exponent = (source[position] ?? '').toLowerCase();
    if (exponent === 'e' || exponent === 'p') {
      if (exponent === 'e' && prefix !== '' && prefix !== '0') this.#fail(position, `"${source[position]}" exponent requires decimal mantissa`);
      if (exponent === 'p' && prefix !== 'x') this.#fail(position, `"${source[position]}" exponent requires hexadecimal mantissa`);
      type = 'float';
      position++;
      if (source[position] === '+' || source[position] === '-') position++;
      const exponentStart = position;
      while (position < source.length && (isDigit(source[position]!) || source[position] === '_')) position++;
      if (!/[0-9]/.test(source.slice(exponentStart, position))) this.#fail(exponentStart, 'exponent has no digits');
    } else if (prefix === 'x' && type === 'float') {
      this.#fail(start, 'hexadecimal mantissa requires a "p" exponent');
    }
    let tokenType: TokenType = type;
    if (source[position] === 'i') {
      tokenType = 'imag';
      position++;
    }
    const text = source.slice(start, position);
    if (tokenType === 'int' && prefix === '0') {
      // A legacy octal literal may hold 8 and 9 only when it turns out to be a float.
      if (invalidDigit >= 0) this.#fail(invalidDigit, `invalid digit "${source[invalidDigit]}" in octal literal`);
    } else if (invalidDigit >= 0 && prefix !== '0') {
      this.#fail(invalidDigit, `invalid digit "${source[invalidDigit]}" in ${baseName(base)} literal`);
    }
    if (prefix !== '' && prefix !== '0' && !/[0-9a-fA-F]/.test(text.slice(2).replace(/[pP][+-]?[0-9_]*$/, '').replace(/i$/, ''))) {
      this.#fail(start, `${baseName(base)} literal has no digits`);
    }
    if (!underscoresSeparateDigits(text)) this.#fail(start, '"_" must separate successive digits');
    this.#push(tokenType, start, position);
  }

  #interpretedString(start: number): void {
    // Go strings are bytes: octal and \x escapes give single bytes, decoded as UTF-8 at the end.
    const source = this.#source;
    const bytes: number[] = [];
    const encoder = new TextEncoder();
    let position = start + 1;
    for (;;) {
      if (position >= source.length || source[position] === '\n') this.#fail(start, 'string literal not terminated');
      const character = source[position]!;
      if (character === '"') break;
      if (character !== '\\') {
        const text = String.fromCodePoint(source.codePointAt(position)!);
        bytes.push(...encoder.encode(text));
        position += text.length;
        continue;
      }
      const escapeStart = position;
      const letter = source[position + 1];
      position += 2;
      const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
      if (letter !== undefined && simple[letter] !== undefined) {
        bytes.push(simple[letter]!);
        continue;
      }
      const digits = (count: number, base: number): number => {
        const text = source.slice(position, position + count);
        const pattern = base === 8 ? /^[0-7]+$/ : /^[0-9A-Fa-f]+$/;
        if (text.length !== count || !pattern.test(text)) this.#fail(escapeStart, `unknown escape sequence "${source.slice(escapeStart, escapeStart + 2)}"`);
        position += count;
        return Number.parseInt(text, base);
      };
      if (letter !== undefined && letter >= '0' && letter <= '7') {
        position--;
        const value = digits(3, 8);
        if (value > 255) this.#fail(escapeStart, 'octal escape value > 255');
        bytes.push(value);
      } else if (letter === 'x') {
        bytes.push(digits(2, 16));
      } else if (letter === 'u' || letter === 'U') {
        const value = digits(letter === 'u' ? 4 : 8, 16);
        if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) this.#fail(escapeStart, 'escape sequence is invalid Unicode code point');
        bytes.push(...encoder.encode(String.fromCodePoint(value)));
      } else {
        this.#fail(escapeStart, `unknown escape sequence "${source.slice(escapeStart, escapeStart + 2)}"`);
      }
    }
    this.#push('string', start, position + 1, new TextDecoder().decode(new Uint8Array(bytes)));
  }

  /** Scans a rune literal; its value does not matter, since no expression accepts one. */
  #char(start: number): void {
    const source = this.#source;
    let position = start + 1;
    for (;;) {
      if (position >= source.length || source[position] === '\n') this.#fail(start, 'rune literal not terminated');
      if (source[position] === '\\') position += 2;
      else if (source[position] === "'") break;
      else position++;
    }
    if (position === start + 1) this.#fail(start, 'empty rune literal or unescaped "\'" in rune literal');
    this.#push('char', start, position + 1);
  }
}

function isDigit(character: string): boolean {
  return character >= '0' && character <= '9';
}

function isLetter(source: string, position: number): boolean {
  return /[\p{L}_]/u.test(String.fromCodePoint(source.codePointAt(position)!));
}

function digitValue(character: string): number {
  if (character >= '0' && character <= '9') return character.charCodeAt(0) - 48;
  const lower = character.toLowerCase();
  if (lower >= 'a' && lower <= 'f') return lower.charCodeAt(0) - 87;
  return 16;
}

function baseName(base: number): string {
  return base === 16 ? 'hexadecimal' : base === 8 ? 'octal' : base === 2 ? 'binary' : 'decimal';
}

/** Go allows `_` only between digits, or between a base prefix and a digit. */
function underscoresSeparateDigits(text: string): boolean {
  if (!text.includes('_')) return true;
  let body = text;
  let previous = '^';
  if (/^0[xXoObB]/.test(body)) {
    body = body.slice(2);
    previous = '0';
  }
  const isHex = /^0[xX]/.test(text);
  for (const character of body) {
    const isDigitCharacter = isDigit(character) || (isHex && /[a-fA-F]/.test(character));
    if (isDigitCharacter) previous = '0';
    else if (character === '_') {
      if (previous !== '0') return false;
      previous = '_';
    } else {
      if (previous === '_') return false;
      previous = '!';
    }
  }
  return previous !== '_';
}

function describeCharacter(codePoint: number): string {
  const text = String.fromCodePoint(codePoint);
  return /^[\x21-\x7e]$/.test(text) ? `"${text}"` : `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
