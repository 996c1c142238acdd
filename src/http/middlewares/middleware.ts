import type { Logger } from '../../observability/logger.js';
import type { Handler, Middleware } from '../exchange.js';
import type { PluginCatalog } from './plugin/plugin-catalog.js';

/**
 * What a middleware is built for. As in Traefik, each router builds its own chain, while a service's own
 * `middlewares` are built once with the service and shared by every router and parent service reaching it.
 */
export interface ChainOwner {
  readonly kind: 'router' | 'service';
  /** Qualified name of the router or service. */
  readonly name: string;
}

/** Log fields naming a chain's owner: `routerName` or `serviceName`. */
export function ownerLogFields(owner: ChainOwner): Readonly<Record<string, string>> {
  return owner.kind === 'router' ? { routerName: owner.name } : { serviceName: owner.name };
}

/** What a middleware factory knows besides its own configuration. */
export interface MiddlewareBuildContext {
  /** Qualified name: `strip@file`. */
  readonly name: string;
  /** The router or service the middleware is built for; its state is that owner's. */
  readonly owner: ChainOwner;
  readonly log: Logger;
  /** Processes serving traffic: limits meant for the whole instance are divided by it. */
  readonly workers: number;
  /**
   * Returns state kept across reloads while this middleware's definition on this owner is unchanged,
   * creating it on first use. `name` tells apart several pieces of one middleware.
   */
  state<T>(name: string, create: () => T): T;
  /** Returns the handler of a service, resolved from the middleware's provider. Throws ConfigError. */
  service(reference: string): Handler;
  /** Local plugins of this process, for the `plugin` middleware. */
  readonly plugins: PluginCatalog;
}

/** Validates and precomputes at build time, then returns the request-time wrapper. Throws ConfigError with paths relative to the middleware's options. */
export type MiddlewareFactory<C> = (config: C, context: MiddlewareBuildContext) => Middleware;
