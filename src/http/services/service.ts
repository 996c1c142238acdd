import type { Dispatcher } from 'undici';
import type { Logger } from '../../observability/logger.js';
import type { Handler } from '../exchange.js';

/** A connection pool and the per-request timeouts of the serversTransport it came from. */
export interface UpstreamTransport {
  readonly dispatcher: Dispatcher;
  readonly responseHeaderTimeoutMs: number;
}

/** What a service factory knows besides its own configuration. */
export interface ServiceBuildContext {
  /** Qualified name: `app@file`. */
  readonly name: string;
  readonly log: Logger;
  /** Returns the pool for a server origin through the named serversTransport (or the default). Throws ConfigError. */
  transport(origin: string, serversTransport: string | undefined): UpstreamTransport;
  /**
   * Tells the API how to read this service's server health (URL to `UP`/`DOWN`), read live on each request;
   * without a call every server reads `UP`, as Traefik reports servers without health checks.
   */
  reportServerStatus?(read: () => Readonly<Record<string, 'UP' | 'DOWN'>>): void;
}

/** Validates at build time and returns the request-time handler. Throws ConfigError with paths relative to the service. */
export type ServiceFactory<C> = (config: C, context: ServiceBuildContext) => Handler;
