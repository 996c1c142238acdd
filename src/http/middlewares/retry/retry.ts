import { PassThrough, type Readable } from 'node:stream';
import { ConfigError, quote } from '../../../config/errors.js';
import { ClientClosedError, InternalError, type DataPathError } from '../../errors.js';
import type { Exchange, Handler, UpstreamAttempt } from '../../exchange.js';
import { hasRequestBody } from '../../proxy/forward.js';
import { ResponseWriterWrapper, type ResponseHeaders, type ResponseWriter } from '../../response-writer.js';
import type { MiddlewareFactory } from '../middleware.js';
import { exponentialBackoff, zeroBackoff, type Backoff } from './backoff.js';
import { ExchangeSnapshot, isClientGone, readRequestBody } from './replay.js';
import type { RetryConfig } from './retry-schema.js';
import { isInRanges, parseStatusRanges, type StatusRanges } from './status-ranges.js';

/** What the factory derives from the configuration. */
interface RetrySettings {
  readonly attempts: number;
  readonly statusRanges: StatusRanges | undefined;
  readonly maxRequestBodyBytes: number;
  readonly isNetworkRetryDisabled: boolean;
  readonly isNonIdempotentRetried: boolean;
  readonly initialIntervalMs: number;
  readonly timeoutMs: number;
}

// POST, PATCH and LOCK may change something upstream; Traefik retries them on a status only when asked to.
const nonIdempotentMethods = new Set(['POST', 'PATCH', 'LOCK']);

/**
 * Holds back the response of one attempt that is not the last: lets it through to the client (which ends
 * the retries), or swallows it and starts the next attempt once it is over.
 */
class AttemptWriter extends ResponseWriterWrapper {
  readonly #run: RetryRun;
  readonly #probe: UpstreamAttempt;
  #isWritten = false;
  #isSwallowed = false;

  constructor(inner: ResponseWriter, run: RetryRun, probe: UpstreamAttempt) {
    super(inner);
    this.#run = run;
    this.#probe = probe;
  }

  override writeHead(status: number, headers: ResponseHeaders): void {
    if (this.#isWritten || this.#isSwallowed) return;
    if (this.#run.isRetriedOn(status, this.#probe)) {
      this.#isSwallowed = true;
      return;
    }
    this.#isWritten = true;
    this.inner.writeHead(status, headers);
  }

  override write(chunk: Buffer): boolean {
    return this.#isSwallowed ? true : this.inner.write(chunk);
  }

  override end(): void {
    if (this.#isSwallowed) this.#run.retry();
    else this.inner.end();
  }

  override fail(error: DataPathError): boolean {
    if (this.#isWritten || error instanceof ClientClosedError) return this.inner.fail(error);
    if (this.#isSwallowed) {
      this.#run.retry();
      return true;
    }
    if (this.#run.isNetworkRetry(this.#probe)) {
      this.#isSwallowed = true;
      this.#run.retry();
      return true;
    }
    // Not retried as a network error: the answer Junction makes for it may still be retried on its status.
    return this.inner.fail(error);
  }

  override get isHeadSent(): boolean {
    return this.#isWritten && this.inner.isHeadSent;
  }
}

/** The attempts of one request. */
class RetryRun {
  readonly #exchange: Exchange;
  readonly #next: Handler;
  readonly #settings: RetrySettings;
  readonly #snapshot: ExchangeSnapshot;
  readonly #startedAt = performance.now();
  readonly #backoff: Backoff;
  #statusRanges: StatusRanges | undefined;
  #attempt = 1;
  #isRetryPending = false;

  constructor(exchange: Exchange, next: Handler, settings: RetrySettings) {
    this.#exchange = exchange;
    this.#next = next;
    this.#settings = settings;
    this.#snapshot = new ExchangeSnapshot(exchange);
    this.#backoff = settings.initialIntervalMs > 0 ? exponentialBackoff(settings.initialIntervalMs, settings.attempts) : zeroBackoff;
    const method = exchange.request.method ?? 'GET';
    this.#statusRanges = settings.isNonIdempotentRetried || !nonIdempotentMethods.has(method) ? settings.statusRanges : undefined;
  }

  start(): void {
    const exchange = this.#exchange;
    const given = exchange.requestBody;
    // A body is kept for replay only when a status may be retried: a network error happens before it is sent.
    const hasBody = given !== undefined || hasRequestBody(exchange);
    if (this.#statusRanges === undefined || exchange.upgrade !== undefined || !hasBody || Buffer.isBuffer(given)) {
      this.#attemptNow();
      return;
    }
    const stream = given ?? exchange.request;
    readRequestBody(stream, this.#settings.maxRequestBodyBytes).then(
      ({ body, isComplete }) => {
        if (isComplete) {
          exchange.requestBody = body;
        } else {
          // Too large to keep: no retry on status; what was read goes first when the stream is sent.
          this.#statusRanges = undefined;
          exchange.requestBody = prefixedBody(body, stream);
        }
        this.#attemptNow();
      },
      (error: Error) => {
        exchange.log.debug('cannot read the request body for the retry middleware', { error: error.message, routerName: exchange.routerName });
        if (isClientGone(exchange)) exchange.fail(new ClientClosedError(error.message));
        else exchange.reply(500, 'Internal Server Error\n');
      },
    ).catch((error: Error) => {
      exchange.log.error('request failed', { error: error.message, routerName: exchange.routerName });
      exchange.response.destroy();
    });
  }

  #isTimedOut(): boolean {
    return this.#settings.timeoutMs > 0 && performance.now() - this.#startedAt >= this.#settings.timeoutMs;
  }

  /** Tells whether a failure of this attempt is a network error to retry: the request never went out. */
  isNetworkRetry(probe: UpstreamAttempt): boolean {
    return !this.#settings.isNetworkRetryDisabled && probe.isProxyReached && !probe.isRequestSent && !this.#isTimedOut();
  }

  /** Tells whether a response with this status is held back and the request tried again. */
  isRetriedOn(status: number, probe: UpstreamAttempt): boolean {
    if (this.isNetworkRetry(probe)) return true;
    return this.#statusRanges !== undefined && !this.#isTimedOut() && isInRanges(this.#statusRanges, status);
  }

  /** Starts the next attempt after the backoff wait, unless the client left. */
  retry(): void {
    if (this.#isRetryPending) return;
    this.#isRetryPending = true;
    const exchange = this.#exchange;
    this.#attempt++;
    if (exchange.observation !== undefined) exchange.observation.retryAttempts++;
    exchange.log.debug(`new attempt ${this.#attempt} for request`, { routerName: exchange.routerName, path: exchange.path });
    const wait = this.#backoff.next();
    const proceed = (): void => {
      if (isClientGone(exchange)) {
        exchange.status = 499;
        return;
      }
      this.#attemptNow();
    };
    if (wait <= 0) setImmediate(proceed);
    else setTimeout(proceed, wait);
  }

  #attemptNow(): void {
    const exchange = this.#exchange;
    this.#isRetryPending = false;
    if (this.#attempt > 1) this.#snapshot.restore(exchange);
    const probe: UpstreamAttempt = { isProxyReached: false, isRequestSent: false };
    if (this.#attempt >= this.#settings.attempts) {
      exchange.upstreamAttempt = undefined;
      exchange.writer = this.#snapshot.writer;
    } else {
      exchange.upstreamAttempt = probe;
      exchange.writer = new AttemptWriter(this.#snapshot.writer, this, probe);
    }
    // Attempts after a body read or a wait run outside the entryPoint's guard.
    try {
      this.#next(exchange);
    } catch (error) {
      exchange.log.error('request failed', { error: (error as Error).message, routerName: exchange.routerName });
      exchange.fail(new InternalError((error as Error).message));
    }
  }
}

/**
 * Sends the request again when an attempt fails before the request reached the server (a network error),
 * or answers with one of the `status` codes, up to `attempts` tries in all, as Traefik's retry does. Only
 * what was not yet written to the client can be retried. Bodies up to `maxRequestBodyBytes` are kept to
 * be sent again; the middlewares after this one run again on each attempt, from the request as it was.
 */
export const retry: MiddlewareFactory<RetryConfig> = (config) => {
  const status = config.status ?? [];
  if (status.length === 0 && config.disableRetryOnNetworkError === true) {
    throw new ConfigError('disableRetryOnNetworkError', 'leaves nothing to retry; set status codes to retry on, or retry on network errors');
  }
  if (config.attempts <= 0) throw new ConfigError('attempts', `must be at least 1, got ${quote(config.attempts)}`);
  const settings: RetrySettings = {
    attempts: config.attempts,
    statusRanges: status.length > 0 ? parseStatusRanges(status, 'status') : undefined,
    maxRequestBodyBytes: config.maxRequestBodyBytes,
    isNetworkRetryDisabled: config.disableRetryOnNetworkError === true,
    isNonIdempotentRetried: config.retryNonIdempotentMethod === true,
    initialIntervalMs: config.initialInterval,
    timeoutMs: config.timeout,
  };

  return (next) =>
    function retry(exchange) {
      if (settings.attempts === 1) return next(exchange);
      new RetryRun(exchange, next, settings).start();
    };
};

/**
 * What was read of a body, then the rest of its stream. `unshift` cannot give bytes back to a stream whose
 * end was already emitted, which happens when the whole request arrived in one read.
 */
function prefixedBody(head: Buffer, rest: Readable): Readable {
  const body = new PassThrough();
  body.write(head);
  rest.once('error', (error) => body.destroy(error));
  rest.pipe(body);
  return body;
}
