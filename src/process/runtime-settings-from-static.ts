import { availableParallelism } from 'node:os';
import { listEntryPoints, type StaticConfig } from '../config/static/static-config.js';
import type { RuntimeSettings } from '../runtime/runtime-settings.js';

/** Derives what the runtime builder needs from the static configuration. */
export function runtimeSettings(config: StaticConfig, isTerminating: () => boolean): RuntimeSettings {
  return {
    entryPoints: listEntryPoints(config).map(({ name, address, config: entryPoint }) => ({
      name,
      protocol: address.protocol,
      asDefault: entryPoint.asDefault,
      middlewares: entryPoint.http.middlewares,
      ...(entryPoint.http.tls !== undefined ? { httpTls: { options: entryPoint.http.tls.options, certResolver: entryPoint.http.tls.certResolver } } : {}),
    })),
    defaultRuleSyntax: config.core.defaultRuleSyntax,
    providerPrecedence: ['internal', ...config.providers.precedence],
    ping: config.ping === undefined ? undefined : { terminatingStatusCode: config.ping.terminatingStatusCode },
    workers: workerCount(config.workers),
    isTerminating,
    plugins: {
      local: Object.fromEntries(Object.entries(config.experimental?.localPlugins ?? {}).map(([name, plugin]) => [name, { moduleName: plugin.moduleName }])),
      catalog: Object.keys(config.experimental?.plugins ?? {}),
      abortOnFailure: config.experimental?.abortOnPluginFailure ?? false,
    },
    serversTransport: config.serversTransport,
  };
}

/** Resolves the `workers` option: a count, or `auto` for one per available core. */
export function workerCount(option: string): number {
  return option.trim().toLowerCase() === 'auto' ? availableParallelism() : Number(option);
}
