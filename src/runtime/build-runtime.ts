import { Buffer } from 'node:buffer';
import type { HttpMiddlewareConfig, HttpRouterConfig, HttpServiceConfig } from '../config/dynamic/http-schema.js';
import { ConfigError, configPath, joinPath, nearestName, quote } from '../config/errors.js';
import type { Handler, Middleware } from '../http/exchange.js';
import { middlewareFactories } from '../http/middlewares/registry.js';
import { denyEncodedCharacters } from '../http/middlewares/encoded-characters/encoded-characters.js';
import type { ChainOwner, MiddlewareBuildContext, MiddlewareFactory } from '../http/middlewares/middleware.js';
import { declaredPlugins, type PluginCatalog } from '../http/middlewares/plugin/plugin-catalog.js';
import { childRouters } from '../http/routers/child-routers.js';
import { RouterTable, type Route } from '../http/routers/router-table.js';
import { HealthMonitor, type HealthCheckPlan } from '../http/services/health-check/health-monitor.js';
import type { ServerHealthTable } from '../http/services/health-check/server-health.js';
import { serviceFactories } from '../http/services/registry.js';
import type { ServiceBuildContext, ServiceFactory, ServiceNode, UpstreamTransport } from '../http/services/service.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { defaultObservability, routerObservability } from '../observability/observability-flags.js';
import { HttpsTlsSelection, type ConnectionRouting, type HostTlsOptions } from '../entrypoints/connection-routing.js';
import { compileHttpRule, type CompiledRule, type RuleSyntax } from '../rules/http-rule.js';
import type { ServingCertificate } from '../tls/certificate.js';
import type { TlsRuntime } from '../tls/tls-runtime.js';
import { buildTcpRouting } from './build-tcp-runtime.js';
import { buildTlsRuntime, tlsOptionsFault } from './build-tls-runtime.js';
import { RuleError } from '../rules/rule-error.js';
import { buildUdpRuntime, type UdpRuntime } from '../udp/build-udp-runtime.js';
import { availableInternalServices, internalServices } from './internal-services.js';
import { defaultTlsName, qualify, qualifyTlsOptions, type MergedConfig, type MergedItem } from './merged-config.js';
import { buildRuntimeReport, emptyRuntimeReport, type AttributedError, type RuntimeReport, type ServerStatus } from './runtime-report.js';
import type { RuntimeSettings } from './runtime-settings.js';
import { isChildRouter, parseRouterTree, type RouterTree } from './router-tree.js';
import { StateRegistry } from './state-registry.js';
import { compileDefaultTransport, compileServersTransport, type CompiledTransport } from './transport-settings.js';
import type { UpstreamPools } from './upstream-pools.js';

/** A compiled, immutable configuration: what every entryPoint routes with until the next reload. */
export interface Runtime {
  /** Router table per HTTP entryPoint name: the routers without `tls`, for plain connections. */
  readonly routers: ReadonlyMap<string, RouterTable>;
  /** Router table per entryPoint name: the routers with `tls`, for TLS connections. */
  readonly httpsRouters: ReadonlyMap<string, RouterTable>;
  /** How each entryPoint routes a new connection: TCP routers, TLS passthrough and termination, HTTPS options. */
  readonly connections: ReadonlyMap<string, ConnectionRouting>;
  /** Certificates and TLS options; undefined before the first configuration. */
  readonly tls: TlsRuntime | undefined;
  /** Every fault found while building, each with its configuration path. */
  readonly errors: readonly ConfigError[];
  /** Qualified names of the routers that serve, per entryPoint. */
  readonly enabledRouters: ReadonlyMap<string, readonly string[]>;
  /** Pool keys this runtime uses; the others can be closed once it is live. */
  readonly usedPools: ReadonlySet<string>;
  /** State keys this runtime uses; the others can be dropped once it is live. */
  readonly usedState: ReadonlySet<string>;
  /** Every declared item with its status, faults and relations, as the API shows them. */
  readonly report: RuntimeReport;
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
  /** The generated certificate served when no other fits; without it (validation only) such handshakes are refused. */
  readonly defaultCertificate?: ServingCertificate;
}

/** TLS options asked for by the HTTPS routers of one host, by options name, with the routers asking. */
type HostOptionRequests = Map<string, Map<string, string[]>>;

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
  /** Compiled serversTransports by qualified name (or the fault that left one out), once per build. */
  readonly #transports = new Map<string, CompiledTransport | ConfigError>();
  readonly #state: StateRegistry;
  /** A validation-only build follows health with a monitor of its own that runs nothing: every server is up. */
  readonly #health: HealthMonitor;
  /** Faults with the provider of the item they belong to, for the report. */
  readonly #attributed: AttributedError[] = [];
  /** Multi-layer routing: each parent router's children, and the routers its faults leave out. */
  #tree: RouterTree = { children: new Map(), faults: [], disabled: new Set() };
  /** Child routers built into a parent's child table: enabled, though on no entryPoint's table. */
  readonly #builtChildren = new Set<string>();
  /** Entry points each router resolved to, for the report's `using`. */
  readonly #using = new Map<string, readonly string[]>();
  readonly #serverStatus = new Map<string, () => Readonly<Record<string, ServerStatus>> | undefined>();
  readonly #tcpServerStatus = new Map<string, () => Readonly<Record<string, ServerStatus>>>();
  /** Set once the build ends; internal services that show the report read it through a getter. */
  #runtimeReport: RuntimeReport = emptyRuntimeReport;
  #tls: TlsRuntime | undefined;

  constructor(config: MergedConfig, settings: RuntimeSettings, dependencies: BuildDependencies) {
    this.#config = config;
    this.#settings = settings;
    this.#dependencies = dependencies;
    this.#state = dependencies.state ?? new StateRegistry();
    this.#health = dependencies.health ?? new HealthMonitor({ isActive: false, log: silentLogger });
  }

  build(): Runtime {
    const tcpEntryPoints = this.#settings.entryPoints.filter((entryPoint) => entryPoint.protocol === 'tcp').map((entryPoint) => entryPoint.name);
    const report = (provider: string, error: ConfigError): void => this.#report(provider, error);
    this.#tls = buildTlsRuntime(this.#config, this.#dependencies.defaultCertificate, report, this.#settings.acme.resolvers);
    const routesByEntryPoint = new Map<string, Route[]>(tcpEntryPoints.map((name) => [name, []]));
    const httpsRoutesByEntryPoint = new Map<string, Route[]>(tcpEntryPoints.map((name) => [name, []]));
    const hostOptions = new Map<string, HostOptionRequests>(tcpEntryPoints.map((name) => [name, new Map()]));
    const catchAll = new Set<string>();
    this.#tree = parseRouterTree(this.#config.http.routers);
    for (const { router, error } of this.#tree.faults) this.#report(this.#config.http.routers.get(router)!.provider, error);
    const names = [...this.#config.http.routers.keys()].sort();
    for (const qualifiedName of names) {
      const item = this.#config.http.routers.get(qualifiedName)!;
      // Child routers are built into their parents' child tables.
      if (isChildRouter(item.config)) continue;
      this.#recordUsing(qualifiedName, item.config.entryPoints);
      if (this.#tree.disabled.has(qualifiedName)) continue;
      try {
        this.#buildRouter(qualifiedName, item, { plain: routesByEntryPoint, secure: httpsRoutesByEntryPoint, hostOptions, catchAll });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#report(item.provider, error);
      }
    }
    const tcp = buildTcpRouting({
      config: this.#config,
      tls: this.#tls,
      log: this.#dependencies.log,
      report,
      certificateResolvers: this.#settings.acme.resolvers,
      routerEntryPoints: (requested, path) => this.#routerEntryPoints(requested, path),
      ruleSyntax: (value, path) => this.#ruleSyntax(value, path),
      providerRank: (provider) => this.#providerRank(provider),
      state: (key, create) => this.#state.acquire(key, create, this.#usedState),
      serverHealth: (service, definition, servers, plan) =>
        this.#serverHealth(`tcp-service\0${service}\0health\0${definition}`, service, servers, plan, this.#tcpServerStatus),
    }, tcpEntryPoints);
    const routers = new Map<string, RouterTable>();
    const httpsRouters = new Map<string, RouterTable>();
    const connections = new Map<string, ConnectionRouting>();
    const enabledRouters = new Map<string, string[]>();
    for (const entryPoint of tcpEntryPoints) {
      const routes = routesByEntryPoint.get(entryPoint)!;
      const secureRoutes = httpsRoutesByEntryPoint.get(entryPoint)!;
      routers.set(entryPoint, new RouterTable(routes));
      httpsRouters.set(entryPoint, new RouterTable(secureRoutes));
      const https = new HttpsTlsSelection(this.#hostTlsOptions(hostOptions.get(entryPoint)!), catchAll.has(entryPoint), secureRoutes.length > 0);
      connections.set(entryPoint, { ...tcp.routing.get(entryPoint)!, https });
      const tcpNames = tcp.enabled.get(entryPoint) ?? [];
      enabledRouters.set(entryPoint, [...new Set([...routes, ...secureRoutes].map((route) => route.name)), ...tcpNames].sort());
    }
    const udp = buildUdpRuntime(this.#config, this.#settings.entryPoints);
    for (const [entryPoint, route] of udp.routes) enabledRouters.set(entryPoint, [route.routerName]);
    const httpRouters = [...routesByEntryPoint.values(), ...httpsRoutesByEntryPoint.values()].flatMap((routes) => routes.map((route) => route.name)).concat([...this.#builtChildren]);
    this.#runtimeReport = buildRuntimeReport(this.#config, {
      errors: [...this.#attributed, ...udp.attributed],
      using: this.#using,
      enabledRouters: {
        http: new Set(httpRouters),
        tcp: new Set([...tcp.enabled.values()].flat()),
        udp: new Set([...udp.routes.values()].map((route) => route.routerName)),
      },
      defaultEntryPoints: this.#defaultEntryPoints(),
      tcpEntryPoints,
      udpEntryPoints: this.#settings.entryPoints.filter((entryPoint) => entryPoint.protocol === 'udp').map((entryPoint) => entryPoint.name),
      internalServices: availableInternalServices(this.#settings),
      serverStatus: this.#serverStatus,
      tcpServerStatus: this.#tcpServerStatus,
    });
    const errors = [...this.#errors, ...udp.errors];
    return { routers, httpsRouters, connections, tls: this.#tls, udp, errors, enabledRouters, usedPools: this.#usedPools, usedState: this.#usedState, report: this.#runtimeReport };
  }

  /**
   * Chooses the TLS options of each HTTPS host: the one its routers ask for; when they ask for different
   * ones, the default options, reported on each router, as Traefik does. Broken options close the host's connections.
   */
  #hostTlsOptions(requests: HostOptionRequests): Map<string, HostTlsOptions> {
    const chosen = new Map<string, HostTlsOptions>();
    for (const [host, byOptions] of requests) {
      if (byOptions.size === 1) {
        const [name] = byOptions.keys();
        chosen.set(host, this.#tls!.options(name!) ?? null);
        continue;
      }
      for (const routers of byOptions.values()) {
        for (const router of routers) {
          const item = this.#config.http.routers.get(router)!;
          this.#report(item.provider, new ConfigError(configPath('http', 'routers', item.name, 'tls', 'options'), `found different TLS options for routers on the same host ${quote(host)}, so using the default TLS options instead`));
        }
      }
      chosen.set(host, this.#tls!.options(defaultTlsName) ?? null);
    }
    return chosen;
  }

  /** Records a fault once, with where the provider wrote it. */
  #report(provider: string, error: ConfigError): void {
    if (this.#reported.has(error.message)) return;
    this.#reported.add(error.message);
    const location = this.#config.locate(provider, error.path);
    const located = location === undefined ? error : new ConfigError(error.path, `${error.reason} (${location})`);
    this.#errors.push(located);
    this.#attributed.push({ provider, error: located });
  }

  #buildRouter(
    qualifiedName: string,
    item: MergedItem<HttpRouterConfig>,
    tables: {
      readonly plain: Map<string, Route[]>;
      readonly secure: Map<string, Route[]>;
      readonly hostOptions: Map<string, HostOptionRequests>;
      readonly catchAll: Set<string>;
    },
  ): void {
    const { provider, name, config } = item;
    const path = configPath('http', 'routers', name);
    const { rule, priority } = this.#routerRule(config, path);

    const entryPoints = this.#routerEntryPoints(config.entryPoints, joinPath(path, 'entryPoints'));
    // A router without `tls` on an entryPoint with `http.tls` is a TLS router there, as in Traefik.
    const tlsByEntryPoint = new Map(entryPoints.map((entryPoint) => [entryPoint, config.tls ?? this.#entryPointTls(entryPoint)]));
    for (const tls of new Set(tlsByEntryPoint.values())) {
      if (tls === undefined) continue;
      const optionsName = qualifyTlsOptions(tls.options, tls === config.tls ? provider : 'internal');
      if (this.#tls!.options(optionsName) === undefined) {
        // Its hosts are still claimed, so that their TLS connections are refused rather than served with other options.
        for (const entryPoint of entryPoints) this.#claimHosts(tables, entryPoint, rule.hosts, optionsName, qualifiedName);
        throw new ConfigError(joinPath(path, 'tls.options'), tlsOptionsFault(this.#config, optionsName));
      }
      if (tls.certResolver !== undefined && tls.certResolver !== '' && !this.#settings.acme.resolvers.has(tls.certResolver)) {
        this.#report(provider, new ConfigError(joinPath(path, 'tls.certResolver'), `certificate resolver ${quote(tls.certResolver)} does not exist; the default certificate is served`));
      }
    }
    const owner: ChainOwner = { kind: 'router', name: qualifiedName };
    const middlewares = this.#resolveMiddlewares(config.middlewares ?? [], provider, joinPath(path, 'middlewares'), owner);
    const { serviceName, handler: service } = this.#routerTarget(qualifiedName, item);

    // Every entryPoint's chain is built before any is registered: a broken one leaves the router out everywhere.
    const routes = entryPoints.map((entryPoint) => {
      const chain = [...this.#entryPointGuards(entryPoint), ...this.#entryPointMiddlewares(entryPoint, path, owner), ...middlewares];
      const inner = chain.reduceRight<Handler>((next, middleware) => middleware(next), service);
      const entryPointFlags = this.#settings.entryPoints.find((candidate) => candidate.name === entryPoint)?.observability ?? defaultObservability;
      const observability = routerObservability(config.observability, entryPointFlags, provider === 'internal', this.#settings.internalObservability);
      const ruleText = config.rule;
      const handler: Handler = function router(exchange) {
        exchange.routerName = qualifiedName;
        exchange.serviceName = serviceName;
        const observation = exchange.observation;
        if (observation !== undefined) observation.routed(observability, ruleText);
        inner(exchange);
      };
      return { entryPoint, route: { name: qualifiedName, rule, priority, providerRank: this.#providerRank(provider), handler } };
    });
    for (const { entryPoint, route } of routes) {
      const tls = tlsByEntryPoint.get(entryPoint);
      if (tls === undefined) {
        tables.plain.get(entryPoint)!.push(route);
        continue;
      }
      tables.secure.get(entryPoint)!.push(route);
      this.#claimHosts(tables, entryPoint, rule.hosts, qualifyTlsOptions(tls.options, tls === config.tls ? provider : 'internal'), qualifiedName);
    }
  }

  /** A router's compiled rule and its priority: as configured, else the rule's length in bytes, as in Traefik. */
  #routerRule(config: HttpRouterConfig, path: string): { readonly rule: CompiledRule; readonly priority: number } {
    const syntax = this.#ruleSyntax(config.ruleSyntax, joinPath(path, 'ruleSyntax'));
    try {
      const rule = compileHttpRule(config.rule, syntax);
      return { rule, priority: config.priority !== undefined && config.priority !== 0 ? config.priority : Buffer.byteLength(config.rule) };
    } catch (error) {
      if (error instanceof RuleError) throw new ConfigError(joinPath(path, 'rule'), error.message);
      throw error;
    }
  }

  /**
   * Where a router sends what it matched: its service, or (multi-layer routing) its child routers, under the
   * service name Traefik gives that hand-over, `<router>-muxer`.
   */
  #routerTarget(qualifiedName: string, item: MergedItem<HttpRouterConfig>): { readonly serviceName: string; readonly handler: Handler } {
    const children = this.#tree.children.get(qualifiedName) ?? [];
    if (children.length > 0) return { serviceName: `${qualifiedName}-muxer`, handler: this.#childRouters(item, children) };
    const path = joinPath(configPath('http', 'routers', item.name), 'service');
    if (item.config.service === undefined) throw new ConfigError(path, 'is required');
    const serviceName = qualify(item.config.service, item.provider);
    return { serviceName, handler: this.#service(serviceName, path) };
  }

  /**
   * A parent router's child table. A child with a fault of its own is left out (and reported); a parent left
   * with no child at all fails, as in Traefik.
   */
  #childRouters(parent: MergedItem<HttpRouterConfig>, children: readonly string[]): Handler {
    const routes: Route[] = [];
    for (const child of children) {
      const item = this.#config.http.routers.get(child)!;
      if (this.#tree.faults.some((fault) => fault.router === child)) continue;
      try {
        routes.push(this.#childRoute(child, item));
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#report(item.provider, error);
      }
    }
    if (routes.length === 0) {
      throw new ConfigError(configPath('http', 'routers', parent.name), `no child router could be built (${children.length} skipped)`);
    }
    for (const route of routes) this.#builtChildren.add(route.name);
    return childRouters(new RouterTable(routes));
  }

  /** One child router: its rule, its own middlewares, then its service or its own children. */
  #childRoute(qualifiedName: string, item: MergedItem<HttpRouterConfig>): Route {
    const { provider, name, config } = item;
    const path = configPath('http', 'routers', name);
    const { rule, priority } = this.#routerRule(config, path);
    const middlewares = this.#resolveMiddlewares(config.middlewares ?? [], provider, joinPath(path, 'middlewares'), { kind: 'router', name: qualifiedName });
    const { serviceName, handler: target } = this.#routerTarget(qualifiedName, item);
    const inner = middlewares.reduceRight<Handler>((next, middleware) => middleware(next), target);
    const handler: Handler = function childRouter(exchange) {
      if (exchange.routerName !== undefined) (exchange.parentRouterNames ??= []).push(exchange.routerName);
      exchange.routerName = qualifiedName;
      exchange.serviceName = serviceName;
      inner(exchange);
    };
    return { name: qualifiedName, rule, priority, providerRank: this.#providerRank(provider), handler };
  }

  /** Records which TLS options an HTTPS router asks for on its hosts; a router without hosts is a catch-all. */
  #claimHosts(
    tables: { readonly hostOptions: Map<string, HostOptionRequests>; readonly catchAll: Set<string> },
    entryPoint: string,
    hosts: readonly string[] | undefined,
    optionsName: string,
    routerName: string,
  ): void {
    if (hosts === undefined || hosts.length === 0) {
      tables.catchAll.add(entryPoint);
      return;
    }
    const requests = tables.hostOptions.get(entryPoint)!;
    for (const host of hosts) {
      let byOptions = requests.get(host);
      if (byOptions === undefined) requests.set(host, (byOptions = new Map()));
      const routers = byOptions.get(optionsName) ?? [];
      if (!routers.includes(routerName)) routers.push(routerName);
      byOptions.set(optionsName, routers);
    }
  }

  #entryPointTls(entryPoint: string): { readonly options?: string | undefined; readonly certResolver?: string | undefined } | undefined {
    return this.#settings.entryPoints.find((candidate) => candidate.name === entryPoint)?.httpTls;
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
      const defaults = this.#defaultEntryPoints();
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

  /**
   * Records the entryPoints a router is attached to before anything else about it is checked: Traefik
   * reports `using` for a router whose rule or service turns out broken too.
   */
  #recordUsing(qualifiedName: string, requested: readonly string[] | undefined): void {
    try {
      this.#using.set(qualifiedName, this.#routerEntryPoints(requested, ''));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
    }
  }

  /** The entryPoints of a router without `entryPoints`: the asDefault ones (else every TCP one), never `traefik`. */
  #defaultEntryPoints(): string[] {
    const httpEntryPoints = this.#settings.entryPoints.filter((entryPoint) => entryPoint.protocol === 'tcp');
    const hasDefaults = httpEntryPoints.some((entryPoint) => entryPoint.asDefault);
    return httpEntryPoints.filter((entryPoint) => (!hasDefaults || entryPoint.asDefault) && entryPoint.name !== 'traefik').map((entryPoint) => entryPoint.name);
  }

  /** What the entryPoint checks on every request its root routers match, before any middleware: `http.encodedCharacters`. */
  #entryPointGuards(entryPoint: string): Middleware[] {
    const denied = this.#settings.entryPoints.find((candidate) => candidate.name === entryPoint)?.deniedEscapes;
    const guard = denied === undefined ? undefined : denyEncodedCharacters(denied);
    return guard === undefined ? [] : [guard];
  }

  /** The entryPoint's own middlewares, built for this router (Traefik prepends them to each router's list). */
  #entryPointMiddlewares(entryPoint: string, routerPath: string, owner: ChainOwner): Middleware[] {
    const references = this.#settings.entryPoints.find((candidate) => candidate.name === entryPoint)?.middlewares ?? [];
    if (references.length === 0) return [];
    try {
      return this.#resolveMiddlewares(references, 'internal', configPath('entryPoints', entryPoint, 'http', 'middlewares'), owner);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#report('internal', error);
      throw new ConfigError(routerPath, `entryPoint ${quote(entryPoint)} has a broken middleware: ${error.reason}`);
    }
  }

  /** Resolves a list of middleware references, expanding chains; throws ConfigError at the referencing path. */
  #resolveMiddlewares(references: readonly string[], provider: string, path: string, owner: ChainOwner, visiting: readonly string[] = []): Middleware[] {
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
          resolved.push(...this.#resolveMiddlewares(item.config.config.middlewares, item.provider, chainPath, owner, [...visiting, qualifiedName]));
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          this.#report(item.provider, error);
          throw new ConfigError(referencePath, `middleware ${quote(qualifiedName)} is invalid: ${error.reason}`);
        }
        return;
      }
      const built = this.#middleware(qualifiedName, item, owner);
      if (!built.ok) throw new ConfigError(referencePath, built.reason);
      resolved.push(built.value);
    });
    return resolved;
  }

  /** Builds a middleware for one router or service (its state is that owner's); a fault is reported once, at its own path. */
  #middleware(qualifiedName: string, item: MergedItem<HttpMiddlewareConfig>, owner: ChainOwner): Built<Middleware> {
    const path = configPath('http', 'middlewares', item.name, item.config.kind);
    const factory = middlewareFactories[item.config.kind] as MiddlewareFactory<unknown> | undefined;
    const definition = JSON.stringify(item.config);
    const stateScope = owner.kind === 'router' ? `${owner.name}\0` : `service-chain\0${owner.name}\0`;
    const context: MiddlewareBuildContext = {
      name: qualifiedName,
      owner,
      log: this.#dependencies.log.with({ middlewareName: qualifiedName }),
      workers: this.#settings.workers,
      state: (name, create) => this.#state.acquire(`${stateScope}${qualifiedName}\0${name}\0${definition}`, create, this.#usedState),
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
    if (internal !== undefined) {
      const reason = internal.unavailable(this.#settings);
      if (reason !== undefined) return { ok: false, reason: `service ${quote(qualifiedName)} is invalid: ${reason}` };
      return { ok: true, value: { handler: internal.create(this.#settings, { report: () => this.#runtimeReport }), availability: undefined } };
    }
    const item = this.#config.http.services.get(qualifiedName);
    if (item === undefined) return { ok: false, reason: this.#missing('service', qualifiedName, this.#config.http.services.keys(), this.#config.invalid.services) };
    const path = configPath('http', 'services', item.name, item.config.kind);
    let node: ServiceNode;
    try {
      node = this.#serviceHandler(qualifiedName, item);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#report(item.provider, error.under(path));
      return { ok: false, reason: `service ${quote(qualifiedName)} is invalid: ${error.reason}` };
    }
    const references = item.config.middlewares ?? [];
    if (references.length === 0) return { ok: true, value: node };
    // As in Traefik, the chain wraps the built service (its servers' forwarding and observations stay inside),
    // is built while the service is, so a chain reaching back to it is a cycle, and breaks the service when broken.
    try {
      const chain = this.#resolveMiddlewares(references, item.provider, configPath('http', 'services', item.name, 'middlewares'), { kind: 'service', name: qualifiedName });
      const handler = chain.reduceRight<Handler>((next, middleware) => middleware(next), node.handler);
      // Parents following health still ask the service itself: the chain does not change whether it has a server.
      return { ok: true, value: { handler, availability: node.availability } };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#report(item.provider, error);
      return { ok: false, reason: `service ${quote(qualifiedName)} is invalid: ${error.reason}` };
    }
  }

  /**
   * The health of a checked service's servers, kept under `key` while its definition is unchanged, and
   * published in `statusOf` for the API, which reads it live on each request.
   */
  #serverHealth(
    key: string,
    service: string,
    servers: readonly string[],
    plan: HealthCheckPlan,
    statusOf: { set(service: string, read: () => Readonly<Record<string, ServerStatus>>): unknown },
  ): ServerHealthTable {
    const watch = this.#state.acquire(key, () => this.#health.watch(key, service, servers, plan), this.#usedState);
    watch.update(plan);
    statusOf.set(service, () => Object.fromEntries(watch.table.statuses().map(({ server, status }) => [server, status])));
    return watch.table;
  }

  #serviceHandler(qualifiedName: string, item: MergedItem<HttpServiceConfig>): ServiceNode {
    // The service's own middlewares are not part of what its balancing and health state depend on.
    const definition = JSON.stringify({ kind: item.config.kind, config: item.config.config });
    const stateKey = (name: string): string => `service\0${qualifiedName}\0${name}\0${definition}`;
    const context: ServiceBuildContext = {
      name: qualifiedName,
      log: this.#dependencies.log.with({ serviceName: qualifiedName }),
      transport: (origin, serversTransport) => this.#transport(origin, serversTransport, item.provider),
      state: (name, create) => this.#state.acquire(stateKey(name), create, this.#usedState),
      serverHealth: (servers, plan) => this.#serverHealth(stateKey('health'), qualifiedName, servers, plan, this.#serverStatus),
      service: (reference) => this.#serviceNode(qualify(reference, item.provider), ''),
    };
    if (item.config.kind === 'loadBalancer') {
      // Servers without health checks read UP, as Traefik reports them.
      const status = Object.fromEntries((item.config.config.servers ?? []).map((server) => [server.url, 'UP' as const]));
      this.#serverStatus.set(qualifiedName, () => status);
    }
    const factory = serviceFactories[item.config.kind] as ServiceFactory<unknown>;
    return factory(item.config.config, context);
  }

  /** The transport a service's reference names: one of `http.serversTransports`, or the static default. */
  #compiledTransport(reference: string | undefined, provider: string): CompiledTransport {
    if (reference === undefined || reference === '' || reference === 'default@internal') return this.#defaultTransport();
    const qualifiedName = qualify(reference, provider);
    const item = this.#config.http.serversTransports.get(qualifiedName);
    if (item === undefined) {
      const reason = this.#missing('serversTransport', qualifiedName, this.#config.http.serversTransports.keys(), this.#config.invalid.serversTransports);
      throw new ConfigError('serversTransport', reason);
    }
    let compiled = this.#transports.get(qualifiedName);
    if (compiled === undefined) {
      try {
        compiled = compileServersTransport(item.config);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#report(item.provider, error.under(configPath('http', 'serversTransports', item.name)));
        compiled = error;
      }
      this.#transports.set(qualifiedName, compiled);
    }
    if (compiled instanceof ConfigError) throw new ConfigError('serversTransport', `serversTransport ${quote(qualifiedName)} is invalid: ${compiled.reason}`);
    return compiled;
  }

  /** `default@internal`, from the static `serversTransport`; compiled once per build. */
  #defaultTransport(): CompiledTransport {
    let compiled = this.#transports.get('default@internal');
    if (compiled === undefined) {
      try {
        compiled = compileDefaultTransport(this.#settings.serversTransport);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#report('internal', error);
        compiled = error;
      }
      this.#transports.set('default@internal', compiled);
    }
    if (compiled instanceof ConfigError) throw new ConfigError('serversTransport', `serversTransport "default@internal" is invalid: ${compiled.reason}`);
    return compiled;
  }

  #transport(origin: string, reference: string | undefined, provider: string): UpstreamTransport {
    const { settings, responseHeaderTimeoutMs } = this.#compiledTransport(reference, provider);
    try {
      return { dispatcher: this.#dependencies.pools.acquire(origin, settings, this.#usedPools), responseHeaderTimeoutMs };
    } catch (error) {
      throw new ConfigError('serversTransport', `cannot set up the connection pool: ${(error as Error).message}`);
    }
  }
}
