import type { HighestRandomWeightConfig } from '../../../config/dynamic/http-schema.js';
import { configPath } from '../../../config/errors.js';
import { NoHealthyServerError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { childAvailability, type Availability, type ServiceFactory } from '../service.js';
import { resolveChildren } from '../weighted/weighted.js';
import { RendezvousHash } from './rendezvous-hash.js';

/** Traefik's `highestRandomWeight`: each client IP goes to the child with the highest weighted hash score. */
export const highestRandomWeight: ServiceFactory<HighestRandomWeightConfig> = (config, context) => {
  const references = config.services ?? [];
  const children = resolveChildren(references, 'services', context);
  const availabilities: Array<Availability | undefined> =
    config.healthCheck === undefined ? children.map(() => undefined) : children.map((child, index) => childAvailability(child, references[index]!.name, configPath('services', index, 'name')));
  const isAvailable = (index: number): boolean => availabilities[index]?.isAvailable() ?? true;
  const hash = new RendezvousHash(references.map((reference) => ({ name: reference.name, weight: reference.weight })));
  const handlers = children.map((child) => child.handler);
  const serviceName = context.name;

  function highestRandomWeight(exchange: Exchange): void {
    const index = hash.next(exchange.clientIp, isAvailable);
    if (index === undefined) return exchange.fail(new NoHealthyServerError(serviceName));
    handlers[index]!(exchange);
  }

  return {
    handler: highestRandomWeight,
    availability: config.healthCheck === undefined ? undefined : { isAvailable: () => references.some((reference, index) => reference.weight > 0 && isAvailable(index)) },
  };
};
