import { ConfigError, quote } from '../../../config/errors.js';
import { ClientClosedError, InternalError } from '../../errors.js';
import type { Exchange, Middleware } from '../../exchange.js';
import type { MiddlewareBuildContext, MiddlewareFactory } from '../middleware.js';
import { compileSourceCriterion } from '../source-criterion/source-criterion.js';
import { formatGoDuration } from './go-duration.js';
import type { RateLimitConfig } from './rate-limit-schema.js';
import { RedisRateLimiter, redisConnection, type RedisConnection } from './redis-limiter.js';
import { SourceBuckets, systemClock, type Clock } from './source-buckets.js';
import { TokenBucket } from './token-bucket.js';

/** What the factory derives from the configuration, as Traefik's `ratelimiter.New` does. */
export interface RateLimitParameters {
  /** Tokens a second; Infinity when `average` is 0 (no limit). */
  readonly rate: number;
  readonly burst: number;
  /** Longest wait, in nanoseconds, a request is held for instead of being refused. */
  readonly maxDelay: number;
  /** Seconds a source's bucket is kept without traffic. */
  readonly ttlSeconds: number;
}

/**
 * Derives rate, burst, maxDelay and bucket TTL as Traefik does. `workers` processes each keep their own
 * buckets, so each gets `1/workers` of the rate and the configured average holds for the whole instance
 * (burst is not divided: a client's connection stays on one worker). Throws ConfigError.
 */
export function rateLimitParameters(config: RateLimitConfig, workers: number): RateLimitParameters {
  const periodNs = Math.round(config.period * 1e6);
  if (periodNs < 0) throw new ConfigError('period', `negative value ${quote(formatGoDuration(periodNs))} is not valid`);
  const period = periodNs === 0 ? 1e9 : periodNs;
  // Traefik raises a burst below 1 to 1.
  const burst = Math.max(config.burst, 1);
  if (config.average <= 0) return { rate: Infinity, burst, maxDelay: 0, ttlSeconds: 2 };
  const rate = (config.average * 1e9) / period / Math.max(1, workers);
  // Traefik holds a request for at most half the time between two tokens, and 500ms below 1 token a second.
  const maxDelay = rate < 1 ? 500e6 : Math.trunc(1e9 / (Math.trunc(rate) * 2));
  // A bucket outlives the time a full one takes to gain a token, plus a second.
  const ttlSeconds = rate >= 1 ? 2 : 1 + Math.trunc(1 / rate);
  return { rate, burst, maxDelay, ttlSeconds };
}

/** The rate limiter of one middleware on one router: a bucket per source. */
export class RateLimiter {
  readonly #parameters: RateLimitParameters;
  readonly #buckets: SourceBuckets;
  readonly #clock: Clock;

  constructor(parameters: RateLimitParameters, clock: Clock = systemClock) {
    this.#parameters = parameters;
    this.#clock = clock;
    this.#buckets = new SourceBuckets({
      create: () => new TokenBucket(parameters.rate, parameters.burst),
      ttlSeconds: parameters.ttlSeconds,
      clock,
    });
  }

  /**
   * Takes a token for `source` (Traefik's in-memory `Allow`): returns the nanoseconds to wait before
   * proceeding, or undefined when no token can ever be granted. A wait beyond maxDelay gives the token back.
   */
  allow(source: string): number | undefined {
    const bucket = this.#buckets.touch(source);
    const reservation = bucket.reserve(this.#clock.now());
    if (!reservation.isOk) return undefined;
    const delay = reservation.delayFrom(this.#clock.now());
    if (delay > this.#parameters.maxDelay) reservation.cancelAt(this.#clock.now());
    return delay;
  }
}

const plainText = 'text/plain; charset=utf-8';

/** Go writes header values as UTF-8 bytes; Node writes strings as Latin-1, so a `µ` is sent as its UTF-8 bytes. */
function utf8HeaderValue(value: string): string {
  return /[^\x00-\x7f]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
}

/** Answers as Traefik's `serveDelayError`: 429 with `Retry-After` in whole seconds and `X-Retry-In` as a Go duration. */
function tooManyRequests(exchange: Exchange, delay: number): void {
  const remainder = delay % 1e9;
  const seconds = (delay - remainder) / 1e9 + remainder / 1e9;
  exchange.reply(429, 'Too Many Requests', {
    'retry-after': String(Math.ceil(seconds)),
    'x-retry-in': utf8HeaderValue(formatGoDuration(delay)),
    'content-type': plainText,
  });
}

/** Runs `next` outside the entryPoint's guard (after a timer or a Redis answer): a throw fails the exchange. */
function proceed(exchange: Exchange, next: (exchange: Exchange) => void): void {
  try {
    next(exchange);
  } catch (error) {
    exchange.log.error('request failed', { error: (error as Error).message, routerName: exchange.routerName });
    exchange.fail(new InternalError((error as Error).message));
  }
}

/** Calls `next` after `delayNs`, unless the client leaves first. */
function proceedAfter(exchange: Exchange, delayNs: number, next: (exchange: Exchange) => void): void {
  const target = exchange.upgrade?.socket ?? exchange.response;
  const onClose = (): void => {
    clearTimeout(timer);
    exchange.fail(new ClientClosedError('client closed the connection while its request was delayed by rateLimit'));
  };
  const timer = setTimeout(() => {
    target.off('close', onClose);
    proceed(exchange, next);
  }, Math.ceil(delayNs / 1e6));
  target.once('close', onClose);
}

/**
 * Limits each source to `average` requests per `period` with bursts of `burst`, as Traefik's rateLimit: a
 * request that a token will serve within maxDelay waits for it; a later one gets 429 and keeps no token.
 * Buckets are per router and survive reloads that leave the definition unchanged.
 */
export const rateLimit: MiddlewareFactory<RateLimitConfig> = (config, context) => {
  const extractSource = compileSourceCriterion(config.sourceCriterion, 'clientIp', 'sourceCriterion');
  // Buckets in Redis are shared by every worker: the rate is not divided among them.
  const parameters = rateLimitParameters(config, config.redis === undefined ? context.workers : 1);
  if (parameters.rate === Infinity) return (next) => next;
  if (config.redis !== undefined) return redisRateLimit(redisConnection(config.redis), parameters, extractSource, context);
  const limiter = context.state('rateLimiter', () => new RateLimiter(parameters));
  const maxDelay = parameters.maxDelay;

  return (next) =>
    function rateLimit(exchange) {
      const delay = limiter.allow(extractSource(exchange));
      if (delay === undefined) return exchange.reply(429, 'No bursty traffic allowed\n');
      if (delay > maxDelay) return tooManyRequests(exchange, delay);
      if (delay === 0) return next(exchange);
      proceedAfter(exchange, delay, next);
    };
};

/**
 * The distributed form (`redis`): each source's bucket is kept in Redis under `rate:<middleware>:<source>`, as
 * Traefik keys it, so replicas and routers sharing the middleware share the bucket. Redis unreachable: 500.
 */
function redisRateLimit(connection: RedisConnection, parameters: RateLimitParameters, extractSource: (exchange: Exchange) => string, context: MiddlewareBuildContext): Middleware {
  const limiter = context.state('redisRateLimiter', () => new RedisRateLimiter(connection, parameters, context.log));
  const prefix = `${context.name}:`;
  const { maxDelay } = parameters;
  return (next) =>
    function distributedRateLimit(exchange) {
      limiter.allow(prefix + extractSource(exchange)).then(
        (delay) => {
          if (delay > maxDelay) return tooManyRequests(exchange, delay);
          if (delay <= 0) return proceed(exchange, next);
          proceedAfter(exchange, delay, next);
        },
        (error: Error) => {
          exchange.log.error('rateLimit: could not insert/update bucket', { error: error.message, middlewareName: context.name });
          exchange.reply(500, 'Could not insert/update bucket\n');
        },
      );
    };
}

