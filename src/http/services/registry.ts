import type { HttpServiceConfig } from '../../config/dynamic/http-schema.js';
import { failover } from './failover/failover.js';
import { highestRandomWeight } from './highest-random-weight/highest-random-weight.js';
import { loadBalancer } from './load-balancer/load-balancer.js';
import { mirroring } from './mirroring/mirroring.js';
import type { ServiceFactory } from './service.js';
import { weighted } from './weighted/weighted.js';

type ServiceKind = HttpServiceConfig['kind'];
type ServiceConfigOf<K extends ServiceKind> = Extract<HttpServiceConfig, { kind: K }>['config'];

/** One factory per service type, keyed as in the configuration. */
export const serviceFactories = {
  loadBalancer,
  weighted,
  mirroring,
  failover,
  highestRandomWeight,
} satisfies { [K in ServiceKind]: ServiceFactory<ServiceConfigOf<K>> };
