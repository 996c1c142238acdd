import { ConfigError, configPath, nearestName, pathSegment, quote } from '../../../config/errors.js';
import { InternalError } from '../../errors.js';
import type { Exchange, Handler } from '../../exchange.js';
import type { MiddlewareFactory } from '../middleware.js';
import type { PluginCatalog } from './plugin-catalog.js';
import { mergePluginConfig, PluginConfigError } from './plugin-config.js';
import type { PluginConfig } from './plugin-schema.js';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Finds the declared plugin a middleware names: the same spelling, else the one spelled alike ignoring case. */
function declaredName(name: string, catalog: PluginCatalog): string {
  if (catalog.declared.includes(name)) return name;
  const alike = catalog.declared.filter((declared) => declared.toLowerCase() === name.toLowerCase());
  if (alike.length === 1) return alike[0]!;
  if (catalog.catalog.includes(name)) {
    throw new ConfigError(pathSegment(name), `plugin ${quote(name)} comes from the plugin catalog (experimental.plugins), which Junction does not download; declare it in experimental.localPlugins`);
  }
  if (catalog.declared.length === 0) {
    throw new ConfigError(pathSegment(name), `unknown plugin ${quote(name)}: the static configuration declares no experimental.localPlugins`);
  }
  const hint = nearestName(name, catalog.declared);
  throw new ConfigError(pathSegment(name), `unknown plugin ${quote(name)}; declared: ${catalog.declared.map((declared) => quote(declared)).join(', ')}${hint === undefined ? '' : `; did you mean ${quote(hint)}?`}`);
}

/** The configuration path of a plugin, for faults found when the plugin's handler is made for a router. */
function pluginPath(middlewareName: string, pluginName: string): string {
  const at = middlewareName.lastIndexOf('@');
  return configPath('http', 'middlewares', at === -1 ? middlewareName : middlewareName.slice(0, at), 'plugin', pluginName);
}

/**
 * Runs a local plugin (`experimental.localPlugins`): its `createConfig()` defaults with the middleware's
 * options decoded over them, then `create(config, context)` once per router, as Traefik calls a plugin's `New`.
 * A plugin that throws while being built fails the routers using it; one that throws (or rejects) while
 * handling a request answers that request 500, and nothing else.
 */
export const plugin: MiddlewareFactory<PluginConfig> = (config, context) => {
  const entries = Object.entries(config);
  if (entries.length !== 1) {
    const reason = entries.length === 0 ? 'no plugin named; expected one plugin name with its options' : `expected one plugin, got ${entries.map(([name]) => quote(name)).join(' and ')}`;
    throw new ConfigError('', reason);
  }
  const [requested, options] = entries[0]!;
  const catalog = context.plugins;
  const name = declaredName(requested, catalog);
  const segment = pathSegment(requested);
  if (catalog.failure !== undefined) {
    throw new ConfigError(segment, `plugin ${quote(name)} is not available: plugins are disabled because loading failed: ${catalog.failure}`);
  }
  const module = catalog.modules?.get(name);
  // A build that only validates (junction check, the primary process) has the names, not the modules.
  if (module === undefined) return (next) => next;

  let pluginConfig: unknown;
  try {
    pluginConfig = mergePluginConfig(module.createConfig(), options);
  } catch (error) {
    const reason = error instanceof PluginConfigError ? `cannot decode the configuration: ${error.message}` : `createConfig() failed: ${message(error)}`;
    throw new ConfigError(segment, `plugin ${quote(name)}: ${reason}`);
  }
  const log = context.log.with({ pluginName: name });
  let middleware: unknown;
  try {
    middleware = module.create(pluginConfig, { name: context.name, log });
  } catch (error) {
    throw new ConfigError(segment, `plugin ${quote(name)} failed to build: ${message(error)}`);
  }
  if (typeof middleware !== 'function') {
    throw new ConfigError(segment, `plugin ${quote(name)}: create() must return a function (next) => handler, got ${isThenable(middleware) ? 'a promise' : typeof middleware}`);
  }

  const failed = (exchange: Exchange, error: unknown): void => {
    log.error('plugin failed while handling a request', { error: message(error), routerName: exchange.routerName });
    exchange.fail(new InternalError(`plugin ${quote(name)} failed: ${message(error)}`));
  };

  return (next: Handler): Handler => {
    let handler: unknown;
    try {
      handler = (middleware as (next: Handler) => unknown)(next);
    } catch (error) {
      throw new ConfigError(pluginPath(context.name, requested), `plugin ${quote(name)} failed to build: ${message(error)}`);
    }
    if (typeof handler !== 'function') {
      throw new ConfigError(pluginPath(context.name, requested), `plugin ${quote(name)}: its middleware must return a handler function, got ${typeof handler}`);
    }
    const pluginHandler = handler as (exchange: Exchange) => unknown;
    return function plugin(exchange) {
      let result: unknown;
      try {
        result = pluginHandler(exchange);
      } catch (error) {
        failed(exchange, error);
        return;
      }
      if (isThenable(result)) result.then(undefined, (error: unknown) => failed(exchange, error));
    };
  };
};
