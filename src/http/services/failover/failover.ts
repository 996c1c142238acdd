import type { FailoverConfig } from '../../../config/dynamic/http-schema.js';
import { ConfigError, configPath } from '../../../config/errors.js';
import type { Exchange } from '../../exchange.js';
import { childAvailability, type ServiceFactory } from '../service.js';

/** Traefik answers with http.Error when neither service is up. */
const unavailableBody = 'Service Unavailable\n';

/**
 * Traefik's `failover`: the main service while it has an available server, else the fallback. The main
 * service must follow health (its healthCheck); the fallback's health is followed when this service has
 * `healthCheck: {}`, and then neither being up answers 503.
 */
export const failover: ServiceFactory<FailoverConfig> = (config, context) => {
  if (config.errors !== undefined) throw new ConfigError('errors', 'failing over on response status (errors) is not supported yet');
  const main = reference(config.service, 'service', context);
  const fallback = reference(config.fallback, 'fallback', context);
  const mainAvailability = childAvailability(main, config.service, 'service');
  const fallbackAvailability = config.healthCheck === undefined ? undefined : childAvailability(fallback, config.fallback, 'fallback');
  const mainHandler = main.handler;
  const fallbackHandler = fallback.handler;

  function failover(exchange: Exchange): void {
    if (mainAvailability.isAvailable()) return mainHandler(exchange);
    if (fallbackAvailability === undefined || fallbackAvailability.isAvailable()) return fallbackHandler(exchange);
    exchange.reply(503, unavailableBody);
  }

  return {
    handler: failover,
    availability: fallbackAvailability === undefined ? undefined : { isAvailable: () => mainAvailability.isAvailable() || fallbackAvailability.isAvailable() },
  };
};

function reference(name: string, field: string, context: Parameters<ServiceFactory<unknown>>[1]): ReturnType<typeof context.service> {
  try {
    return context.service(name);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(configPath(field), error.reason);
    throw error;
  }
}
