import { Buffer } from 'node:buffer';
import type { HttpMiddlewareConfig, HttpRouterConfig, HttpServiceConfig, ServersTransportConfig } from '../config/dynamic/http-schema.js';
import { ConfigError, configPath, joinPath, nearestName, quote } from '../config/errors.js';
import type { Handler, Middleware } from '../http/exchange.js';
import { middlewareFactories } from '../http/middlewares/registry.js';
import type { MiddlewareBuildContext, MiddlewareFactory } from '../http/middlewares/middleware.js';
import { declaredPlugins, type PluginCatalog } from '../http/middlewares/plugin/plugin-catalog.js';
import { RouterTable, type Route } from '../http/routers/router-table.js';
import { HealthMonitor } from '../http/services/health-check/health-monitor.js';
import { serviceFactories } from '../http/services/registry.js';
import type { ServiceBuildContext, ServiceFactory, ServiceNode, UpstreamTransport } from '../http/services/service.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { compileHttpRule, type RuleSyntax } from '../rules/http-rule.js';
import { RuleError } from '../rules/rule-error.js';
import { buildUdpRuntime, type UdpRuntime } from '../udp/build-udp-runtime.js';
import { internalServices } from './internal-services.js';
import { qualify, type MergedConfig, type MergedItem } from './merged-config.js';
import type { RuntimeSettings } from './runtime-settings.js';
import { StateRegistry } from './state-registry.js';
import { defaultTransportSettings, type TransportSettings, type UpstreamPools } from './upstream-pools.js';

/** A compiled, immutable configuration: what every entryPoint routes with until the next reload. */
export interface Runtime {
  /** Router table per HTTP entryPoint name. */
  readonly routers: ReadonlyMap<string, RouterTable>;
  /** Every fault found while building, each with its configuration path. */
  readonly errors: readonly ConfigError[];
  /** Qualified names of the routers that serve, per entryPoint. */
  readonly enabledRouters: ReadonlyMap<string, readonly string[]>;
  /** Pool keys this runtime uses; the others can be closed once it is live. */
  readonly usedPools: ReadonlySet<string>;
  /** State keys this runtime uses; the others can be dropped once it is live. */
  readonly usedState: ReadonlySet<string>;
  /** The route of each UDP entryPoint. */
  readonly udp: UdpRuntime;
}

export interface BuildDependencies {
  readonly pools: UpstreamPools;
  /** Stateful pieces kept across reloads; a build without one (validation only) gets fresh state. */
  readonly state?: StateRegistry;
  readonly log: Logger;
  /** Local plugins loaded by the process that serves; without them (validation only) names are checked, nothing runs. */
  readonly plugins?: PluginCatalog;
  /** Server health; without it (validation only) no check runs and every server counts as up. */
  readonly health?: HealthMonitor;
}

type Built<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/**
 * Compiles a merged dynamic configuration into a Runtime. A broken router, or a router whose middleware or
 * service is broken, is left out and reported with its path; everything else is built and serves.
 */
export function buildRuntime(config: MergedConfig, settings: RuntimeSettings, dependencies: BuildDependencies): Runtime {
  return new RuntimeBuilder(config, settings, dependencies).build();
}

class RuntimeBuilder {
  readonly #config: MergedConfig;
  readonly #settings: RuntimeSettings;
  readonly #dependencies: BuildDependencies;
  readonly #errors: ConfigError[] = [];
  readonly #reported = new Set<string>();
  readonly #services = new Map<string, Built<ServiceNode>>();
  /** Services being built, outermost first: a reference back to one of them is a cycle. */
  readonly #buildingServices: string[] = [];
  readonly #usedPools = new Set<string>();
  readonly #usedState = new Set<string>();
  readonly #state: StateRegistry;
  /** A validation-only build follows health with a monitor of its own that runs nothing: every server is up. */
  readonly #health: HealthMonitor;

  constructor(config: MergedConfig, settings: RuntimeSettings, dependencies: BuildDependencies) {
    this.#config = config;
    this.#settings = settings;
    this.#dependencies = dependencies;
    this.#state = dependencies.state ?? new StateRegistry();
    this.#health = dependencies.health ?? new HealthMonitor({ isActive: false, log: silentLogger });
  }

  build(): Runtime {
    const routesByEntryPoint = new Map<string, Route[]>(this.#settings.entryPoints.filter((entryPoint) => entryPoint.protocol === 'tcp').map((entryPoint) => [entryPoint.name, []]));
    const names = [...this.#config.http.routers.keys()].sort();
    for (const qualifiedName of names) {
      const item = this.#config.http.routers.get(qualifiedName)!;
      try {
        this.#buildRouter(qualifiedName, item, routesByEntryPoint);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#report(item.provider, error);
      }
    }
    const routers = new Map<string, RouterTable>();
    const enabledRouters = new Map<string, string[]>();
    for (const [entryPoint, routes] of routesByEntryPoint) {
      routers.set(entryPoint, new RouterTable(routes));
      enabledRouters.set(entryPoint, routes.map((route) => route.name).sort());
    }
    const udp = buildUdpRuntime(this.#config, this.#settings.entryPoints);
    for (const [entryPoint, route] of udp.routes) enabledRouters.set(entryPoint, [route.routerName]);
    return { routers, errors: [...this.#errors, ...udp.errors], enabledRouters, usedPools: this.#usedPools, usedState: this.#usedState, udp };
  }

  /** Records a fault once, with where the provider wrote it. */
  #report(provider: string, error: ConfigError): void {
    if (this.#reported.has(error.message)) return;
    this.#reported.add(error.message);
    const location = this.#config.locate(provider, error.path);
    this.#errors.push(location === undefined ? error : new ConfigError(error.path, `${error.reason} (${location})`));
  }

  #buildRouter(
    qualifiedName: string,
    item: MergedItem<HttpRouterConfig>,
    routesByEntryPoint: Map<string, Route[]>,
  ): void {
    const { provider, name, config } = item;
    const path = configPath('http', 'routers', name);
    if (config.tls !== undefined) {
      throw new ConfigError(joinPath(path, 'tls'), 'TLS routers need an HTTPS entryPoint, which is not supported yet');
    }
    if (config.parentRefs !== undefined) throw new ConfigError(joinPath(path, 'parentRefs'), 'multi-layer routing is not supported yet');

    const syntax = this.#ruleSyntax(config.ruleSyntax, joinPath(path, 'ruleSyntax'));
    let rule;
    try {
      rule = compileHttpRule(config.rule, syntax);
    } catch (error) {
      if (error instanceof RuleError) throw new ConfigError(joinPath(path, 'rule'), error.message);
      throw error;
    }
    const priority = config.priority !== undefined && config.priority !== 0 ? config.priority : Buffer.byteLength(config.rule);

    const entryPoints = this.#routerEntryPoints(config.entryPoints, joinPath(path, 'entryPoints'));
    const middlewares = this.#resolveMiddlewares(config.middlewares ?? [], provider, joinPath(path, 'middlewares'), qualifiedName);
    const serviceName = qualify(config.service, provider);
    const service = this.#service(serviceName, joinPath(path, 'service'));

    // Every entryPoint's chain is built before any is registered: a broken one leaves the router out everywhere.
    const routes = entryPoints.map((entryPoint) => {
      const chain = [...this.#entryPointMiddlewares(entryPoint, path, qualifiedName), ...middlewares];
      const inner = chain.reduceRight<Handler>((next, middleware) => middleware(next), service);
      const handler: Handler = function router(exchange) {
        exchange.routerName = qualifiedName;
        exchange.serviceName = serviceName;
        inner(exchange);
      };
      return { entryPoint, route: { name: qualifiedName, rule, priority, providerRank: this.#providerRank(provider), handler } };
    });
    for (const { entryPoint, route } of routes) routesByEntryPoint.get(entryPoint)!.push(route);
  }

  /** Explains a reference to nothing: a declared-but-broken item, or a name with a likely typo. */
  #missing(kind: string, qualifiedName: string, known: Iterable<string>, invalid: ReadonlySet<string>): string {
    if (invalid.has(qualifiedName)) return `${kind} ${quote(qualifiedName)} is invalid`;
    const hint = nearestName(qualifiedName, known);
    return `${kind} ${quote(qualifiedName)} does not exist${hint === undefined ? '' : `; did you mean ${quote(hint)}?`}`;
  }

  #ruleSyntax(value: string | undefined, path: string): RuleSyntax {
    if (value === undefined || value === '' || value === 'default') return this.#settings.defaultRuleSyntax;
    if (value === 'v2' || value === 'v3') return value;
    throw new ConfigError(path, `unknown rule syntax ${quote(value)}; expected "v2" or "v3"`);
  }

  #providerRank(provider: string): number {
    const rank = this.#settings.providerPrecedence.indexOf(provider);
    return rank === -1 ? this.#settings.providerPrecedence.length : rank;
  }

  /** A router without entryPoints serves on the default ones: the asDefault ones (else every TCP one), never `traefik`. */
  #routerEntryPoints(requested: readonly string[] | undefined, path: string): string[] {
    const httpEntryPoints = this.#settings.entryPoints.filter((entryPoint) => entryPoint.protocol === 'tcp');
    if (requested === undefined || requested.length === 0) {
      const hasDefaults = httpEntryPoints.some((entryPoint) => entryPoint.asDefault);
      const defaults = httpEntryPoints
        .filter((entryPoint) => (!hasDefaults || entryPoint.asDefault) && entryPoint.name !== 'traefik')
        .map((entryPoint) => entryPoint.name);
      if (defaults.length === 0) throw new ConfigError(path, 'no default entryPoint to serve on; set entryPoints');
      return defaults;
    }
    const known = new Set(httpEntryPoints.map((entryPoint) => entryPoint.name));
    const unknown = requested.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      const index = requested.indexOf(unknown[0]!);
      const hint = nearestName(unknown[0]!, known);
      throw new ConfigError(joinPath(path, index), `entryPoint ${quote(unknown[0])} does not exist${hint === undefined ? '' : `; did you mean ${quote(hint)}?`}`);
    }
    return [...new Set(requested)];
  }

  /** The entryPoint's own middlewares, built for this router (Traefik prepends them to each router's list). */
  #entryPointMiddlewares(entryPoint: string, routerPath: string, routerName: string): Middleware[] {
    const references = this.#settings.entryPoints.find((candidate) => candidate.name === entryPoint)?.middlewares ?? [];
    if (references.length === 0) return [];
    try {
      return this.#resolveMiddlewares(references, 'internal', configPath('entryPoints', entryPoint, 'http', 'middlewares'), routerName);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#report('internal', error);
      throw new ConfigError(routerPath, `entryPoint ${quote(entryPoint)} has a broken middleware: ${error.reason}`);
    }
  }

  /** Resolves a list of middleware references, expanding chains; throws ConfigError at the referencing path. */
  #resolveMiddlewares(references: readonly string[], provider: string, path: string, routerName: string, visiting: readonly string[] = []): Middleware[] {
    const resolved: Middleware[] = [];
    references.forEach((reference, index) => {
      const qualifiedName = qualify(reference, provider);
      const referencePath = joinPath(path, index);
      const item = this.#config.http.middlewares.get(qualifiedName);
      if (item === undefined) throw new ConfigError(referencePath, this.#missing('middleware', qualifiedName, this.#config.http.middlewares.keys(), this.#config.invalid.middlewares));
      if (visiting.includes(qualifiedName)) {
        throw new ConfigError(referencePath, `middleware cycle: ${[...visiting, qualifiedName].map((name) => quote(name)).join(' -> ')}`);
      }
      if (item.config.kind === 'chain') {
        const chainPath = configPath('http', 'middlewares', item.name, 'chain', 'middlewares');
        try {
          resolved.push(...this.#resolveMiddlewares(item.config.config.middlewares, item.provider, chainPath, routerName, [...visiting, qualifiedName]));
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          this.#report(item.provider, error);
          throw new ConfigError(referencePath, `middleware ${quote(qualifiedName)} is invalid: ${error.reason}`);
        }
        return;
      }
      const built = this.#middleware(qualifiedName, item, routerName);
      if (!built.ok) throw new ConfigError(referencePath, built.reason);
      resolved.push(built.value);
    });
    return resolved;
  }

  /** Builds a middleware for one router (its state is that router's); a fault is reported once, at its own path. */
  #middleware(qualifiedName: string, item: MergedItem<HttpMiddlewareConfig>, routerName: string): Built<Middleware> {
    const path = configPath('http', 'middlewares', item.name, item.config.kind);
    const factory = middlewareFactories[item.config.kind] as MiddlewareFactory<unknown> | undefined;
    const definition = JSON.stringify(item.config);
    const context: MiddlewareBuildContext = {
      name: qualifiedName,
      routerName,
      log: this.#dependencies.log.with({ middlewareName: qualifiedName }),
      workers: this.#settings.workers,
      state: (name, create) => this.#state.acquire(`${routerName}\0${qualifiedName}\0${name}\0${definition}`, create, this.#usedState),
      service: (reference) => this.#service(qualify(reference, item.provider), 'service'),
      plugins: this.#dependencies.plugins ?? declaredPlugins(this.#settings.plugins),
    };
    try {
      if (factory === undefined) throw new ConfigError('', `middleware type ${quote(item.config.kind)} is not supported yet`);
      return { ok: true, value: factory(item.config.config, context) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#report(item.provider, error.under(path));
      return { ok: false, reason: `middleware ${quote(qualifiedName)} is invalid: ${error.reason}` };
    }
  }

  /** Builds a service once per build (routers share it, and so its round-robin state). */
  #service(qualifiedName: string, referencePath: string): Handler {
    return this.#serviceNode(qualifiedName, referencePath).handler;
  }

  /** Builds a service and what it tells its parents about its health; throws ConfigError at the referencing path. */
  #serviceNode(qualifiedName: string, referencePath: string): ServiceNode {
    let built = this.#services.get(qualifiedName);
    if (built === undefined) {
      if (this.#buildingServices.includes(qualifiedName)) {
        const cycle = [...this.#buildingServices.slice(this.#buildingServices.indexOf(qualifiedName)), qualifiedName];
        throw new ConfigError(referencePath, `service cycle: ${cycle.map((name) => quote(name)).join(' -> ')}`);
      }
      this.#buildingServices.push(qualifiedName);
      try {
        built = this.#buildService(qualifiedName);
      } finally {
        this.#buildingServices.pop();
      }
      this.#services.set(qualifiedName, built);
    }
    if (built.ok) return built.value;
    throw new ConfigError(referencePath, built.reason);
  }

  #buildService(qualifiedName: string): Built<ServiceNode> {
    const internal = internalServices.get(qualifiedName);
    if (internal !== undefined) return { ok: true, value: { handler: internal(this.#settings), availability: undefined } };
    const item = this.#config.http.services.get(qualifiedName);
    if (item === undefined) return { ok: false, reason: this.#missing('service', qualifiedName, this.#config.http.services.keys(), this.#config.invalid.services) };
    const path = configPath('http', 'services', item.name, item.config.kind);
    try {
      return { ok: true, value: this.#serviceHandler(qualifiedName, item) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#report(item.provider, error.under(path));
      return { ok: false, reason: `service ${quote(qualifiedName)} is invalid: ${error.reason}` };
    }
  }

  #serviceHandler(qualifiedName: string, item: MergedItem<HttpServiceConfig>): ServiceNode {
    const definition = JSON.stringify(item.config);
    const stateKey = (name: string): string => `service\0${qualifiedName}\0${name}\0${definition}`;
    const context: ServiceBuildContext = {
      name: qualifiedName,
      log: this.#dependencies.log.with({ serviceName: qualifiedName }),
      transport: (origin, serversTransport) => this.#transport(origin, serversTransport, item.provider),
      state: (name, create) => this.#state.acquire(stateKey(name), create, this.#usedState),
      serverHealth: (servers, plan) => {
        const key = stateKey('health');
        const watch = this.#state.acquire(key, () => this.#health.watch(key, qualifiedName, servers, plan), this.#usedState);
        watch.update(plan);
        return watch.table;
      },
      service: (reference) => this.#serviceNode(qualify(reference, item.provider), ''),
    };
    const factory = serviceFactories[item.config.kind] as ServiceFactory<unknown>;
    return factory(item.config.config, context);
  }

  #transport(origin: string, reference: string | undefined, provider: string): UpstreamTransport {
    let settings = defaultTransportSettings;
    let responseHeaderTimeoutMs = 0;
    if (reference !== undefined && reference !== '' && reference !== 'default@internal') {
      const qualifiedName = qualify(reference, provider);
      const item = this.#config.http.serversTransports.get(qualifiedName);
      if (item === undefined) {
        const reason = this.#missing('serversTransport', qualifiedName, this.#config.http.serversTransports.keys(), this.#config.invalid.serversTransports);
        throw new ConfigError('serversTransport', reason);
      }
      try {
        settings = transportSettings(item.config);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#report(item.provider, error.under(configPath('http', 'serversTransports', item.name)));
        throw new ConfigError('serversTransport', `serversTransport ${quote(qualifiedName)} is invalid: ${error.reason}`);
      }
      responseHeaderTimeoutMs = item.config.forwardingTimeouts?.responseHeaderTimeout ?? 0;
    }
    try {
      return { dispatcher: this.#dependencies.pools.acquire(origin, settings, this.#usedPools), responseHeaderTimeoutMs };
    } catch (error) {
      throw new ConfigError('serversTransport', `cannot set up the connection pool: ${(error as Error).message}`);
    }
  }
}

const unsupportedTransportOptions = ['peerCertURI', 'spiffe', 'cipherSuites', 'minVersion', 'maxVersion'] as const;

function transportSettings(config: ServersTransportConfig): TransportSettings {
  for (const option of unsupportedTransportOptions) {
    if (config[option] !== undefined) throw new ConfigError(option, 'not supported yet');
  }
  return {
    dialTimeoutMs: config.forwardingTimeouts?.dialTimeout ?? defaultTransportSettings.dialTimeoutMs,
    idleConnTimeoutMs: config.forwardingTimeouts?.idleConnTimeout ?? defaultTransportSettings.idleConnTimeoutMs,
    insecureSkipVerify: config.insecureSkipVerify === true,
    serverName: config.serverName,
    rootCAs: config.rootCAs ?? [],
    certificates: config.certificates ?? [],
  };
}
