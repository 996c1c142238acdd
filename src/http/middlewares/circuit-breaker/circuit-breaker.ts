import { ConfigError, quote } from '../../../config/errors.js';
import { ClientClosedError, type DataPathError } from '../../errors.js';
import { ResponseWriterWrapper, type ResponseHeaders, type ResponseWriter } from '../../response-writer.js';
import { ExpressionError } from '../expression/expression-error.js';
import { ownerLogFields, type MiddlewareFactory } from '../middleware.js';
import { Breaker, type BreakerState } from './breaker.js';
import { compileBreakerExpression } from './breaker-expression.js';
import type { CircuitBreakerConfig } from './circuit-breaker-schema.js';
import { goStatusText } from './status-text.js';

const DEFAULT_CHECK_PERIOD_MS = 100;
/** Wall-clock time with sub-millisecond precision: check periods may be shorter than a millisecond. */
const preciseNow = (): number => performance.timeOrigin + performance.now();
const DEFAULT_FALLBACK_DURATION_MS = 10_000;
const DEFAULT_RECOVERY_DURATION_MS = 10_000;

/**
 * Watches the responses of one exchange for the breaker: the status written (200 when none is, as Go's
 * ResponseWriter assumes) and the time until the response ended.
 */
class BreakerWriter extends ResponseWriterWrapper {
  readonly #breaker: Breaker;
  readonly #startedAt = performance.now();
  #status = 200;
  #isHeadWritten = false;
  #isRecorded = false;

  constructor(inner: ResponseWriter, breaker: Breaker) {
    super(inner);
    this.#breaker = breaker;
  }

  override writeHead(status: number, headers: ResponseHeaders): void {
    this.#status = status;
    this.#isHeadWritten = true;
    this.inner.writeHead(status, headers);
  }

  override end(): void {
    this.inner.end();
    this.#record(this.#status);
  }

  override fail(error: DataPathError): boolean {
    const isHandled = this.inner.fail(error);
    // A failure after the head went out aborts the response; Traefik's handler panics then and records nothing.
    if (this.#isHeadWritten) {
      this.#isRecorded = true;
      return isHandled;
    }
    // Otherwise Traefik's proxy writes the failure's status through the breaker; when Junction answers it
    // (not handled below), that answer comes through writeHead and end.
    if (isHandled || error instanceof ClientClosedError) this.#record(error.status);
    return isHandled;
  }

  #record(status: number): void {
    if (this.#isRecorded) return;
    this.#isRecorded = true;
    this.#breaker.record(status, Math.floor((performance.now() - this.#startedAt) * 1000));
  }
}

/**
 * Stops calling the service while `expression` holds over its recent responses, answering `responseCode`
 * instead, then lets traffic back in gradually, as Traefik's circuitBreaker (oxy's cbreaker) does. Each
 * router has its own breaker, kept across reloads while the definition is unchanged; with several worker
 * processes, each has its own.
 */
export const circuitBreaker: MiddlewareFactory<CircuitBreakerConfig> = (config, context) => {
  const expression = config.expression ?? '';
  if (expression.trim() === '') throw new ConfigError('expression', 'must not be empty');
  let condition: ReturnType<typeof compileBreakerExpression>;
  try {
    condition = compileBreakerExpression(expression);
  } catch (error) {
    if (error instanceof ExpressionError) throw new ConfigError('expression', `invalid expression ${quote(expression)}: ${error.message}`);
    throw error;
  }
  // Differs from Traefik: a status Go cannot write (it panics at request time) is refused here.
  if (config.responseCode < 100 || config.responseCode > 999) {
    throw new ConfigError('responseCode', `status ${quote(config.responseCode)} is out of range 100-999`);
  }
  // Zero or negative durations keep oxy's defaults, as in Traefik.
  const timings = {
    checkPeriodMs: config.checkPeriod > 0 ? config.checkPeriod : DEFAULT_CHECK_PERIOD_MS,
    fallbackDurationMs: config.fallbackDuration > 0 ? config.fallbackDuration : DEFAULT_FALLBACK_DURATION_MS,
    recoveryDurationMs: config.recoveryDuration > 0 ? config.recoveryDuration : DEFAULT_RECOVERY_DURATION_MS,
  };
  const log = context.log;
  const owner = ownerLogFields(context.owner);
  const ownerAndExpression = { ...owner, expression };
  const breaker = context.state('breaker', () =>
    new Breaker(condition, timings, preciseNow, (state: BreakerState) => {
      if (state === 'tripped') log.warn('circuit breaker open', ownerAndExpression);
      else log.info(state === 'recovering' ? 'circuit breaker recovering' : 'circuit breaker closed', owner);
    }),
  );
  const status = config.responseCode;
  const body = goStatusText(status);
  // Go sniffs the body it writes: text/plain for the status text, nothing for an empty body.
  const headers = (): ResponseHeaders => (body === '' ? {} : { 'content-type': 'text/plain; charset=utf-8' });

  return (next) =>
    function circuitBreaker(exchange) {
      if (breaker.shouldFallback()) {
        exchange.log.debug('blocked by circuit breaker', ownerAndExpression);
        exchange.reply(status, body, headers());
        return;
      }
      exchange.writer = new BreakerWriter(exchange.writer, breaker);
      next(exchange);
    };
};
