import { nearestName } from '../../../config/errors.js';
import { ExpressionError } from './expression-error.js';
import { parseGoExpression, type ExpressionNode } from './go-expression.js';

/** Types of values in an expression: vulcand/predicate's `int`, `float64` and `string`. */
export type ValueType = 'int' | 'float' | 'string';
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type Predicate<C> = (context: C) => boolean;
type Reader<C> = (context: C) => number | string;

/** A function an expression may call: a metric read at evaluation time, or a ready predicate. */
export type PredicateFunction<C> =
  | {
      readonly params: ReadonlyArray<{ readonly name: string; readonly type: ValueType }>;
      readonly returns: ValueType;
      readonly create: (args: ReadonlyArray<number | string>) => Reader<C>;
    }
  | {
      readonly params: ReadonlyArray<{ readonly name: string; readonly type: ValueType }>;
      readonly returns: 'predicate';
      readonly create: (args: ReadonlyArray<number | string>) => Predicate<C>;
    };

/** The functions and comparisons one user of vulcand/predicate defines (the circuit breaker, buffering). */
export interface PredicateDialect<C> {
  readonly functions: Readonly<Record<string, PredicateFunction<C>>>;
  /** Operators allowed on values of each type. */
  readonly comparisons: Readonly<Record<ValueType, readonly ComparisonOperator[]>>;
  /** A valid expression, shown when an expression is no comparison. */
  readonly example: string;
}

type Value<C> =
  | { readonly kind: 'predicate'; readonly test: Predicate<C>; readonly node: ExpressionNode }
  | { readonly kind: 'reader'; readonly type: ValueType; readonly read: Reader<C>; readonly node: ExpressionNode }
  | { readonly kind: 'literal'; readonly type: ValueType; readonly value: number | string; readonly node: ExpressionNode };

const COMPARISONS = new Set<string>(['==', '!=', '<', '<=', '>', '>=']);
const MAX_INT64 = 9223372036854775807n;

/**
 * Compiles an expression into a predicate with vulcand/predicate's rules: `&&` and `||` join comparisons;
 * a comparison has a function call on its left and a literal of the function's type on its right (an
 * integer for integer functions, a float such as `0.5` for float ones); function arguments are literals of
 * the declared types. Anything else is refused with its column. Throws ExpressionError.
 */
export function compilePredicate<C>(source: string, dialect: PredicateDialect<C>): Predicate<C> {
  const root = parseGoExpression(source);
  return new Compiler(source, dialect).compile(root);
}

function article(type: ValueType): string {
  return type === 'int' ? 'an integer' : type === 'float' ? 'a float' : 'a string';
}

class Compiler<C> {
  readonly #source: string;
  readonly #dialect: PredicateDialect<C>;

  constructor(source: string, dialect: PredicateDialect<C>) {
    this.#source = source;
    this.#dialect = dialect;
  }

  compile(root: ExpressionNode): Predicate<C> {
    const value = this.#evaluate(root);
    if (value.kind === 'predicate') return value.test;
    throw this.#error(root.start, `expression must be a comparison such as "${this.#dialect.example}", got ${this.#text(root)}`);
  }

  #text(node: ExpressionNode): string {
    return JSON.stringify(this.#source.slice(node.start, node.end));
  }

  #error(offset: number, reason: string, hint?: string): ExpressionError {
    return ExpressionError.at(this.#source, offset, reason, hint);
  }

  /** Where an operator may stand: `&&`, `||`, comparisons and parentheses are understood here. */
  #evaluate(node: ExpressionNode): Value<C> {
    switch (node.kind) {
      case 'binary': {
        const left = this.#evaluate(node.left);
        const right = this.#evaluate(node.right);
        if (node.operator === '&&' || node.operator === '||') return this.#join(node, left, right);
        if (COMPARISONS.has(node.operator)) return this.#compare(node, node.operator as ComparisonOperator, left, right);
        throw this.#error(node.operatorOffset, `operator "${node.operator}" is not supported`, 'use "&&", "||", ">", ">=", "<", "<=", "==" or "!="');
      }
      case 'paren':
        return this.#evaluate(node.inner);
      case 'unary':
        throw this.#error(node.start, `operator "${node.operator}" is not supported`);
      default:
        return this.#value(node);
    }
  }

  /** Where only a value may stand: literals and function calls. */
  #value(node: ExpressionNode): Value<C> {
    switch (node.kind) {
      case 'literal':
        return this.#literal(node);
      case 'identifier': {
        if (this.#dialect.functions[node.name] !== undefined) {
          throw this.#error(node.start, `"${node.name}" is a function`, `call it as "${node.name}()"`);
        }
        throw this.#error(node.start, `unknown name "${node.name}"`);
      }
      case 'selector':
        throw this.#error(node.start, `unknown name ${this.#text(node)}`);
      case 'index':
        throw this.#error(node.start, 'indexing is not supported');
      case 'call':
        return this.#call(node);
      default:
        throw this.#error(node.start, `expected a value, got ${this.#text(node)}`);
    }
  }

  #literal(node: Extract<ExpressionNode, { kind: 'literal' }>): Value<C> {
    switch (node.type) {
      case 'int': {
        // strconv.Atoi: decimal digits only, within int64.
        if (!/^[0-9]+$/.test(node.text)) throw this.#error(node.start, `invalid integer "${node.text}"`, 'write integers in decimal without "_"');
        if (BigInt(node.text) > MAX_INT64) throw this.#error(node.start, `integer "${node.text}" is out of range`);
        return { kind: 'literal', type: 'int', value: Number(node.text), node };
      }
      case 'float': {
        const value = parseGoFloat(node.text);
        if (!Number.isFinite(value)) throw this.#error(node.start, `number "${node.text}" is out of range`);
        return { kind: 'literal', type: 'float', value, node };
      }
      case 'string':
        return { kind: 'literal', type: 'string', value: node.value, node };
      case 'imag':
        throw this.#error(node.start, `imaginary number "${node.text}" is not supported`);
      default:
        throw this.#error(node.start, `rune literal ${node.text} is not supported`, 'quote strings with double quotes');
    }
  }

  #call(node: Extract<ExpressionNode, { kind: 'call' }>): Value<C> {
    const name = this.#functionName(node.callee);
    const definition = this.#dialect.functions[name];
    if (definition === undefined) {
      const known = Object.keys(this.#dialect.functions);
      const nearest = nearestName(name, known);
      throw this.#error(
        node.callee.start,
        `unknown function "${name}"`,
        nearest !== undefined ? `did you mean "${nearest}"?` : `expected one of ${known.map((known) => `"${known}"`).join(', ')}`,
      );
    }
    const params = definition.params;
    const args = node.args.map((arg, index) => this.#argument(arg, name, params[index]?.name ?? String(index + 1)));
    if (args.length !== params.length) {
      const expected = params.length === 0 ? 'no argument' : `${params.length} argument${params.length === 1 ? '' : 's'} (${params.map((param) => param.name).join(', ')})`;
      throw this.#error(node.start, `${name} takes ${expected}, got ${args.length}`);
    }
    const values = args.map((arg, index) => {
      const param = params[index]!;
      if (arg.kind === 'literal' && arg.type === param.type) return arg.value;
      const hint = arg.kind === 'literal' && arg.type === 'int' && param.type === 'float' ? `write "${this.#source.slice(arg.node.start, arg.node.end)}.0"` : undefined;
      throw this.#error(arg.node.start, `argument "${param.name}" of ${name} must be ${article(param.type)}, got ${this.#text(arg.node)}`, hint);
    });
    if (definition.returns === 'predicate') return { kind: 'predicate', test: definition.create(values), node };
    return { kind: 'reader', type: definition.returns, read: definition.create(values), node };
  }

  #functionName(callee: ExpressionNode): string {
    if (callee.kind === 'identifier') return callee.name;
    if (callee.kind === 'selector' && callee.target.kind === 'identifier') return `${callee.target.name}.${callee.name}`;
    throw this.#error(callee.start, `expected a function name, got ${this.#text(callee)}`);
  }

  /** Arguments are evaluated as values: vulcand/predicate does not look into parentheses or operators there. */
  #argument(node: ExpressionNode, name: string, param: string): Value<C> {
    if (node.kind === 'paren' || node.kind === 'unary' || node.kind === 'binary') {
      throw this.#error(node.start, `argument "${param}" of ${name} must be a literal value, got ${this.#text(node)}`);
    }
    return this.#value(node);
  }

  #join(node: Extract<ExpressionNode, { kind: 'binary' }>, left: Value<C>, right: Value<C>): Value<C> {
    for (const operand of [left, right]) {
      if (operand.kind !== 'predicate') {
        throw this.#error(operand.node.start, `"${node.operator}" joins comparisons, got ${this.#text(operand.node)}`, `compare it, as in "${this.#dialect.example}"`);
      }
    }
    const a = (left as Extract<Value<C>, { kind: 'predicate' }>).test;
    const b = (right as Extract<Value<C>, { kind: 'predicate' }>).test;
    const test: Predicate<C> = node.operator === '&&' ? (context) => a(context) && b(context) : (context) => a(context) || b(context);
    return { kind: 'predicate', test, node };
  }

  #compare(node: Extract<ExpressionNode, { kind: 'binary' }>, operator: ComparisonOperator, left: Value<C>, right: Value<C>): Value<C> {
    if (left.kind !== 'reader') {
      throw this.#error(left.node.start, `the left side of "${operator}" must be a function call, got ${this.#text(left.node)}`, `as in "${this.#dialect.example}"`);
    }
    const callText = this.#text(left.node);
    if (!this.#dialect.comparisons[left.type].includes(operator)) {
      const allowed = this.#dialect.comparisons[left.type].map((allowed) => `"${allowed}"`).join(' or ');
      throw this.#error(node.operatorOffset, `${callText} gives ${article(left.type)}, which cannot be compared with "${operator}"`, `use ${allowed}`);
    }
    if (right.kind !== 'literal' || right.type !== left.type) {
      const hint = right.kind === 'literal' && right.type === 'int' && left.type === 'float' ? `write "${this.#source.slice(right.node.start, right.node.end)}.0"` : undefined;
      throw this.#error(right.node.start, `${callText} gives ${article(left.type)}, so it must be compared with ${article(left.type)}, got ${this.#text(right.node)}`, hint);
    }
    const read = left.read;
    const expected = right.value;
    const test = comparison(operator, read, expected);
    return { kind: 'predicate', test, node };
  }
}

function comparison<C>(operator: ComparisonOperator, read: Reader<C>, expected: number | string): Predicate<C> {
  switch (operator) {
    case '==':
      return (context) => read(context) === expected;
    case '!=':
      return (context) => read(context) !== expected;
    case '<':
      return (context) => read(context) < expected;
    case '<=':
      return (context) => read(context) <= expected;
    case '>':
      return (context) => read(context) > expected;
    case '>=':
      return (context) => read(context) >= expected;
  }
}

/** Reads a Go float literal (already checked by the lexer): `_` separators, decimal or hexadecimal mantissa. */
export function parseGoFloat(text: string): number {
  const plain = text.replaceAll('_', '');
  if (!/^0[xX]/.test(plain)) return Number(plain);
  const match = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(plain);
  if (match === null) return Number.NaN;
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  const mantissa = Number.parseInt(`${whole}${fraction}` || '0', 16);
  return mantissa * 2 ** (Number(match[3]) - 4 * fraction.length);
}
