import { compilePredicate, type Predicate, type PredicateDialect } from '../expression/predicate.js';
import type { RoundTripMetrics } from './round-trip-metrics.js';

/** The functions oxy's circuit breaker offers, with its types: latency and request counts are integers, ratios floats. */
const breakerDialect: PredicateDialect<RoundTripMetrics> = {
  functions: {
    LatencyAtQuantileMS: {
      params: [{ name: 'quantile', type: 'float' }],
      returns: 'int',
      create: ([quantile]) => (metrics) => metrics.latencyAtQuantileMs(quantile as number),
    },
    NetworkErrorRatio: {
      params: [],
      returns: 'float',
      create: () => (metrics) => metrics.networkErrorRatio(),
    },
    ResponseCodeRatio: {
      params: [
        { name: 'from', type: 'int' },
        { name: 'to', type: 'int' },
        { name: 'dividedByFrom', type: 'int' },
        { name: 'dividedByTo', type: 'int' },
      ],
      returns: 'float',
      create: ([from, to, dividedByFrom, dividedByTo]) => (metrics) =>
        metrics.responseCodeRatio(from as number, to as number, dividedByFrom as number, dividedByTo as number),
    },
    RequestThreshold: {
      params: [],
      returns: 'int',
      create: () => (metrics) => metrics.totalCount(),
    },
  },
  comparisons: {
    int: ['==', '!=', '<', '<=', '>', '>='],
    float: ['==', '!=', '<', '<=', '>', '>='],
    string: [],
  },
  example: 'NetworkErrorRatio() > 0.5',
};

/** Compiles a circuitBreaker `expression` (`LatencyAtQuantileMS(50.0) > 100 || NetworkErrorRatio() > 0.5`). Throws ExpressionError. */
export function compileBreakerExpression(expression: string): Predicate<RoundTripMetrics> {
  return compilePredicate(expression, breakerDialect);
}
