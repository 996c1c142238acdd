import type {
  HttpMiddlewareConfig,
  HttpRouterConfig,
  HttpServiceConfig,
  ServersTransportConfig,
} from '../config/dynamic/http-schema.js';
import type { TcpMiddlewareConfig, TcpRouterConfig, TcpServersTransportConfig, TcpServiceConfig } from '../config/dynamic/tcp-schema.js';
import type { TlsCertificateConfig, TlsOptionsConfig, TlsStoreConfig } from '../config/dynamic/tls-schema.js';
import type { UdpRouterConfig, UdpServiceConfig } from '../config/dynamic/udp-schema.js';
import type { DroppedRouter } from '../providers/provider.js';

/** One named item of the merged configuration, with the provider that declared it. */
export interface MergedItem<T> {
  readonly provider: string;
  /** The name as the provider wrote it, without `@provider`. */
  readonly name: string;
  readonly config: T;
}

/** Items keyed by qualified name (`api@file`). */
export type MergedSection<T> = ReadonlyMap<string, MergedItem<T>>;

/** A certificate of `tls.certificates`, with the provider and the index it was written at. */
export interface MergedCertificate {
  readonly provider: string;
  readonly index: number;
  readonly config: TlsCertificateConfig;
}

/** The name of Traefik's TLS options and store used when none is named; never qualified with a provider. */
export const defaultTlsName = 'default';

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
  readonly tcp: {
    readonly routers: MergedSection<TcpRouterConfig>;
    readonly services: MergedSection<TcpServiceConfig>;
    readonly middlewares: MergedSection<TcpMiddlewareConfig>;
    readonly serversTransports: MergedSection<TcpServersTransportConfig>;
  };
  readonly tls: {
    readonly certificates: readonly MergedCertificate[];
    /** TLS options by qualified name; `default` stays unqualified, as in Traefik. */
    readonly options: MergedSection<TlsOptionsConfig>;
    /** TLS stores; only `default` is used, as in Traefik. */
    readonly stores: MergedSection<TlsStoreConfig>;
  };
  /** Qualified names that were declared but left out because their definition is broken, per section. */
  readonly invalid: {
    readonly services: ReadonlySet<string>;
    readonly middlewares: ReadonlySet<string>;
    readonly serversTransports: ReadonlySet<string>;
    readonly tcpServices: ReadonlySet<string>;
    readonly tcpMiddlewares: ReadonlySet<string>;
    readonly tcpServersTransports: ReadonlySet<string>;
    readonly tlsOptions: ReadonlySet<string>;
    readonly udpServices: ReadonlySet<string>;
  };
  /** Routers a provider declared (or would have generated) but left out, qualified, with their faults (for the API). */
  readonly droppedRouters?: readonly DroppedRouter[];
  /** Where a provider wrote a configuration path, when it knows (`dynamic.yml:3:7`). */
  locate(provider: string, path: string): string | undefined;
}

/** Qualifies a reference as Traefik does: a name without `@` lives in the referrer's provider. */
export function qualify(name: string, provider: string): string {
  return name.includes('@') ? name : `${name}@${provider}`;
}

/** Qualifies a TLS options reference: `default` is global, other names live in the referrer's provider. */
export function qualifyTlsOptions(name: string | undefined, provider: string): string {
  return name === undefined || name === '' || name === defaultTlsName ? defaultTlsName : qualify(name, provider);
}

type Entries<T> = ReadonlyArray<readonly [string, MergedItem<T>]>;

/** The merged configuration as plain data, to send to worker processes. */
export interface SerializedMergedConfig {
  readonly routers: Entries<HttpRouterConfig>;
  readonly services: Entries<HttpServiceConfig>;
  readonly middlewares: Entries<HttpMiddlewareConfig>;
  readonly serversTransports: Entries<ServersTransportConfig>;
  readonly tcp: {
    readonly routers: Entries<TcpRouterConfig>;
    readonly services: Entries<TcpServiceConfig>;
    readonly middlewares: Entries<TcpMiddlewareConfig>;
    readonly serversTransports: Entries<TcpServersTransportConfig>;
  };
  readonly udp: {
    readonly routers: Entries<UdpRouterConfig>;
    readonly services: Entries<UdpServiceConfig>;
  };
  readonly tls: {
    readonly certificates: readonly MergedCertificate[];
    readonly options: Entries<TlsOptionsConfig>;
    readonly stores: Entries<TlsStoreConfig>;
  };
  readonly invalid: { readonly [K in keyof MergedConfig['invalid']]: readonly string[] };
  readonly droppedRouters?: readonly DroppedRouter[];
}

/** Turns a merged configuration into plain data (source locations stay behind: workers do not report faults). */
export function serializeMergedConfig(merged: MergedConfig): SerializedMergedConfig {
  const { http, tcp, udp, tls, invalid } = merged;
  return {
    routers: [...http.routers],
    services: [...http.services],
    middlewares: [...http.middlewares],
    serversTransports: [...http.serversTransports],
    tcp: { routers: [...tcp.routers], services: [...tcp.services], middlewares: [...tcp.middlewares], serversTransports: [...tcp.serversTransports] },
    tls: { certificates: [...tls.certificates], options: [...tls.options], stores: [...tls.stores] },
    udp: { routers: [...udp.routers], services: [...udp.services] },
    invalid: {
      services: [...invalid.services],
      middlewares: [...invalid.middlewares],
      serversTransports: [...invalid.serversTransports],
      tcpServices: [...invalid.tcpServices],
      tcpMiddlewares: [...invalid.tcpMiddlewares],
      tcpServersTransports: [...invalid.tcpServersTransports],
      tlsOptions: [...invalid.tlsOptions],
      udpServices: [...invalid.udpServices],
    },
    droppedRouters: merged.droppedRouters ?? [],
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
    tcp: {
      routers: new Map(data.tcp.routers),
      services: new Map(data.tcp.services),
      middlewares: new Map(data.tcp.middlewares),
      serversTransports: new Map(data.tcp.serversTransports),
    },
    tls: { certificates: data.tls.certificates, options: new Map(data.tls.options), stores: new Map(data.tls.stores) },
    udp: { routers: new Map(data.udp.routers), services: new Map(data.udp.services) },
    invalid: {
      services: new Set(data.invalid.services),
      middlewares: new Set(data.invalid.middlewares),
      serversTransports: new Set(data.invalid.serversTransports),
      tcpServices: new Set(data.invalid.tcpServices),
      tcpMiddlewares: new Set(data.invalid.tcpMiddlewares),
      tcpServersTransports: new Set(data.invalid.tcpServersTransports),
      tlsOptions: new Set(data.invalid.tlsOptions),
      udpServices: new Set(data.invalid.udpServices),
    },
    droppedRouters: data.droppedRouters ?? [],
    locate: () => undefined,
  };
}
