import { availableParallelism } from 'node:os';
import { acmeResolverNames } from '../acme/acme-engine.js';
import type { AcmeChallengeSource } from '../acme/challenge-board.js';
import { apiSettings } from '../api/api-settings.js';
import { listEntryPoints, type StaticConfig } from '../config/static/static-config.js';
import type { PrometheusExposition } from '../observability/metrics/cluster-metrics.js';
import type { RuntimeSettings } from '../runtime/runtime-settings.js';

/** Stands for the metrics where a configuration is only validated (the primary with workers, `junction check`). */
const unservedExposition: PrometheusExposition = {
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
  text: () => Promise.reject(new Error('metrics are served by the processes that handle traffic')),
};

/** Derives what the runtime builder needs from the static configuration. */
export function runtimeSettings(config: StaticConfig, isTerminating: () => boolean, prometheus?: PrometheusExposition, challenges?: AcmeChallengeSource): RuntimeSettings {
  return {
    entryPoints: listEntryPoints(config).map(({ name, address, config: entryPoint }) => ({
      name,
      protocol: address.protocol,
      asDefault: entryPoint.asDefault,
      middlewares: entryPoint.http.middlewares,
      observability: entryPoint.observability,
      ...(entryPoint.http.tls !== undefined ? { httpTls: { options: entryPoint.http.tls.options, certResolver: entryPoint.http.tls.certResolver } } : {}),
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
