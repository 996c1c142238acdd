import type { WeightedConfig } from '../../../config/dynamic/http-schema.js';
import { ConfigError, configPath } from '../../../config/errors.js';
import { NoHealthyServerError } from '../../errors.js';
import type { Exchange, Handler } from '../../exchange.js';
import { WeightedRoundRobin } from '../load-balancer/weighted-round-robin.js';
import { childAvailability, type Availability, type ServiceFactory } from '../service.js';
import { StickyCookie } from '../sticky/sticky-cookie.js';

/** Resolves each child of a parent service, reporting a broken one at its `name`. */
export function resolveChildren(references: ReadonlyArray<{ readonly name: string }>, listPath: string, context: Parameters<ServiceFactory<unknown>>[1]): ReturnType<typeof context.service>[] {
  return references.map((reference, index) => {
    try {
      return context.service(reference.name);
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigError(configPath(listPath, index, 'name'), error.reason);
      throw error;
    }
  });
}

/**
 * Weighted round robin over services (Traefik's `weighted`), with an optional sticky cookie. With
 * `healthCheck: {}`, a child with no available server leaves the rotation until it has one again.
 */
export const weighted: ServiceFactory<WeightedConfig> = (config, context) => {
  const references = config.services ?? [];
  const children = resolveChildren(references, 'services', context);
  const handlers: Handler[] = children.map((child) => child.handler);
  const weights = references.map((reference) => reference.weight);
  const availabilities: Array<Availability | undefined> =
    config.healthCheck === undefined ? children.map(() => undefined) : children.map((child, index) => childAvailability(child, references[index]!.name, configPath('services', index, 'name')));
  const isAvailable = (index: number): boolean => weights[index]! > 0 && (availabilities[index]?.isAvailable() ?? true);
  const wrr = context.state('wrr', () => new WeightedRoundRobin(weights.map((weight, index) => ({ item: index, weight }))));
  const sticky = config.sticky?.cookie === undefined ? undefined : new StickyCookie(config.sticky.cookie, context.name, references.map((reference) => reference.name));
  const serviceName = context.name;

  function weightedService(exchange: Exchange): void {
    if (sticky !== undefined) {
      const pin = sticky.pinned(exchange);
      if (pin !== undefined && isAvailable(pin.index)) {
        if (pin.isLegacy) sticky.pin(exchange, pin.index);
        return handlers[pin.index]!(exchange);
      }
    }
    const index = wrr.next(isAvailable);
    if (index === undefined) return exchange.fail(new NoHealthyServerError(serviceName));
    sticky?.pin(exchange, index);
    handlers[index]!(exchange);
  }

  return {
    handler: weightedService,
    availability: config.healthCheck === undefined ? undefined : { isAvailable: () => weights.some((_weight, index) => isAvailable(index)) },
  };
};
