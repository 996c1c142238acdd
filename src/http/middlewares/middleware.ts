import type { Logger } from '../../observability/logger.js';
import type { Middleware } from '../exchange.js';

/** What a middleware factory knows besides its own configuration. */
export interface MiddlewareBuildContext {
  /** Qualified name: `strip@file`. */
  readonly name: string;
  readonly log: Logger;
}

/** Validates and precomputes at build time, then returns the request-time wrapper. Throws ConfigError with paths relative to the middleware's options. */
export type MiddlewareFactory<C> = (config: C, context: MiddlewareBuildContext) => Middleware;
