import { ExpressionError } from './expression-error.js';
import { tokenize, type Token } from './go-expression-lexer.js';

/**
 * The syntax tree of a Go expression, as much of go/ast as vulcand/predicate looks at. Offsets are UTF-16
 * offsets in the source; `start`/`end` delimit the node's text.
 */
export type ExpressionNode =
  | { readonly kind: 'binary'; readonly operator: string; readonly operatorOffset: number; readonly left: ExpressionNode; readonly right: ExpressionNode; readonly start: number; readonly end: number }
  | { readonly kind: 'unary'; readonly operator: string; readonly operand: ExpressionNode; readonly start: number; readonly end: number }
  | { readonly kind: 'paren'; readonly inner: ExpressionNode; readonly start: number; readonly end: number }
  | { readonly kind: 'call'; readonly callee: ExpressionNode; readonly args: readonly ExpressionNode[]; readonly start: number; readonly end: number }
  | { readonly kind: 'identifier'; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: 'selector'; readonly target: ExpressionNode; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: 'index'; readonly target: ExpressionNode; readonly index: ExpressionNode; readonly start: number; readonly end: number }
  | { readonly kind: 'literal'; readonly type: 'int' | 'float' | 'imag' | 'char' | 'string'; readonly text: string; readonly value: string; readonly start: number; readonly end: number };

/** Go's binary operator precedences. */
const PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3,
  '+': 4, '-': 4, '|': 4, '^': 4,
  '*': 5, '/': 5, '%': 5, '<<': 5, '>>': 5, '&': 5, '&^': 5,
};

const UNARY = new Set(['+', '-', '!', '^', '*', '&', '<-', '~']);
const MAX_NESTING = 1000;

/**
 * Parses a Go expression as go/parser's ParseExpr does for the forms predicates use: operators with Go's
 * precedence, parentheses, calls, selectors, indexes and literals. Other Go syntax (composite and function
 * literals, slices, type assertions) is refused here, as vulcand/predicate would refuse it after parsing.
 */
export function parseGoExpression(source: string): ExpressionNode {
  return new Parser(source).parse();
}

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'end of expression';
    case 'newline':
      return 'line break';
    case 'keyword':
      return `keyword "${token.text}"`;
    default:
      return `"${token.text}"`;
  }
}

class Parser {
  readonly #source: string;
  readonly #tokens: Token[];
  #index = 0;
  #depth = 0;

  constructor(source: string) {
    this.#source = source;
    this.#tokens = tokenize(source);
  }

  parse(): ExpressionNode {
    if (this.#peek().type === 'end') throw ExpressionError.at(this.#source, 0, 'expression is empty');
    const node = this.#binary(1);
    // ParseExpr accepts one line break (an inserted semicolon) at the very end.
    if (this.#peek().type === 'newline') this.#next();
    const token = this.#next();
    if (token.type === 'end') return node;
    if (this.#isOperator(token, ')')) throw this.#error(token, 'unbalanced parenthesis');
    throw this.#error(token, `expected an operator such as ">" or "&&", got ${describe(token)}`);
  }

  #peek(): Token {
    return this.#tokens[this.#index]!;
  }

  #next(): Token {
    const token = this.#tokens[this.#index]!;
    if (token.type !== 'end') this.#index++;
    return token;
  }

  /** Tells whether the token ends the text: the end, or the line break Go inserts before it. */
  #isAtEnd(token: Token): boolean {
    return token.type === 'end' || (token.type === 'newline' && this.#peek().type === 'end');
  }

  #isOperator(token: Token, text: string): boolean {
    return token.type === 'operator' && token.text === text;
  }

  #error(token: Token, reason: string, hint?: string): ExpressionError {
    return ExpressionError.at(this.#source, token.offset, reason, hint);
  }

  #enter(token: Token): void {
    if (++this.#depth > MAX_NESTING) throw this.#error(token, 'expression nests too deeply');
  }

  #binary(minimum: number): ExpressionNode {
    let left = this.#unary();
    for (;;) {
      const token = this.#peek();
      const precedence = token.type === 'operator' ? PRECEDENCE[token.text] : undefined;
      if (precedence === undefined || precedence < minimum) return left;
      this.#next();
      this.#enter(token);
      const right = this.#binary(precedence + 1);
      this.#depth--;
      left = { kind: 'binary', operator: token.text, operatorOffset: token.offset, left, right, start: left.start, end: right.end };
    }
  }

  #unary(): ExpressionNode {
    const token = this.#peek();
    if (token.type === 'operator' && UNARY.has(token.text)) {
      this.#next();
      this.#enter(token);
      const operand = this.#unary();
      this.#depth--;
      return { kind: 'unary', operator: token.text, operand, start: token.offset, end: operand.end };
    }
    return this.#primary();
  }

  #primary(): ExpressionNode {
    let node = this.#operand();
    for (;;) {
      const token = this.#peek();
      if (this.#isOperator(token, '(')) {
        node = this.#call(node);
      } else if (this.#isOperator(token, '.')) {
        this.#next();
        const name = this.#next();
        if (name.type !== 'identifier') {
          if (this.#isOperator(name, '(')) throw this.#error(name, 'type assertions are not supported');
          throw this.#error(name, `expected a name after ".", got ${describe(name)}`);
        }
        node = { kind: 'selector', target: node, name: name.text, start: node.start, end: name.offset + name.text.length };
      } else if (this.#isOperator(token, '[')) {
        this.#next();
        this.#enter(token);
        const index = this.#binary(1);
        this.#depth--;
        const closing = this.#next();
        if (this.#isAtEnd(closing)) throw this.#error(token, 'unbalanced bracket');
        if (this.#isOperator(closing, ':')) throw this.#error(closing, 'slices are not supported');
        if (!this.#isOperator(closing, ']')) throw this.#error(closing, `expected "]", got ${describe(closing)}`);
        node = { kind: 'index', target: node, index, start: node.start, end: closing.offset + 1 };
      } else if (this.#isOperator(token, '{')) {
        throw this.#error(token, 'composite literals are not supported');
      } else {
        return node;
      }
    }
  }

  #operand(): ExpressionNode {
    const token = this.#next();
    const end = token.offset + token.text.length;
    switch (token.type) {
      case 'identifier':
        return { kind: 'identifier', name: token.text, start: token.offset, end };
      case 'int':
      case 'float':
      case 'imag':
      case 'char':
        return { kind: 'literal', type: token.type, text: token.text, value: token.text, start: token.offset, end };
      case 'string':
        return { kind: 'literal', type: 'string', text: token.text, value: token.value ?? '', start: token.offset, end };
      case 'end':
        throw this.#error(token, 'unexpected end of expression, expected an operand');
      case 'newline':
        throw this.#error(token, 'unexpected line break, expected an operand');
      case 'keyword':
        throw this.#error(token, `unexpected keyword "${token.text}"`);
      default:
        break;
    }
    if (this.#isOperator(token, '(')) {
      this.#enter(token);
      const inner = this.#binary(1);
      this.#depth--;
      const closing = this.#next();
      if (this.#isOperator(closing, ')')) return { kind: 'paren', inner, start: token.offset, end: closing.offset + 1 };
      if (this.#isAtEnd(closing)) throw this.#error(token, 'unbalanced parenthesis');
      throw this.#error(closing, `expected an operator or ")", got ${describe(closing)}`);
    }
    if (this.#isOperator(token, ')')) throw this.#error(token, 'unbalanced parenthesis');
    throw this.#error(token, `expected an operand, got ${describe(token)}`);
  }

  #call(callee: ExpressionNode): ExpressionNode {
    const open = this.#next();
    this.#enter(open);
    const args: ExpressionNode[] = [];
    let hasEllipsis = false;
    for (;;) {
      let token = this.#peek();
      if (this.#isOperator(token, ')')) break;
      if (hasEllipsis) throw this.#error(token, `expected ")", got ${describe(token)}`);
      args.push(this.#binary(1));
      token = this.#peek();
      // `F(a...)` is valid Go; vulcand/predicate ignores the ellipsis.
      if (this.#isOperator(token, '...')) {
        this.#next();
        hasEllipsis = true;
        token = this.#peek();
      }
      if (this.#isOperator(token, ',')) {
        this.#next();
        continue;
      }
      if (this.#isOperator(token, ')')) break;
      if (token.type === 'end' || (token.type === 'newline' && this.#tokens[this.#index + 1]?.type === 'end')) throw this.#error(open, 'unbalanced parenthesis');
      if (token.type === 'newline') throw this.#error(token, 'unexpected line break in argument list', 'end the line with ","');
      throw this.#error(token, `expected "," or ")", got ${describe(token)}`);
    }
    const closing = this.#next();
    this.#depth--;
    return { kind: 'call', callee, args, start: callee.start, end: closing.offset + 1 };
  }
}
