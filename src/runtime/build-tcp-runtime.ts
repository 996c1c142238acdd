import type { ConnectionOptions } from 'node:tls';
import type { TcpLoadBalancerConfig, TcpMiddlewareConfig, TcpRouterConfig, TcpServersTransportConfig, TcpServiceConfig } from '../config/dynamic/tcp-schema.js';
import { ConfigError, configPath, joinPath, nearestName, quote } from '../config/errors.js';
import type { Logger } from '../observability/logger.js';
import type { RuleSyntax } from '../rules/http-rule.js';
import { RuleError } from '../rules/rule-error.js';
import { compileTcpRule, defaultTcpPriority } from '../rules/tcp-rule.js';
import { ConnectionCounts, inFlightConn } from '../tcp/middlewares/in-flight-conn.js';
import { tcpIpAllowList } from '../tcp/middlewares/tcp-ip-allow-list.js';
import { TcpRouterTable, type TcpRoute } from '../tcp/routers/tcp-router-table.js';
import { healthCheckTimings, type HealthCheckPlan } from '../http/services/health-check/health-monitor.js';
import type { ServerHealthTable } from '../http/services/health-check/server-health.js';
import { checkTcpHealth } from '../tcp/services/tcp-health-check.js';
import { splitAddress, tcpLoadBalancer, tcpWeighted, type TcpServerTarget } from '../tcp/services/tcp-load-balancer.js';
import type { TcpHandler, TcpMiddleware } from '../tcp/tcp-connection.js';
import { defaultTcpDialSettings, type TcpDialSettings } from '../tcp/tcp-proxy.js';
import { tcpTlsTermination } from '../tcp/tcp-tls-termination.js';
import { readFileOrContent } from '../tls/file-or-content.js';
import { peerIdentityChecker, peerSans } from '../tls/peer-identity.js';
import type { TlsRuntime } from '../tls/tls-runtime.js';
import { qualify, qualifyTlsOptions, type MergedConfig, type MergedItem } from './merged-config.js';
import { tlsOptionsFault } from './build-tls-runtime.js';

/** What the TCP build borrows from the runtime build: reporting, entryPoints, state, ranks. */
export interface TcpBuildContext {
  readonly config: MergedConfig;
  readonly tls: TlsRuntime;
  readonly log: Logger;
  report(provider: string, error: ConfigError): void;
  /** Names of the certificate resolvers that exist. */
  readonly certificateResolvers: ReadonlySet<string>;
  /** Resolves a router's entryPoints (the default ones when none), throwing ConfigError at `path`. */
  routerEntryPoints(requested: readonly string[] | undefined, path: string): string[];
  ruleSyntax(value: string | undefined, path: string): RuleSyntax;
  providerRank(provider: string): number;
  /** State kept across reloads while its key is unchanged. */
  state<T>(key: string, create: () => T): T;
  /** The health of a checked service's servers, kept while its definition is unchanged (checked by the active monitor). */
  serverHealth(service: string, definition: string, servers: readonly string[], plan: HealthCheckPlan): ServerHealthTable;
}

/** A built TCP service: its handler and, when it follows health, whether it has a server to send to. */
interface TcpService {
  readonly handler: TcpHandler;
  readonly isAvailable: (() => boolean) | undefined;
}

/** Traefik drops a health-check payload above this size and only connects. */
const maxHealthCheckPayload = 65_535;

/** The TCP routers of each entryPoint: without `tls`, and with it (passthrough or terminated). */
export interface TcpRouting {
  readonly tcp: TcpRouterTable;
  readonly tcpTls: TcpRouterTable;
}

type Built<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/**
 * Compiles `tcp.routers` per entryPoint. A router whose rule, middleware or service is broken is left out
 * and reported; a TLS router whose options are broken closes its connections, as Traefik's closing route.
 */
export function buildTcpRouting(context: TcpBuildContext, entryPoints: readonly string[]): { routing: Map<string, TcpRouting>; enabled: Map<string, string[]> } {
  return new TcpRuntimeBuilder(context).build(entryPoints);
}

class TcpRuntimeBuilder {
  readonly #context: TcpBuildContext;
  readonly #services = new Map<string, Built<TcpService>>();

  constructor(context: TcpBuildContext) {
    this.#context = context;
  }

  build(entryPoints: readonly string[]): { routing: Map<string, TcpRouting>; enabled: Map<string, string[]> } {
    const plain = new Map<string, TcpRoute[]>(entryPoints.map((name) => [name, []]));
    const secure = new Map<string, TcpRoute[]>(entryPoints.map((name) => [name, []]));
    for (const qualifiedName of [...this.#context.config.tcp.routers.keys()].sort()) {
      const item = this.#context.config.tcp.routers.get(qualifiedName)!;
      try {
        const { entryPoints: names, route, isTls } = this.#router(qualifiedName, item);
        for (const name of names) (isTls ? secure : plain).get(name)?.push(route);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#context.report(item.provider, error);
      }
    }
    const routing = new Map<string, TcpRouting>();
    const enabled = new Map<string, string[]>();
    for (const name of entryPoints) {
      const tcp = plain.get(name)!;
      const tcpTls = secure.get(name)!;
      routing.set(name, { tcp: new TcpRouterTable(tcp), tcpTls: new TcpRouterTable(tcpTls) });
      enabled.set(name, [...tcp, ...tcpTls].map((route) => route.name).sort());
    }
    return { routing, enabled };
  }

  #router(qualifiedName: string, item: MergedItem<TcpRouterConfig>): { entryPoints: string[]; route: TcpRoute; isTls: boolean } {
    const { provider, name, config } = item;
    const path = configPath('tcp', 'routers', name);
    const syntax = this.#context.ruleSyntax(config.ruleSyntax, joinPath(path, 'ruleSyntax'));
    let rule;
    try {
      rule = compileTcpRule(config.rule, syntax);
    } catch (error) {
      if (error instanceof RuleError) throw new ConfigError(joinPath(path, 'rule'), error.message);
      throw error;
    }
    const tls = config.tls;
    const specificSnis = rule.hostSnis.filter((sni) => sni !== '*');
    if (tls === undefined && specificSnis.length > 0) {
      throw new ConfigError(joinPath(path, 'rule'), `invalid rule ${quote(config.rule)}: has HostSNI matcher, but no TLS on router`);
    }
    const entryPoints = this.#context.routerEntryPoints(config.entryPoints, joinPath(path, 'entryPoints'));
    const middlewares = this.#middlewares(config.middlewares ?? [], provider, joinPath(path, 'middlewares'), qualifiedName);
    const service = this.#service(qualify(config.service, provider), joinPath(path, 'service')).handler;
    let handler = middlewares.reduceRight<TcpHandler>((next, middleware) => middleware(next), service);
    if (tls !== undefined && tls.passthrough !== true) {
      if (tls.certResolver !== undefined && tls.certResolver !== '' && !this.#context.certificateResolvers.has(tls.certResolver)) {
        this.#context.report(provider, new ConfigError(joinPath(path, 'tls.certResolver'), `certificate resolver ${quote(tls.certResolver)} does not exist; the default certificate is served`));
      }
      const optionsName = qualifyTlsOptions(tls.options, provider);
      const options = this.#context.tls.options(optionsName);
      if (options === undefined) {
        // The router stays, closing its TLS connections, as Traefik's brokenTLSRouter; the fault is reported.
        this.#context.report(provider, new ConfigError(joinPath(path, 'tls.options'), tlsOptionsFault(this.#context.config, optionsName)));
      }
      handler = tcpTlsTermination(this.#context.tls, options ?? null, handler);
    }
    const priority = config.priority !== undefined && config.priority !== 0 ? config.priority : defaultTcpPriority(config.rule);
    const isCatchAll = rule.hostSnis.length > 0 && specificSnis.length === 0 && !/HostSNIRegexp|ALPN|ClientIP/i.test(config.rule);
    const route: TcpRoute = { name: qualifiedName, rule, priority, providerRank: this.#context.providerRank(provider), isCatchAll, handler };
    return { entryPoints, route, isTls: tls !== undefined };
  }

  #middlewares(references: readonly string[], provider: string, path: string, routerName: string): TcpMiddleware[] {
    return references.map((reference, index) => {
      const qualifiedName = qualify(reference, provider);
      const item = this.#context.config.tcp.middlewares.get(qualifiedName);
      if (item === undefined) {
        throw new ConfigError(joinPath(path, index), missing('middleware', qualifiedName, this.#context.config.tcp.middlewares.keys(), this.#context.config.invalid.tcpMiddlewares));
      }
      try {
        return this.#middleware(qualifiedName, item.config, routerName);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#context.report(item.provider, error.under(configPath('tcp', 'middlewares', item.name, item.config.kind)));
        throw new ConfigError(joinPath(path, index), `middleware ${quote(qualifiedName)} is invalid: ${error.reason}`);
      }
    });
  }

  #middleware(qualifiedName: string, config: TcpMiddlewareConfig, routerName: string): TcpMiddleware {
    switch (config.kind) {
      case 'inFlightConn': {
        // The count is the router's own, as Traefik builds a middleware per router; it survives unchanged reloads.
        const counts = this.#context.state(`tcp\0${routerName}\0${qualifiedName}\0${JSON.stringify(config)}`, () => new ConnectionCounts());
        return inFlightConn(config.config, counts);
      }
      case 'ipAllowList':
        return tcpIpAllowList(config.config);
      case 'ipWhiteList':
        this.#context.log.warn('ipWhiteList is deprecated, please use ipAllowList instead', { middlewareName: qualifiedName });
        return tcpIpAllowList(config.config);
    }
  }

  #service(qualifiedName: string, referencePath: string, visiting: readonly string[] = []): TcpService {
    if (visiting.includes(qualifiedName)) throw new ConfigError(referencePath, `service cycle: ${[...visiting, qualifiedName].map((name) => quote(name)).join(' -> ')}`);
    let built = this.#services.get(qualifiedName);
    if (built === undefined) {
      built = this.#buildService(qualifiedName, [...visiting, qualifiedName]);
      this.#services.set(qualifiedName, built);
    }
    if (built.ok) return built.value;
    throw new ConfigError(referencePath, built.reason);
  }

  #buildService(qualifiedName: string, visiting: readonly string[]): Built<TcpService> {
    const { config } = this.#context;
    const item = config.tcp.services.get(qualifiedName);
    if (item === undefined) return { ok: false, reason: missing('service', qualifiedName, config.tcp.services.keys(), config.invalid.tcpServices) };
    try {
      return { ok: true, value: this.#serviceHandler(qualifiedName, item, visiting) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#context.report(item.provider, error.under(configPath('tcp', 'services', item.name, item.config.kind)));
      return { ok: false, reason: `service ${quote(qualifiedName)} is invalid: ${error.reason}` };
    }
  }

  #serviceHandler(qualifiedName: string, item: MergedItem<TcpServiceConfig>, visiting: readonly string[]): TcpService {
    const service = item.config;
    if (service.kind === 'weighted') {
      const followsHealth = service.config.healthCheck !== undefined;
      const children = (service.config.services ?? []).map((entry, index) => {
        const childName = qualify(entry.name, item.provider);
        const path = joinPath(joinPath('services', index), 'name');
        const child = this.#service(childName, path, visiting);
        if (followsHealth && child.isAvailable === undefined) throw new ConfigError(path, `service ${quote(childName)} has no healthCheck, so its health cannot be followed`);
        return { handler: child.handler, weight: entry.weight ?? 1, isAvailable: child.isAvailable ?? alwaysAvailable };
      });
      return {
        handler: tcpWeighted(children),
        isAvailable: followsHealth ? () => children.some((child) => child.weight > 0 && child.isAvailable()) : undefined,
      };
    }
    const config = service.config;
    let settings = this.#transport(config.serversTransport, item.provider);
    if (config.proxyProtocol !== undefined) settings = { ...settings, proxyProtocolVersion: config.proxyProtocol.version === 1 ? 1 : 2 };
    if (config.terminationDelay !== undefined) settings = { ...settings, terminationDelayMs: config.terminationDelay };
    const servers = (config.servers ?? []).map((server) => {
      const { host, port } = splitAddress(server.address);
      // Only `tls: true` servers are dialled with TLS, with the transport's TLS settings when it has some.
      const tls = server.tls === true ? { servername: isIpLiteral(host) ? undefined : host, ...settings.tls } : undefined;
      return { host, port, settings: { ...settings, tls } };
    });
    if (config.healthCheck === undefined) return { handler: tcpLoadBalancer(servers), isAvailable: undefined };
    const addresses = (config.servers ?? []).map((server) => server.address);
    const plan = this.#healthCheckPlan(config.healthCheck, addresses, servers, item);
    const table = this.#context.serverHealth(qualifiedName, JSON.stringify(service), addresses, plan);
    return { handler: tcpLoadBalancer(servers, (index) => table.isUp(index)), isAvailable: () => table.hasUpServer };
  }

  /** What the checker does for each server: dial it as connections are dialled (TLS included), on the check's port. */
  #healthCheckPlan(config: NonNullable<TcpLoadBalancerConfig['healthCheck']>, addresses: readonly string[], servers: readonly TcpServerTarget[], item: MergedItem<TcpServiceConfig>): HealthCheckPlan {
    const path = configPath('tcp', 'services', item.name, 'loadBalancer', 'healthCheck');
    let { send = '', expect = '' } = config;
    if (Buffer.byteLength(send) > maxHealthCheckPayload) {
      this.#context.report(item.provider, new ConfigError(joinPath(path, 'send'), `payload exceeds ${maxHealthCheckPayload} bytes; the check only connects`));
      send = '';
    }
    if (Buffer.byteLength(expect) > maxHealthCheckPayload) {
      this.#context.report(item.provider, new ConfigError(joinPath(path, 'expect'), `expected answer exceeds ${maxHealthCheckPayload} bytes; the check does not read an answer`));
      expect = '';
    }
    const { intervalMs, unhealthyIntervalMs, timeoutMs } = healthCheckTimings(config);
    const spec = { send, expect, timeoutMs };
    const targets = new Map<string, HealthCheckPlan['targets'][number]>();
    addresses.forEach((address, index) => {
      const { host, port, settings } = servers[index]!;
      const checkedPort = config.port !== undefined && config.port !== 0 ? config.port : port;
      if (!targets.has(address)) targets.set(address, { server: address, probe: (signal) => checkTcpHealth(host, checkedPort, settings.tls, spec, signal) });
    });
    return { intervalMs, unhealthyIntervalMs, targets: [...targets.values()], targetField: 'targetAddress' };
  }

  #transport(reference: string | undefined, provider: string): TcpDialSettings {
    const isDefault = reference === undefined || reference === '' || reference === 'default@internal';
    const qualifiedName = isDefault ? 'default@internal' : qualify(reference, provider);
    const item = this.#context.config.tcp.serversTransports.get(qualifiedName);
    if (item === undefined) {
      if (isDefault && !this.#context.config.invalid.tcpServersTransports.has(qualifiedName)) return defaultTcpDialSettings;
      throw new ConfigError('serversTransport', missing('serversTransport', qualifiedName, this.#context.config.tcp.serversTransports.keys(), this.#context.config.invalid.tcpServersTransports));
    }
    try {
      return dialSettings(item.config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.#context.report(item.provider, error.under(configPath('tcp', 'serversTransports', item.name)));
      throw new ConfigError('serversTransport', `serversTransport ${quote(qualifiedName)} is invalid: ${error.reason}`);
    }
  }
}

const alwaysAvailable = (): boolean => true;

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function missing(kind: string, qualifiedName: string, known: Iterable<string>, invalid: ReadonlySet<string>): string {
  if (invalid.has(qualifiedName)) return `${kind} ${quote(qualifiedName)} is invalid`;
  const hint = nearestName(qualifiedName, known);
  return `${kind} ${quote(qualifiedName)} does not exist${hint === undefined ? '' : `; did you mean ${quote(hint)}?`}`;
}

const unsupportedTlsOptions = ['spiffe'] as const;

function dialSettings(config: TcpServersTransportConfig): TcpDialSettings {
  let tls: ConnectionOptions | undefined;
  if (config.tls !== undefined) {
    for (const option of unsupportedTlsOptions) {
      if (config.tls[option] !== undefined) throw new ConfigError(joinPath('tls', option), 'not supported yet');
    }
    const ca = (config.tls.rootCAs ?? []).map((value, index) => readFileOrContent(value, joinPath('tls', joinPath('rootCAs', index))));
    const certificates = (config.tls.certificates ?? []).map((pair, index) => {
      const path = joinPath('tls', joinPath('certificates', index));
      return { cert: readFileOrContent(pair.certFile, joinPath(path, 'certFile')), key: readFileOrContent(pair.keyFile, joinPath(path, 'keyFile')) };
    });
    const checkIdentity = peerIdentityChecker(peerSans(config.tls.peerCertSANs, config.tls.peerCertURI));
    tls = {
      rejectUnauthorized: config.tls.insecureSkipVerify !== true,
      ...(checkIdentity !== undefined ? { checkServerIdentity: checkIdentity } : {}),
      ...(config.tls.serverName !== undefined && config.tls.serverName !== '' ? { servername: config.tls.serverName } : {}),
      ...(ca.length > 0 ? { ca } : {}),
      ...(certificates[0] !== undefined ? { cert: certificates[0].cert, key: certificates[0].key } : {}),
    };
  }
  return {
    dialTimeoutMs: config.dialTimeout,
    dialKeepAliveMs: config.dialKeepAlive,
    terminationDelayMs: config.terminationDelay,
    proxyProtocolVersion: config.proxyProtocol === undefined ? undefined : config.proxyProtocol.version === 1 ? 1 : 2,
    tls,
  };
}

