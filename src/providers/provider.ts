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
  /** Routers the provider would have generated but left out for a fault of their source (a Kubernetes object). */
  readonly rejectedRouters?: readonly DroppedRouter[];
}

/** A router that was declared (or would have been generated) but is left out, with the faults that say why. */
export interface DroppedRouter {
  readonly protocol: 'http' | 'tcp' | 'udp';
  /** Unqualified in a provider's snapshot; qualified (`api@file`) once merged. */
  readonly name: string;
  readonly errors: readonly string[];
}

/** A provider watches one source and pushes complete snapshots until the signal aborts. */
export interface Provider {
  /** Namespace of the provider's names: `file` as in `api@file`. */
  readonly name: string;
  run(push: (snapshot: ProviderSnapshot) => void, signal: AbortSignal): Promise<void>;
}
