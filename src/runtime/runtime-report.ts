import { goDuration } from '../api/go-duration.js';
import type { ConfigError } from '../config/errors.js';
import type { DroppedRouter } from '../providers/provider.js';
import { qualify, type MergedConfig } from './merged-config.js';
import { isChildRouter } from './router-tree.js';

/** How an item fares in the running configuration, as Traefik's `runtime.Status*`. */
export type ItemStatus = 'enabled' | 'disabled' | 'warning';

/** Health of one server of a service, as Traefik reports it. */
export type ServerStatus = 'UP' | 'DOWN';

/** A configuration fault with the provider whose item it belongs to. */
export interface AttributedError {
  readonly provider: string;
  readonly error: ConfigError;
}

/** What the runtime reports about one named item (router, service, middleware) of any protocol. */
export interface ItemReport {
  /** Qualified name: `api@file`. */
  readonly name: string;
  readonly provider: string;
  /** The item's configuration as decoded; for a service or middleware, `{ <kind>: options }`. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly status: ItemStatus;
  /** Messages of the faults found in this item, each with its configuration path. */
  readonly errors: readonly string[];
}

export interface RouterReport extends ItemReport {
  /** The entryPoints the router serves on (Traefik's `using`), sorted. */
  readonly using: readonly string[];
  /** The priority as configured (0 when derived from the rule's length), as Traefik shows it. */
  readonly priority: number;
  readonly service: string;
  readonly middlewares: readonly string[];
  readonly rule: string;
}

export interface ServiceReport extends ItemReport {
  /** The service kind in lowercase (`loadbalancer`); undefined for internal services, which have no options. */
  readonly type: string | undefined;
  /** Routers using this service, sorted. */
  readonly usedBy: readonly string[];
  /** Server URL to health; read live, since health checks change it between reloads. */
  serverStatus(): Readonly<Record<string, ServerStatus>> | undefined;
  /** Number of servers of a load balancer (for sorting by `servers`). */
  readonly serverCount: number;
}

export interface MiddlewareReport extends ItemReport {
  /** The middleware kind in lowercase (`stripprefix`). */
  readonly type: string;
  /** Routers using this middleware directly, sorted. */
  readonly usedBy: readonly string[];
}

/** One protocol's items, by qualified name. */
export interface ProtocolReport<R extends ItemReport = RouterReport, S extends ItemReport = ServiceReport, M extends ItemReport = MiddlewareReport> {
  readonly routers: ReadonlyMap<string, R>;
  readonly services: ReadonlyMap<string, S>;
  readonly middlewares: ReadonlyMap<string, M>;
}

/**
 * The running configuration as the API and dashboard show it: every declared item with its status, its
 * faults and its relations. UDP has no middlewares.
 */
export interface RuntimeReport {
  readonly http: ProtocolReport;
  readonly tcp: ProtocolReport;
  readonly udp: ProtocolReport;
}

export const emptyRuntimeReport: RuntimeReport = {
  http: { routers: new Map(), services: new Map(), middlewares: new Map() },
  tcp: { routers: new Map(), services: new Map(), middlewares: new Map() },
  udp: { routers: new Map(), services: new Map(), middlewares: new Map() },
};

/** The three kinds of routing Traefik's API reports on. */
export type Protocol = 'http' | 'tcp' | 'udp';

/** What the builder learned while compiling, for the report. */
export interface BuildFindings {
  readonly errors: readonly AttributedError[];
  /** Entry points of every HTTP router whose entryPoints resolved, by qualified name. */
  readonly using: ReadonlyMap<string, readonly string[]>;
  /** Routers that serve, by protocol and qualified name. */
  readonly enabledRouters: Readonly<Record<Protocol, ReadonlySet<string>>>;
  /** The entryPoints an HTTP or TCP router without `entryPoints` serves on. */
  readonly defaultEntryPoints: readonly string[];
  /** The entryPoints a TCP router can serve on (TCP entryPoints), and those a UDP router can. */
  readonly tcpEntryPoints: readonly string[];
  readonly udpEntryPoints: readonly string[];
  /** Internal services that exist with this static configuration (`api@internal`, ...). */
  readonly internalServices: readonly string[];
  /** Live server health per HTTP service, when the service keeps it. */
  readonly serverStatus: ReadonlyMap<string, () => Readonly<Record<string, ServerStatus>> | undefined>;
  /** Live server health per checked TCP service. */
  readonly tcpServerStatus: ReadonlyMap<string, () => Readonly<Record<string, ServerStatus>>>;
}

type ItemSection = 'routers' | 'services' | 'middlewares';

/** Where a fault sits: an item of one protocol's routers, services or middlewares. */
export interface ItemLocation {
  readonly protocol: Protocol;
  readonly section: ItemSection;
  readonly name: string;
}

/** Reads the item name that starts a configuration path after its section: `api` or `["app.v2"]`. */
export function leadingName(rest: string): string | undefined {
  if (rest.startsWith('[')) {
    const match = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
    return match === null ? undefined : (JSON.parse(match[1]!) as string);
  }
  const match = /^[^.[]+/.exec(rest);
  return match?.[0];
}

/** Finds the item a configuration path is inside: `http.routers.api.rule` is inside HTTP router `api`. */
export function itemOfPath(path: string): ItemLocation | undefined {
  const match = /^(http|tcp|udp)\.(routers|services|middlewares)(?=[.[])/.exec(path);
  if (match === null) return undefined;
  // A plain name follows a dot (`http.routers.api`), a quoted one a bracket (`http.routers["app.v2"]`).
  const rest = path.slice(match[0].length);
  const name = rest.startsWith('.') ? leadingName(rest.slice(1)) : leadingName(rest);
  return name === undefined ? undefined : { protocol: match[1] as Protocol, section: match[2] as ItemSection, name };
}

/** Finds the item a fault belongs to, qualified by the provider that wrote it. */
export function attributeError({ provider, error }: AttributedError): ItemLocation | undefined {
  const item = itemOfPath(error.path);
  return item === undefined ? undefined : { ...item, name: `${item.name}@${provider}` };
}

function statusOf(errors: readonly string[]): ItemStatus {
  return errors.length === 0 ? 'enabled' : 'disabled';
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/** Lowercases a config key as Traefik's API names a type (`loadBalancer` → `loadbalancer`). */
function typeName(kind: string): string {
  return kind.toLowerCase();
}

/** Traefik's default `responseForwarding.flushInterval`, which its API shows when none is set. */
const defaultFlushIntervalMs = 100;

/**
 * A service's options as Traefik's API shows them: a load balancer's `responseForwarding.flushInterval`
 * filled in and written as a Go duration (decoding keeps milliseconds).
 */
function shownServiceOptions(kind: string, options: unknown): unknown {
  if (kind !== 'loadBalancer' || options === null || typeof options !== 'object') return options;
  const loadBalancer = options as { responseForwarding?: { flushInterval?: number } };
  const flushInterval = loadBalancer.responseForwarding?.flushInterval ?? defaultFlushIntervalMs;
  return { ...loadBalancer, responseForwarding: { ...loadBalancer.responseForwarding, flushInterval: goDuration(flushInterval) } };
}

/** Faults by item, and the routers using each service and middleware, for one report. */
class ReportIndex {
  readonly #errors = new Map<string, string[]>();
  readonly #usedBy = new Map<string, string[]>();

  constructor(errors: readonly AttributedError[]) {
    for (const finding of errors) {
      const owner = attributeError(finding);
      if (owner !== undefined) pushTo(this.#errors, `${owner.protocol}\0${owner.section}\0${owner.name}`, finding.error.message);
    }
  }

  errors(protocol: Protocol, section: ItemSection, name: string): readonly string[] {
    return this.#errors.get(`${protocol}\0${section}\0${name}`) ?? [];
  }

  use(protocol: Protocol, section: ItemSection, name: string, router: string): void {
    pushTo(this.#usedBy, `${protocol}\0${section}\0${name}`, router);
  }

  usersOf(protocol: Protocol, section: ItemSection, name: string): string[] {
    return [...(this.#usedBy.get(`${protocol}\0${section}\0${name}`) ?? [])].sort();
  }
}

/** Builds the report from the merged configuration and what the build found. */
export function buildRuntimeReport(config: MergedConfig, findings: BuildFindings): RuntimeReport {
  const index = new ReportIndex(findings.errors);
  return { http: httpReport(config, findings, index), tcp: tcpReport(config, findings, index), udp: udpReport(config, findings, index) };
}

/** A router's report: what every protocol shows the same way. */
function routerReport(
  protocol: Protocol,
  name: string,
  item: { readonly provider: string; readonly config: { readonly service?: string | undefined; readonly middlewares?: readonly string[] | undefined; readonly rule?: string; readonly priority?: number | undefined } },
  entryPoints: readonly string[],
  using: readonly string[],
  findings: BuildFindings,
  index: ReportIndex,
): RouterReport {
  const router = item.config;
  const errors = index.errors(protocol, 'routers', name);
  const middlewares = router.middlewares ?? [];
  for (const middleware of middlewares) index.use(protocol, 'middlewares', qualify(middleware, item.provider), name);
  if (router.service !== undefined) index.use(protocol, 'services', qualify(router.service, item.provider), name);
  return {
    name,
    provider: item.provider,
    config: { ...router, entryPoints: [...entryPoints] },
    // A router that serves despite a fault (a cut cycle, conflicting TLS options) is in warning, as in Traefik.
    status: !findings.enabledRouters[protocol].has(name) ? 'disabled' : errors.length === 0 ? 'enabled' : 'warning',
    errors,
    using: [...using].sort(),
    priority: router.priority ?? 0,
    service: router.service ?? '',
    middlewares,
    rule: router.rule ?? '',
  };
}

/** A service's report; `shown` is its options as the API writes them. Call after the routers, whose uses it lists. */
function serviceReport(
  protocol: Protocol,
  name: string,
  item: { readonly provider: string; readonly config: unknown },
  index: ReportIndex,
  live: { readonly shown?: unknown; readonly serverStatus: () => Readonly<Record<string, ServerStatus>> | undefined },
): ServiceReport {
  const errors = index.errors(protocol, 'services', name);
  const { kind, config: options } = item.config as { kind: string; config: unknown };
  const servers = kind === 'loadBalancer' ? ((options as { servers?: readonly unknown[] }).servers ?? []) : [];
  return {
    name,
    provider: item.provider,
    config: { [kind]: live.shown ?? options },
    type: typeName(kind),
    status: statusOf(errors),
    errors,
    usedBy: index.usersOf(protocol, 'services', name),
    serverStatus: live.serverStatus,
    serverCount: servers.length,
  };
}

const explicitEntryPoints = (entryPoints: readonly string[] | undefined): readonly string[] | undefined => (entryPoints !== undefined && entryPoints.length > 0 ? entryPoints : undefined);

function httpReport(config: MergedConfig, findings: BuildFindings, index: ReportIndex): ProtocolReport {
  const routers = new Map<string, RouterReport>();
  for (const [name, item] of config.http.routers) {
    // A child router (multi-layer routing) serves through its parents, on no entryPoint of its own.
    const child = isChildRouter(item.config);
    const entryPoints = child ? [] : (explicitEntryPoints(item.config.entryPoints) ?? findings.defaultEntryPoints);
    // Parents are shown qualified, as Traefik's aggregator writes them.
    const shown = child ? { ...item, config: { ...item.config, parentRefs: item.config.parentRefs!.map((parent) => qualify(parent, item.provider)) } } : item;
    routers.set(name, routerReport('http', name, shown, entryPoints, findings.using.get(name) ?? [], findings, index));
  }
  addDroppedRouters('http', config, routers);

  const services = new Map<string, ServiceReport>();
  for (const name of findings.internalServices) {
    services.set(name, {
      name,
      provider: 'internal',
      config: {},
      type: undefined,
      status: 'enabled',
      errors: [],
      usedBy: index.usersOf('http', 'services', name),
      serverStatus: () => undefined,
      serverCount: 0,
    });
  }
  for (const [name, item] of config.http.services) {
    const { kind, config: options } = item.config as { kind: string; config: unknown };
    services.set(name, serviceReport('http', name, item, index, { shown: shownServiceOptions(kind, options), serverStatus: findings.serverStatus.get(name) ?? (() => undefined) }));
  }
  return { routers, services, middlewares: middlewareReports('http', config.http.middlewares, index) };
}

/** Routers left out by decoding or by their provider: shown disabled with their faults, their configuration unknown. */
function addDroppedRouters(protocol: DroppedRouter['protocol'], config: MergedConfig, routers: Map<string, RouterReport>): void {
  const built = new Set(routers.keys());
  for (const dropped of config.droppedRouters ?? []) {
    if (dropped.protocol !== protocol || built.has(dropped.name)) continue;
    const { name } = dropped;
    // One router can be left out for several faults (two routes of one object generating the same name).
    const errors = [...(routers.get(name)?.errors ?? []), ...dropped.errors];
    const provider = name.slice(name.lastIndexOf('@') + 1);
    routers.set(name, { name, provider, config: {}, status: 'disabled', errors, using: [], priority: 0, service: '', middlewares: [], rule: '' });
  }
}

function tcpReport(config: MergedConfig, findings: BuildFindings, index: ReportIndex): ProtocolReport {
  const routers = new Map<string, RouterReport>();
  for (const [name, item] of config.tcp.routers) {
    const entryPoints = explicitEntryPoints(item.config.entryPoints) ?? findings.defaultEntryPoints;
    const using = entryPoints.filter((entryPoint) => findings.tcpEntryPoints.includes(entryPoint));
    routers.set(name, routerReport('tcp', name, item, entryPoints, using, findings, index));
  }
  addDroppedRouters('tcp', config, routers);
  const services = new Map<string, ServiceReport>();
  for (const [name, item] of config.tcp.services) {
    const servers = item.config.kind === 'loadBalancer' ? (item.config.config.servers ?? []) : [];
    // Servers read UP until a health check says otherwise, as Traefik reports them.
    const initial = Object.fromEntries(servers.map((server) => [server.address, 'UP' as const]));
    services.set(name, serviceReport('tcp', name, item, index, { serverStatus: findings.tcpServerStatus.get(name) ?? (() => initial) }));
  }
  return { routers, services, middlewares: middlewareReports('tcp', config.tcp.middlewares, index) };
}

function udpReport(config: MergedConfig, findings: BuildFindings, index: ReportIndex): ProtocolReport {
  const routers = new Map<string, RouterReport>();
  for (const [name, item] of config.udp.routers) {
    // UDP routers without entryPoints serve on every UDP entryPoint.
    const entryPoints = explicitEntryPoints(item.config.entryPoints) ?? findings.udpEntryPoints;
    const using = entryPoints.filter((entryPoint) => findings.udpEntryPoints.includes(entryPoint));
    routers.set(name, routerReport('udp', name, item, entryPoints, using, findings, index));
  }
  addDroppedRouters('udp', config, routers);
  const services = new Map<string, ServiceReport>();
  for (const [name, item] of config.udp.services) services.set(name, serviceReport('udp', name, item, index, { serverStatus: () => undefined }));
  return { routers, services, middlewares: new Map() };
}

/** Middlewares of one protocol; call after its routers, whose uses they list. */
function middlewareReports(protocol: 'http' | 'tcp', items: MergedConfig['http']['middlewares'] | MergedConfig['tcp']['middlewares'], index: ReportIndex): Map<string, MiddlewareReport> {
  const middlewares = new Map<string, MiddlewareReport>();
  for (const [name, item] of items) {
    const middlewareErrors = index.errors(protocol, 'middlewares', name);
    const { kind, config: options } = item.config as { kind: string; config: unknown };
    middlewares.set(name, {
      name,
      provider: item.provider,
      config: { [kind]: options },
      type: typeName(kind),
      status: statusOf(middlewareErrors),
      errors: middlewareErrors,
      usedBy: index.usersOf(protocol, 'middlewares', name),
    });
  }
  return middlewares;
}
