import { columnAt } from '../../../rules/rule-error.js';

/**
 * An expression (circuitBreaker `expression`, buffering `retryExpression`) that cannot be compiled, with the
 * 1-based column of the fault: `unknown function "NetworkErrorRation" at col 1; did you mean "NetworkErrorRatio"?`.
 * The middleware turns it into a ConfigError at its option's path.
 */
export class ExpressionError extends Error {
  readonly reason: string;
  readonly column: number;
  readonly hint: string | undefined;

  constructor(reason: string, column: number, hint?: string) {
    super(`${reason} at col ${column}${hint === undefined ? '' : `; ${hint}`}`);
    this.name = 'ExpressionError';
    this.reason = reason;
    this.column = column;
    this.hint = hint;
  }

  /** Builds the error for a UTF-16 offset in `source`. */
  static at(source: string, offset: number, reason: string, hint?: string): ExpressionError {
    return new ExpressionError(reason, columnAt(source, offset), hint);
  }
}
