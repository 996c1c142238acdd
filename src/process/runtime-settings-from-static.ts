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
    })),
    defaultRuleSyntax: config.core.defaultRuleSyntax,
    providerPrecedence: ['internal', ...config.providers.precedence],
    ping: config.ping === undefined ? undefined : { terminatingStatusCode: config.ping.terminatingStatusCode },
    isTerminating,
  };
}
