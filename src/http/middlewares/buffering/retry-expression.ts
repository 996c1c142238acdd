import { compilePredicate, type Predicate, type PredicateDialect } from '../expression/predicate.js';

/** What a buffering `retryExpression` sees after an attempt. */
export interface AttemptOutcome {
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly responseCode: number;
  readonly method: string;
}

/** The functions oxy's buffer offers to its retry predicate; integers compare with all operators, strings with == and !=. */
const retryDialect: PredicateDialect<AttemptOutcome> = {
  functions: {
    Attempts: { params: [], returns: 'int', create: () => (outcome) => outcome.attempt },
    ResponseCode: { params: [], returns: 'int', create: () => (outcome) => outcome.responseCode },
    RequestMethod: { params: [], returns: 'string', create: () => (outcome) => outcome.method },
    // A 502 or 504, whoever wrote it, is a network error here as in oxy.
    IsNetworkError: { params: [], returns: 'predicate', create: () => (outcome) => outcome.responseCode === 502 || outcome.responseCode === 504 },
  },
  comparisons: {
    int: ['==', '!=', '<', '<=', '>', '>='],
    float: [],
    string: ['==', '!='],
  },
  example: 'Attempts() <= 2',
};

/** Compiles a buffering `retryExpression` (`IsNetworkError() && Attempts() <= 2`). Throws ExpressionError. */
export function compileRetryExpression(expression: string): Predicate<AttemptOutcome> {
  return compilePredicate(expression, retryDialect);
}
