import type { AcmeChallengeSource } from '../acme/challenge-board.js';
import type { ApiSettings } from '../api/api-settings.js';
import type { InternalObservability, ObservabilityFlags } from '../observability/observability-flags.js';
import type { PrometheusExposition } from '../observability/metrics/cluster-metrics.js';
import type { RuleSyntax } from '../rules/http-rule.js';
import type { StaticServersTransport } from './transport-settings.js';

/** What the runtime builder takes from the static configuration, per entryPoint. */
export interface EntryPointSettings {
  readonly name: string;
  readonly protocol: 'tcp' | 'udp';
  readonly asDefault: boolean;
  /** Qualified middleware names prepended to every router on this entryPoint. */
  readonly middlewares: readonly string[];
  /** The entryPoint's `observability` options: what its routers feed unless they say otherwise. */
  readonly observability: ObservabilityFlags;
  /** `http.tls`: every HTTP router on this entryPoint without its own `tls` gets this one, as in Traefik. */
  readonly httpTls?: { readonly options?: string | undefined; readonly certResolver?: string | undefined };
  /** Escapes `http.encodedCharacters` refuses in the path of a request any root router here serves; none when absent. */
  readonly deniedEscapes?: ReadonlySet<string>;
}

/** Plugins the static configuration declares (`experimental`), for the `plugin` middleware. */
export interface PluginSettings {
  /** `experimental.localPlugins`: plugin name to module name, loaded from `./plugins-local/`. */
  readonly local: Readonly<Record<string, { readonly moduleName: string }>>;
  /** Names in `experimental.plugins`: catalog plugins, which Junction does not download. */
  readonly catalog: readonly string[];
  /** `experimental.abortOnPluginFailure`: a plugin that fails to load stops the start. */
  readonly abortOnFailure: boolean;
}

/** The static settings the runtime builder needs; everything else about listeners lives in the entrypoints. */
export interface RuntimeSettings {
  readonly entryPoints: readonly EntryPointSettings[];
  readonly defaultRuleSyntax: RuleSyntax;
  /** Providers in order of precedence for routers of equal priority, as Traefik's `providers.precedence`. */
  readonly providerPrecedence: readonly string[];
  readonly ping: { readonly terminatingStatusCode: number } | undefined;
  /** Processes serving traffic (`--workers`); instance-wide limits are divided by it. */
  readonly workers: number;
  /** True once shutdown began: `ping@internal` answers `terminatingStatusCode`. */
  readonly isTerminating: () => boolean;
  readonly plugins: PluginSettings;
  /** `api`: what `api@internal` and `dashboard@internal` serve; undefined when the API is not enabled. */
  readonly api?: ApiSettings | undefined;
  /** What `prometheus@internal` serves; undefined without `metrics.prometheus`. */
  readonly prometheus: PrometheusExposition | undefined;
  /** `addInternals` of the access log, metrics and tracing. */
  readonly internalObservability: InternalObservability;
  /** The static `serversTransport`: what services without a `serversTransport` of their own use. */
  readonly serversTransport: StaticServersTransport;
  /** Hands a configuration received by `rest@internal` to the REST provider; undefined without `providers.rest`. */
  readonly submitRestConfiguration: ((config: Record<string, unknown>) => void) | undefined;
  /** `certificatesResolvers`: which exist, and where the ACME challenges' answers are found. */
  readonly acme: AcmeSettings;
}

/** What the data path knows of the certificate resolvers. */
export interface AcmeSettings {
  /** Names of the resolvers routers may name in `tls.certResolver`. */
  readonly resolvers: ReadonlySet<string>;
  /** Whether a resolver answers HTTP-01 challenges, so that `acme-http@internal` exists. */
  readonly hasHttpChallenge: boolean;
  /** Where challenge answers are found; undefined where the configuration is only validated. */
  readonly challenges: AcmeChallengeSource | undefined;
}

