import type { ConfigError } from '../config/errors.js';

/**
 * One complete state of a provider's dynamic configuration.
 *
 * `config` holds plain values (as parsed from YAML/TOML or translated from Kubernetes objects), shaped like
 * Traefik's dynamic configuration; the aggregator decodes it. `errors` are the provider's own faults (a file
 * that does not parse, a name defined in two files). `locate` maps a configuration path such as
 * `http.routers.api.rule` to where it was written (`conf/dynamic.yml:14:17`) when the provider knows.
 */
export interface ProviderSnapshot {
  readonly config: Record<string, unknown>;
  readonly errors: readonly ConfigError[];
  readonly locate?: (path: string) => string | undefined;
}

/** A provider watches one source and pushes complete snapshots until the signal aborts. */
export interface Provider {
  /** Namespace of the provider's names: `file` as in `api@file`. */
  readonly name: string;
  run(push: (snapshot: ProviderSnapshot) => void, signal: AbortSignal): Promise<void>;
}
