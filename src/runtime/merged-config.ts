import type {
  HttpMiddlewareConfig,
  HttpRouterConfig,
  HttpServiceConfig,
  ServersTransportConfig,
} from '../config/dynamic/http-schema.js';

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
  /** Qualified names that were declared but left out because their definition is broken, per section. */
  readonly invalid: {
    readonly services: ReadonlySet<string>;
    readonly middlewares: ReadonlySet<string>;
    readonly serversTransports: ReadonlySet<string>;
  };
  /** Where a provider wrote a configuration path, when it knows (`dynamic.yml:3:7`). */
  locate(provider: string, path: string): string | undefined;
}

/** Qualifies a reference as Traefik does: a name without `@` lives in the referrer's provider. */
export function qualify(name: string, provider: string): string {
  return name.includes('@') ? name : `${name}@${provider}`;
}
