import { availableParallelism } from 'node:os';
import { acmeResolverNames } from '../acme/acme-resolvers.js';
import type { AcmeChallengeSource } from '../acme/challenge-board.js';
import { apiSettings } from '../api/api-settings.js';
import { listEntryPoints, type StaticConfig } from '../config/static/static-config.js';
import { deniedEscapes } from '../http/middlewares/encoded-characters/encoded-characters.js';
import type { PrometheusExposition } from '../observability/metrics/cluster-metrics.js';
import type { RuntimeSettings } from '../runtime/runtime-settings.js';

/** Stands for the metrics where a configuration is only validated (the primary with workers, `junction check`). */
const unservedExposition: PrometheusExposition = {
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
  text: () => Promise.reject(new Error('metrics are served by the processes that handle traffic')),
};

/** What the process serving (or only validating) a configuration lends the runtime besides the static configuration. */
export interface ProcessHooks {
  readonly isTerminating: () => boolean;
  /** Where `prometheus@internal` reads the metrics; a validating process has none. */
  readonly prometheus?: PrometheusExposition | undefined;
  /** Where ACME challenge answers are found; undefined where the configuration is only validated. */
  readonly acmeChallenges?: AcmeChallengeSource | undefined;
  /** Where `rest@internal` hands the configurations it receives. */
  readonly submitRestConfiguration?: ((config: Record<string, unknown>) => void) | undefined;
}

/** Derives what the runtime builder needs from the static configuration. */
export function runtimeSettings(config: StaticConfig, hooks: ProcessHooks): RuntimeSettings {
  const { isTerminating, prometheus, acmeChallenges: challenges, submitRestConfiguration: submitRest } = hooks;
  return {
    entryPoints: listEntryPoints(config).map(({ name, address, config: entryPoint }) => ({
      name,
      protocol: address.protocol,
      asDefault: entryPoint.asDefault,
      middlewares: entryPoint.http.middlewares,
      observability: entryPoint.observability,
      ...(entryPoint.http.tls !== undefined ? { httpTls: { options: entryPoint.http.tls.options, certResolver: entryPoint.http.tls.certResolver } } : {}),
      ...(entryPoint.http.encodedCharacters !== undefined ? { deniedEscapes: deniedEscapes(entryPoint.http.encodedCharacters) } : {}),
    })),
    defaultRuleSyntax: config.core.defaultRuleSyntax,
    providerPrecedence: ['internal', ...config.providers.precedence],
    ping: config.ping === undefined ? undefined : { terminatingStatusCode: config.ping.terminatingStatusCode },
    workers: workerCount(config.workers),
    isTerminating,
    prometheus: prometheus ?? (config.metrics?.prometheus === undefined ? undefined : unservedExposition),
    internalObservability: {
      accessLogs: config.accessLog?.addInternals ?? false,
      metrics: config.metrics?.addInternals ?? false,
      tracing: config.tracing?.addInternals ?? false,
    },
    plugins: {
      local: Object.fromEntries(Object.entries(config.experimental?.localPlugins ?? {}).map(([name, plugin]) => [name, { moduleName: plugin.moduleName }])),
      catalog: Object.keys(config.experimental?.plugins ?? {}),
      abortOnFailure: config.experimental?.abortOnPluginFailure ?? false,
    },
    api: apiSettings(config),
    serversTransport: config.serversTransport,
    submitRestConfiguration: config.providers.rest === undefined ? undefined : submitRest,
    acme: {
      resolvers: new Set(acmeResolverNames(config)),
      hasHttpChallenge: Object.values(config.certificatesResolvers).some((resolver) => resolver.acme?.httpChallenge !== undefined),
      challenges,
    },
  };
}

/** Resolves the `workers` option: a count, or `auto` for one per available core. */
export function workerCount(option: string): number {
  return option.trim().toLowerCase() === 'auto' ? availableParallelism() : Number(option);
}
