import { ConfigError, quote } from '../../config/errors.js';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../observability/logger.js';
import type { Handler } from '../exchange.js';
import type { HealthCheckPlan } from './health-check/health-monitor.js';
import type { ServerHealthTable } from './health-check/server-health.js';

/** A connection pool and the per-request timeouts of the serversTransport it came from. */
export interface UpstreamTransport {
  readonly dispatcher: Dispatcher;
  readonly responseHeaderTimeoutMs: number;
}

/**
 * A built service: its handler and, when it follows health (its own healthCheck, or `healthCheck: {}` on a
 * parent), whether it has a server to send to. Parents with `healthCheck: {}` skip children without one,
 * as Traefik's status propagation does; here the parent asks rather than being told.
 */
export interface ServiceNode {
  readonly handler: Handler;
  readonly availability: Availability | undefined;
}

export interface Availability {
  isAvailable(): boolean;
}

/** What a service factory knows besides its own configuration. */
export interface ServiceBuildContext {
  /** Qualified name: `app@file`. */
  readonly name: string;
  readonly log: Logger;
  /** Returns the pool for a server origin through the named serversTransport (or the default). Throws ConfigError. */
  transport(origin: string, serversTransport: string | undefined): UpstreamTransport;
  /** State kept across reloads while this service's definition is unchanged (round-robin position). */
  state<T>(name: string, create: () => T): T;
  /**
   * The health of these servers, kept across reloads while the definition is unchanged. The process that runs
   * the providers checks them as `plan` says; the others follow what it publishes.
   */
  serverHealth(servers: readonly string[], plan: HealthCheckPlan): ServerHealthTable;
  /** Builds (once per build) a service this one refers to; throws ConfigError whose reason names the fault. */
  service(reference: string): ServiceNode;
}

/** Validates at build time and returns the request-time handler. Throws ConfigError with paths relative to the service. */
export type ServiceFactory<C> = (config: C, context: ServiceBuildContext) => ServiceNode;

/** The children a parent with `healthCheck: {}` follows must follow health too, as Traefik requires. */
export function childAvailability(child: ServiceNode, childName: string, path: string): Availability {
  if (child.availability === undefined) {
    throw new ConfigError(path, `service ${quote(childName)} has no healthCheck, so its health cannot be followed`);
  }
  return child.availability;
}
