import type {
  HttpMiddlewareConfig,
  HttpRouterConfig,
  HttpServiceConfig,
  ServersTransportConfig,
} from '../config/dynamic/http-schema.js';
import type { UdpRouterConfig, UdpServiceConfig } from '../config/dynamic/udp-schema.js';

/** One named item of the merged configuration, with the provider that declared it. */
export interface MergedItem<T> {
  readonly provider: string;
  /** The name as the provider wrote it, without `@provider`. */
  readonly name: string;
  readonly config: T;
}

/** Items keyed by qualified name (`api@file`). */
export type MergedSection<T> = ReadonlyMap<string, MergedItem<T>>;

/** Every provider's dynamic configuration, decoded and merged, names qualified. */
export interface MergedConfig {
  readonly http: {
    readonly routers: MergedSection<HttpRouterConfig>;
    readonly services: MergedSection<HttpServiceConfig>;
    readonly middlewares: MergedSection<HttpMiddlewareConfig>;
    readonly serversTransports: MergedSection<ServersTransportConfig>;
  };
  readonly udp: {
    readonly routers: MergedSection<UdpRouterConfig>;
    readonly services: MergedSection<UdpServiceConfig>;
  };
  /** Qualified names that were declared but left out because their definition is broken, per section. */
  readonly invalid: {
    readonly services: ReadonlySet<string>;
    readonly middlewares: ReadonlySet<string>;
    readonly serversTransports: ReadonlySet<string>;
    readonly udpServices: ReadonlySet<string>;
  };
  /** Where a provider wrote a configuration path, when it knows (`dynamic.yml:3:7`). */
  locate(provider: string, path: string): string | undefined;
}

/** Qualifies a reference as Traefik does: a name without `@` lives in the referrer's provider. */
export function qualify(name: string, provider: string): string {
  return name.includes('@') ? name : `${name}@${provider}`;
}

/** The merged configuration as plain data, to send to worker processes. */
export interface SerializedMergedConfig {
  readonly routers: ReadonlyArray<readonly [string, MergedItem<HttpRouterConfig>]>;
  readonly services: ReadonlyArray<readonly [string, MergedItem<HttpServiceConfig>]>;
  readonly middlewares: ReadonlyArray<readonly [string, MergedItem<HttpMiddlewareConfig>]>;
  readonly serversTransports: ReadonlyArray<readonly [string, MergedItem<ServersTransportConfig>]>;
  readonly udp: {
    readonly routers: ReadonlyArray<readonly [string, MergedItem<UdpRouterConfig>]>;
    readonly services: ReadonlyArray<readonly [string, MergedItem<UdpServiceConfig>]>;
  };
  readonly invalid: {
    readonly services: readonly string[];
    readonly middlewares: readonly string[];
    readonly serversTransports: readonly string[];
    readonly udpServices: readonly string[];
  };
}

/** Turns a merged configuration into plain data (source locations stay behind: workers do not report faults). */
export function serializeMergedConfig(merged: MergedConfig): SerializedMergedConfig {
  const { http, udp, invalid } = merged;
  return {
    routers: [...http.routers],
    services: [...http.services],
    middlewares: [...http.middlewares],
    serversTransports: [...http.serversTransports],
    udp: { routers: [...udp.routers], services: [...udp.services] },
    invalid: {
      services: [...invalid.services],
      middlewares: [...invalid.middlewares],
      serversTransports: [...invalid.serversTransports],
      udpServices: [...invalid.udpServices],
    },
  };
}

export function deserializeMergedConfig(data: SerializedMergedConfig): MergedConfig {
  return {
    http: {
      routers: new Map(data.routers),
      services: new Map(data.services),
      middlewares: new Map(data.middlewares),
      serversTransports: new Map(data.serversTransports),
    },
    udp: { routers: new Map(data.udp.routers), services: new Map(data.udp.services) },
    invalid: {
      services: new Set(data.invalid.services),
      middlewares: new Set(data.invalid.middlewares),
      serversTransports: new Set(data.invalid.serversTransports),
      udpServices: new Set(data.invalid.udpServices),
    },
    locate: () => undefined,
  };
}
