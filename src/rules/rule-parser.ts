import { RuleError, columnAt } from './rule-error.js';
import { tokenizeRule, type Token } from './rule-lexer.js';

/**
 * The rule syntax tree. `!` binds tighter than `&&`, which binds tighter than `||`, as in Go;
 * both binary operators associate to the left.
 */
export type RuleNode =
  | {
      readonly kind: 'matcher';
      /** The matcher name as written (`Host`, `host`, `HOST`). */
      readonly name: string;
      readonly args: readonly string[];
      /** UTF-16 offset of the name in the rule. */
      readonly offset: number;
    }
  | { readonly kind: 'and' | 'or'; readonly left: RuleNode; readonly right: RuleNode }
  | { readonly kind: 'not'; readonly operand: RuleNode };

/** Returns a RuleError for a name that is no matcher, or undefined when the name is known. */
export type NameCheck = (name: string, offset: number) => RuleError | undefined;

const MAX_NESTING = 1000;

/** Parses a rule into its syntax tree; throws RuleError with the column of the first syntax error. */
export function parseRule(rule: string, checkName: NameCheck): RuleNode {
  return new RuleParser(rule, checkName).parse();
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'end of rule';
    case 'newline':
      return 'newline';
    default:
      // Invisible characters, such as a non-breaking space pasted from a web page, are named.
      if (token.type === 'operator' && !/^[\x21-\x7e]+$/.test(token.text)) {
        return `character U+${token.text.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      }
      return `"${token.text}"`;
  }
}

class RuleParser {
  readonly #rule: string;
  readonly #tokens: Token[];
  readonly #checkName: NameCheck;
  #index = 0;
  #depth = 0;

  constructor(rule: string, checkName: NameCheck) {
    this.#rule = rule;
    this.#tokens = tokenizeRule(rule);
    this.#checkName = checkName;
  }

  parse(): RuleNode {
    if (this.#peek().type === 'end') throw new RuleError('rule is empty', 1);
    const node = this.#parseOr();
    const token = this.#next();
    if (this.#isEnd(token)) return node;
    if (token.type === 'operator' && token.text === ')') throw this.#error('unbalanced parenthesis', token);
    throw this.#unexpectedAfterOperand(token, '"&&" or "||"');
  }

  #peek(): Token {
    return this.#tokens[this.#index]!;
  }

  #next(): Token {
    const token = this.#tokens[this.#index]!;
    if (token.type !== 'end') this.#index++;
    return token;
  }

  /** Tells whether the token ends the rule; Go's ParseExpr accepts one line break at the very end. */
  #isEnd(token: Token): boolean {
    return token.type === 'end' || (token.type === 'newline' && this.#peek().type === 'end');
  }

  #isOperator(token: Token, text: string): boolean {
    return token.type === 'operator' && token.text === text;
  }

  #error(reason: string, token: Token, hint?: string): RuleError {
    return new RuleError(reason, columnAt(this.#rule, token.offset), hint);
  }

  #unexpectedAfterOperand(token: Token, expected: string): RuleError {
    if (token.type === 'newline') {
      return this.#error('unexpected line break', token, 'a line may end after "&&", "||", "(" or "," but not after a value');
    }
    if (token.type === 'operator' && (token.text === '&' || token.text === '|')) {
      return this.#error(`unexpected "${token.text}"`, token, `did you mean "${token.text}${token.text}"?`);
    }
    return this.#error(`expected ${expected}, got ${describe(token)}`, token);
  }

  #parseOr(): RuleNode {
    let left = this.#parseAnd();
    while (this.#isOperator(this.#peek(), '||')) {
      this.#next();
      left = { kind: 'or', left, right: this.#parseAnd() };
    }
    return left;
  }

  #parseAnd(): RuleNode {
    let left = this.#parseUnary();
    while (this.#isOperator(this.#peek(), '&&')) {
      this.#next();
      left = { kind: 'and', left, right: this.#parseUnary() };
    }
    return left;
  }

  #parseUnary(): RuleNode {
    if (this.#isOperator(this.#peek(), '!')) {
      const bang = this.#next();
      this.#enter(bang);
      const operand = this.#parseUnary();
      this.#depth--;
      return { kind: 'not', operand };
    }
    return this.#parsePrimary();
  }

  #enter(token: Token): void {
    if (++this.#depth > MAX_NESTING) throw this.#error('rule nests too deeply', token);
  }

  #parsePrimary(): RuleNode {
    const token = this.#next();
    if (this.#isOperator(token, '(')) {
      this.#enter(token);
      const inner = this.#parseOr();
      this.#depth--;
      const closing = this.#next();
      if (this.#isOperator(closing, ')')) return inner;
      if (this.#isEnd(closing)) throw this.#error('unbalanced parenthesis', token);
      throw this.#unexpectedAfterOperand(closing, '"&&", "||" or ")"');
    }
    if (token.type === 'identifier') return this.#parseCall(token);
    if (token.type === 'end') throw this.#error('unexpected end of rule, expected a matcher', token);
    if (token.type === 'char') throw this.#singleQuote(token);
    throw this.#error(`expected a matcher, got ${describe(token)}`, token);
  }

  #singleQuote(token: Token): RuleError {
    return this.#error(`unexpected "'"`, token, 'quote values with backticks or double quotes');
  }

  #parseCall(name: Token): RuleNode {
    const open = this.#next();
    if (!this.#isOperator(open, '(')) {
      throw this.#checkName(name.text, name.offset) ?? this.#error(`expected "(" after "${name.text}"`, open);
    }
    const args: string[] = [];
    for (;;) {
      const token = this.#next();
      if (this.#isOperator(token, ')')) break;
      if (token.type === 'end') throw this.#error('unbalanced parenthesis', open);
      if (token.type === 'char') throw this.#singleQuote(token);
      if (token.type !== 'string') {
        const unquoted = /^[^,)\s]*/.exec(this.#rule.slice(token.offset))![0];
        const got = token.type === 'identifier' || token.type === 'number' ? `"${unquoted}"` : describe(token);
        throw this.#error(`expected a quoted value, got ${got}`, token, 'quote values with backticks or double quotes');
      }
      args.push(token.value);
      const separator = this.#next();
      if (this.#isOperator(separator, ')')) break;
      if (this.#isOperator(separator, ',')) continue;
      if (this.#isEnd(separator)) throw this.#error('unbalanced parenthesis', open);
      if (separator.type === 'newline') {
        throw this.#error('unexpected line break', separator, 'end the line with "," inside parentheses');
      }
      throw this.#error(`expected "," or ")", got ${describe(separator)}`, separator);
    }
    return { kind: 'matcher', name: name.text, args, offset: name.offset };
  }
}
