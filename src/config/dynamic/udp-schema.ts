import { exactlyOneOf, list, map, number, object, required, string, type Infer } from '../schema.js';
import { checkDeclaredName } from './http-schema.js';

const nonEmpty = (value: string): string | undefined => (value.trim() === '' ? 'must not be empty' : undefined);

/** `udp.routers.<name>`: no rule, as in Traefik; the entryPoint alone selects the router. */
export const udpRouterSchema = object({
  entryPoints: list(string()),
  service: required(string(nonEmpty)),
});

/** A server is an address only: Traefik's UDP servers have no weight (weights belong to `weighted`). */
const udpServer = object({
  address: required(string()),
});

export const udpLoadBalancerSchema = object({
  servers: list(udpServer),
});

const udpWeightedService = object({
  name: required(string(nonEmpty)),
  weight: number({ integer: true, min: 0 }),
});

export const udpWeightedSchema = object({
  services: list(udpWeightedService),
});

export const udpServiceSchema = exactlyOneOf({ loadBalancer: udpLoadBalancerSchema, weighted: udpWeightedSchema }, 'service');

/** The dynamic `udp` section: routers and services. */
export const udpSchema = object({
  routers: map(udpRouterSchema, { dropInvalidEntries: true, checkKey: checkDeclaredName }),
  services: map(udpServiceSchema, { dropInvalidEntries: true, checkKey: checkDeclaredName }),
}, { keepValidFields: true });

export type UdpRouterConfig = Infer<typeof udpRouterSchema>;
export type UdpServiceConfig = Infer<typeof udpServiceSchema>;
export type UdpLoadBalancerConfig = Infer<typeof udpLoadBalancerSchema>;
export type UdpWeightedConfig = Infer<typeof udpWeightedSchema>;
export type UdpConfig = Infer<typeof udpSchema>;
