import { RuleError, columnAt } from './rule-error.js';

/**
 * Tokens of the rule language, which Traefik parses as a Go expression (vulcand/predicate on
 * go/parser): identifiers, Go string literals, `&&`, `||`, `!`, parentheses and commas.
 */
export type TokenType = 'identifier' | 'string' | 'number' | 'char' | 'operator' | 'newline' | 'end';

export interface Token {
  readonly type: TokenType;
  /** The source text of the token (`&&`, `"a\tb"`, `Host`). */
  readonly text: string;
  /** The value of a string literal, unquoted as Go does. */
  readonly value: string;
  /** UTF-16 offset of the token in the rule. */
  readonly offset: number;
}

// Go inserts a semicolon at a line end after these tokens, which ends the expression there.
const ENDS_STATEMENT = new Set<TokenType>(['identifier', 'string', 'number', 'char']);

const TWO_CHARACTER_OPERATORS = new Set(['&&', '||', '==', '!=', '<=', '>=', '<-', '&^', '<<', '>>', '++', '--']);

/** Splits a rule into tokens; throws RuleError on malformed literals and comments. */
export function tokenizeRule(rule: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  const fail = (reason: string, offset: number, hint?: string): never => {
    throw new RuleError(reason, columnAt(rule, offset), hint);
  };
  const push = (type: TokenType, start: number, end: number, value = ''): void => {
    tokens.push({ type, text: rule.slice(start, end), value, offset: start });
    position = end;
  };
  const endsStatement = (): boolean => {
    const last = tokens[tokens.length - 1];
    return last !== undefined && (ENDS_STATEMENT.has(last.type) || (last.type === 'operator' && last.text === ')'));
  };
  const lineBreak = (offset: number): void => {
    if (endsStatement()) tokens.push({ type: 'newline', text: '\n', value: '', offset });
  };

  while (position < rule.length) {
    const character = rule[position]!;
    const start = position;
    if (character === ' ' || character === '\t' || character === '\r') {
      position++;
    } else if (character === '\n') {
      lineBreak(position);
      position++;
    } else if (rule.startsWith('//', position)) {
      const end = rule.indexOf('\n', position);
      position = end < 0 ? rule.length : end;
    } else if (rule.startsWith('/*', position)) {
      const end = rule.indexOf('*/', position + 2);
      if (end < 0) fail('comment not terminated', start);
      if (rule.slice(start, end).includes('\n')) lineBreak(start);
      position = end + 2;
    } else if (character === '`') {
      const end = rule.indexOf('`', position + 1);
      if (end < 0) fail('raw string literal not terminated', start);
      // Go drops carriage returns from raw strings.
      push('string', start, end + 1, rule.slice(start + 1, end).replaceAll('\r', ''));
    } else if (character === '"') {
      const [value, end] = unquoteInterpreted(rule, start, fail);
      push('string', start, end, value);
    } else if (character === "'") {
      const end = rule.indexOf("'", position + 1);
      push('char', start, end < 0 || rule.slice(start, end).includes('\n') ? start + 1 : end + 1);
    } else if (/[\p{L}_]/u.test(character) || isHighSurrogateLetter(rule, position)) {
      const match = /^[\p{L}_][\p{L}\p{Nd}_]*/u.exec(rule.slice(position))!;
      push('identifier', start, start + match[0].length);
    } else if (/[0-9]/.test(character) || (character === '.' && /[0-9]/.test(rule[position + 1] ?? ''))) {
      const match = /^[0-9.][0-9A-Za-z_.]*/.exec(rule.slice(position))!;
      push('number', start, start + match[0].length);
    } else {
      const pair = rule.slice(position, position + 2);
      const length = TWO_CHARACTER_OPERATORS.has(pair) ? 2 : rule.codePointAt(position)! > 0xffff ? 2 : 1;
      push('operator', start, start + length);
    }
  }
  tokens.push({ type: 'end', text: '', value: '', offset: rule.length });
  return tokens;
}

function isHighSurrogateLetter(rule: string, position: number): boolean {
  const code = rule.codePointAt(position)!;
  return code > 0xffff && /[\p{L}]/u.test(String.fromCodePoint(code));
}

/** Reads a double-quoted Go string starting at `start`; returns its value and the offset after it. */
function unquoteInterpreted(
  rule: string,
  start: number,
  fail: (reason: string, offset: number, hint?: string) => never,
): [string, number] {
  // Go strings are bytes: octal and \x escapes give single bytes, decoded as UTF-8 at the end.
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let position = start + 1;
  for (;;) {
    if (position >= rule.length || rule[position] === '\n') fail('string literal not terminated', start);
    const character = rule[position]!;
    if (character === '"') break;
    if (character !== '\\') {
      const codePoint = rule.codePointAt(position)!;
      const text = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(text));
      position += text.length;
      continue;
    }
    const escapeStart = position;
    const letter = rule[position + 1];
    position += 2;
    const invalid = (): never => fail(`unknown escape sequence "${rule.slice(escapeStart, escapeStart + 2)}"`, escapeStart);
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
    if (letter !== undefined && simple[letter] !== undefined) {
      bytes.push(simple[letter]!);
      continue;
    }
    const digits = (count: number, base: number): number => {
      const text = rule.slice(position, position + count);
      const pattern = base === 8 ? /^[0-7]+$/ : /^[0-9A-Fa-f]+$/;
      if (text.length !== count || !pattern.test(text)) invalid();
      position += count;
      return Number.parseInt(text, base);
    };
    if (letter !== undefined && letter >= '0' && letter <= '7') {
      position--;
      const value = digits(3, 8);
      if (value > 255) fail('octal escape value > 255', escapeStart);
      bytes.push(value);
    } else if (letter === 'x') {
      bytes.push(digits(2, 16));
    } else if (letter === 'u' || letter === 'U') {
      const value = digits(letter === 'u' ? 4 : 8, 16);
      if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
        fail('escape sequence is invalid Unicode code point', escapeStart);
      }
      bytes.push(...encoder.encode(String.fromCodePoint(value)));
    } else {
      invalid();
    }
  }
  return [new TextDecoder().decode(new Uint8Array(bytes)), position + 1];
}
