import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { compileRetryExpression, type AttemptOutcome } from '../../../../src/http/middlewares/buffering/retry-expression.js';
import { compileBreakerExpression } from '../../../../src/http/middlewares/circuit-breaker/breaker-expression.js';
import { RoundTripMetrics } from '../../../../src/http/middlewares/circuit-breaker/round-trip-metrics.js';
import { ExpressionError } from '../../../../src/http/middlewares/expression/expression-error.js';
import { parseGoFloat } from '../../../../src/http/middlewares/expression/predicate.js';

const frozen = (): number => 1_700_000_000_000;

/** oxy's test helpers: responses recorded with a status and no latency. */
function metricsWith(codes: ReadonlyArray<readonly [status: number, count: number]>, latencyMicroseconds = 0): RoundTripMetrics {
  const metrics = new RoundTripMetrics(frozen);
  for (const [status, count] of codes) for (let i = 0; i < count; i++) metrics.record(status, latencyMicroseconds);
  return metrics;
}

/** 60% network errors (504), as oxy's statsNetErrors(0.6). */
const networkErrors = metricsWith([[504, 60], [200, 40]]);

function compileError(compile: () => unknown): string {
  try {
    compile();
  } catch (error) {
    assert.ok(error instanceof ExpressionError, String(error));
    return error.message;
  }
  assert.fail('expected an ExpressionError');
}

// Ported from oxy's cbreaker/predicates_test.go.
describe('circuit breaker expressions', () => {
  const cases: ReadonlyArray<{ description: string; expression: string; metrics: RoundTripMetrics; expected: boolean }> = [
    { description: 'a network error ratio above the threshold', expression: 'NetworkErrorRatio() > 0.5', metrics: networkErrors, expected: true },
    { description: 'a network error ratio not below the threshold', expression: 'NetworkErrorRatio() < 0.5', metrics: networkErrors, expected: false },
    { description: 'a median latency above the threshold', expression: 'LatencyAtQuantileMS(50.0) > 50', metrics: metricsWith([[200, 1]], 51_000), expected: true },
    { description: 'a median latency not below the threshold', expression: 'LatencyAtQuantileMS(50.0) < 50', metrics: metricsWith([[200, 1]], 51_000), expected: false },
    { description: 'six 5xx out of eleven', expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5', metrics: metricsWith([[200, 5], [500, 6]]), expected: true },
    { description: 'four 5xx out of nine', expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5', metrics: metricsWith([[200, 5], [500, 4]]), expected: false },
    { description: 'a quantile of latencies that are all zero', expression: 'LatencyAtQuantileMS(40.0) > 50', metrics: networkErrors, expected: false },
    { description: 'exactly half, which is not above half', expression: 'ResponseCodeRatio(500, 600, 0, 600) > 0.5', metrics: metricsWith([[200, 10], [500, 10]]), expected: false },
    { description: 'a ratio whose divisor is empty', expression: 'ResponseCodeRatio(500, 600, 600, 700) == 0.0', metrics: metricsWith([[500, 3]]), expected: true },
    { description: 'an excluded upper bound', expression: 'ResponseCodeRatio(500, 503, 0, 600) > 0.0', metrics: metricsWith([[503, 3]]), expected: false },
    { description: 'a request threshold reached', expression: 'NetworkErrorRatio() > 0.5 && RequestThreshold() >= 20', metrics: metricsWith([[504, 20]]), expected: true },
    { description: 'a request threshold not reached', expression: 'NetworkErrorRatio() > 0.5 && RequestThreshold() >= 20', metrics: metricsWith([[504, 19]]), expected: false },
    { description: 'either side of "||"', expression: 'NetworkErrorRatio() > 0.9 || ResponseCodeRatio(200, 300, 0, 600) >= 0.4', metrics: networkErrors, expected: true },
    { description: '"&&" binding tighter than "||"', expression: 'RequestThreshold() == 1 || RequestThreshold() == 100 && NetworkErrorRatio() > 0.5', metrics: networkErrors, expected: true },
    { description: 'parentheses around a comparison and a value', expression: '((NetworkErrorRatio()) > (0.5))', metrics: networkErrors, expected: true },
    { description: '"!=" and "<="', expression: 'RequestThreshold() != 99 && RequestThreshold() <= 100', metrics: networkErrors, expected: true },
    { description: 'a trailing comma in the arguments, valid Go', expression: 'LatencyAtQuantileMS(50.0,) >= 0', metrics: networkErrors, expected: true },
    { description: 'a comment and a final line break', expression: 'NetworkErrorRatio() > 0.5 /* half */\n', metrics: networkErrors, expected: true },
    { description: 'a line break after an operator', expression: 'NetworkErrorRatio() > 0.5 &&\nRequestThreshold() > 10', metrics: networkErrors, expected: true },
    { description: 'an exponent in a float', expression: 'NetworkErrorRatio() > 5e-1', metrics: networkErrors, expected: true },
  ];
  for (const { description, expression, metrics, expected } of cases) {
    it(`evaluates ${description}`, () => {
      assert.equal(compileBreakerExpression(expression)(metrics), expected);
    });
  }

  const errors: ReadonlyArray<{ description: string; expression: string; message: string }> = [
    { description: 'an integer quantile', expression: 'LatencyAtQuantileMS(50) > 1000', message: 'argument "quantile" of LatencyAtQuantileMS must be a float, got "50" at col 21; write "50.0"' },
    { description: 'an integer compared with a ratio', expression: 'NetworkErrorRatio() > 1', message: '"NetworkErrorRatio()" gives a float, so it must be compared with a float, got "1" at col 23; write "1.0"' },
    { description: 'a float compared with a latency', expression: 'LatencyAtQuantileMS(50.0) > 1000.5', message: '"LatencyAtQuantileMS(50.0)" gives an integer, so it must be compared with an integer, got "1000.5" at col 29' },
    { description: 'a float status bound', expression: 'ResponseCodeRatio(500.0, 600, 0, 600) > 0.5', message: 'argument "from" of ResponseCodeRatio must be an integer, got "500.0" at col 19' },
    { description: 'a missing argument', expression: 'ResponseCodeRatio(500, 600, 0) > 0.5', message: 'ResponseCodeRatio takes 4 arguments (from, to, dividedByFrom, dividedByTo), got 3 at col 1' },
    { description: 'an argument too many', expression: 'NetworkErrorRatio(1) > 0.5', message: 'NetworkErrorRatio takes no argument, got 1 at col 1' },
    { description: 'a misspelt function', expression: 'NetworkErrorRation() > 0.5', message: 'unknown function "NetworkErrorRation" at col 1; did you mean "NetworkErrorRatio"?' },
    { description: 'an unknown function', expression: 'Foo() > 1', message: 'unknown function "Foo" at col 1; expected one of "LatencyAtQuantileMS", "NetworkErrorRatio", "ResponseCodeRatio", "RequestThreshold"' },
    { description: 'a function without parentheses', expression: 'NetworkErrorRatio > 0.5', message: '"NetworkErrorRatio" is a function at col 1; call it as "NetworkErrorRatio()"' },
    { description: 'an expression cut short', expression: 'NetworkErrorRatio() > 0.5 &&', message: 'unexpected end of expression, expected an operand at col 29' },
    { description: 'an unclosed parenthesis', expression: '(NetworkErrorRatio() > 0.5', message: 'unbalanced parenthesis at col 1' },
    { description: 'an extra closing parenthesis', expression: 'NetworkErrorRatio() > 0.5)', message: 'unbalanced parenthesis at col 26' },
    { description: 'a negation, which oxy does not define', expression: '!(NetworkErrorRatio() > 0.5)', message: 'operator "!" is not supported at col 1' },
    { description: 'arithmetic', expression: 'NetworkErrorRatio() + 1 > 0.5', message: 'operator "+" is not supported at col 21; use "&&", "||", ">", ">=", "<", "<=", "==" or "!="' },
    { description: 'a negative number', expression: 'NetworkErrorRatio() > -0.5', message: 'operator "-" is not supported at col 23' },
    { description: 'the value on the left', expression: '0.5 < NetworkErrorRatio()', message: 'the left side of "<" must be a function call, got "0.5" at col 1; as in "NetworkErrorRatio() > 0.5"' },
    { description: 'a function alone', expression: 'NetworkErrorRatio()', message: 'expression must be a comparison such as "NetworkErrorRatio() > 0.5", got "NetworkErrorRatio()" at col 1' },
    { description: 'a parenthesized argument, which vulcand/predicate does not evaluate', expression: 'LatencyAtQuantileMS((50.0)) > 1', message: 'argument "quantile" of LatencyAtQuantileMS must be a literal value, got "(50.0)" at col 21' },
    { description: 'a line break before an operator', expression: 'NetworkErrorRatio()\n> 0.5', message: 'expected an operator such as ">" or "&&", got ">" at col 21' },
    { description: 'a hexadecimal integer, which strconv.Atoi refuses', expression: 'RequestThreshold() > 0x10', message: 'invalid integer "0x10" at col 22; write integers in decimal without "_"' },
    { description: 'a rune literal', expression: "RequestThreshold() > '1'", message: 'rune literal \'1\' is not supported at col 22; quote strings with double quotes' },
    { description: 'a comparison joined as a value', expression: 'NetworkErrorRatio() > 0.5 > 0.4', message: 'the left side of ">" must be a function call, got "NetworkErrorRatio() > 0.5" at col 1; as in "NetworkErrorRatio() > 0.5"' },
    { description: 'a value joined with "&&"', expression: 'NetworkErrorRatio() > 0.5 && RequestThreshold()', message: '"&&" joins comparisons, got "RequestThreshold()" at col 30; compare it, as in "NetworkErrorRatio() > 0.5"' },
    { description: 'a name', expression: 'true', message: 'unknown name "true" at col 1' },
    { description: 'an invalid octal literal', expression: 'RequestThreshold() > 08', message: 'invalid digit "8" in octal literal at col 23' },
    { description: 'an unterminated string', expression: 'RequestThreshold() > "1', message: 'string literal not terminated at col 22' },
    { description: 'an empty expression', expression: '  ', message: 'expression is empty at col 1' },
    { description: 'a semicolon', expression: 'NetworkErrorRatio() > 0.5; x', message: 'expected an operator such as ">" or "&&", got ";" at col 26' },
    { description: 'a column counted in characters', expression: '/* é */ Foo() > 1', message: 'unknown function "Foo" at col 9; expected one of "LatencyAtQuantileMS", "NetworkErrorRatio", "ResponseCodeRatio", "RequestThreshold"' },
  ];
  for (const { description, expression, message } of errors) {
    it(`refuses ${description}`, () => {
      assert.equal(compileError(() => compileBreakerExpression(expression)), message);
    });
  }
});

// Ported from oxy's buffer/retry_test.go expressions.
describe('buffering retry expressions', () => {
  const outcome = (attempt: number, responseCode: number, method = 'GET'): AttemptOutcome => ({ attempt, responseCode, method });
  const cases: ReadonlyArray<{ description: string; expression: string; outcome: AttemptOutcome; expected: boolean }> = [
    { description: 'a network error on a first attempt', expression: 'IsNetworkError() && Attempts() <= 2', outcome: outcome(1, 502), expected: true },
    { description: 'a gateway timeout as a network error', expression: 'IsNetworkError()', outcome: outcome(1, 504), expected: true },
    { description: 'a success', expression: 'IsNetworkError() && Attempts() <= 2', outcome: outcome(1, 200), expected: false },
    { description: 'attempts used up', expression: 'IsNetworkError() && Attempts() <= 2', outcome: outcome(3, 502), expected: false },
    { description: 'a response code', expression: 'ResponseCode() == 503 || ResponseCode() >= 520', outcome: outcome(1, 503), expected: true },
    { description: 'a request method', expression: 'RequestMethod() == "GET" && Attempts() < 2', outcome: outcome(1, 500), expected: true },
    { description: 'another request method', expression: 'RequestMethod() != `POST`', outcome: outcome(1, 500, 'POST'), expected: false },
  ];
  for (const { description, expression, outcome: given, expected } of cases) {
    it(`evaluates ${description}`, () => {
      assert.equal(compileRetryExpression(expression)(given), expected);
    });
  }

  it('refuses ordering a string', () => {
    assert.equal(compileError(() => compileRetryExpression('RequestMethod() < "GET"')), '"RequestMethod()" gives a string, which cannot be compared with "<" at col 17; use "==" or "!="');
  });

  it('refuses comparing a predicate', () => {
    assert.equal(compileError(() => compileRetryExpression('IsNetworkError() == 1')), 'the left side of "==" must be a function call, got "IsNetworkError()" at col 1; as in "Attempts() <= 2"');
  });

  it('refuses a float attempt count', () => {
    assert.equal(compileError(() => compileRetryExpression('Attempts() < 2.0')), '"Attempts()" gives an integer, so it must be compared with an integer, got "2.0" at col 14');
  });
});

describe('parseGoFloat', () => {
  it('reads decimal, separated and hexadecimal floats', () => {
    assert.equal(parseGoFloat('50.0'), 50);
    assert.equal(parseGoFloat('.5'), 0.5);
    assert.equal(parseGoFloat('1_000.5'), 1000.5);
    assert.equal(parseGoFloat('0x1p-2'), 0.25);
    assert.equal(parseGoFloat('0x1.8p1'), 3);
  });
});
