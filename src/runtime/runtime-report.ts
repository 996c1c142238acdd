import { goDuration } from '../api/go-duration.js';
import type { ConfigError } from '../config/errors.js';
import { qualify, type MergedConfig } from './merged-config.js';

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
 * faults and its relations. TCP and UDP are empty until those protocols are built; UDP has no middlewares.
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

/** What the builder learned while compiling, for the report. */
export interface BuildFindings {
  readonly errors: readonly AttributedError[];
  /** Entry points of every router whose entryPoints resolved, by qualified name. */
  readonly using: ReadonlyMap<string, readonly string[]>;
  /** Routers that serve, by qualified name. */
  readonly enabledRouters: ReadonlySet<string>;
  /** The entryPoints a router without `entryPoints` serves on. */
  readonly defaultEntryPoints: readonly string[];
  /** Internal services that exist with this static configuration (`api@internal`, ...). */
  readonly internalServices: readonly string[];
  /** Live server health per service, when the service keeps it. */
  readonly serverStatus: ReadonlyMap<string, () => Readonly<Record<string, ServerStatus>> | undefined>;
}

const itemSections = { routers: 'http.routers', services: 'http.services', middlewares: 'http.middlewares' } as const;
type ItemSection = keyof typeof itemSections;

/** Reads the item name that starts a configuration path after its section: `api` or `["app.v2"]`. */
export function leadingName(rest: string): string | undefined {
  if (rest.startsWith('[')) {
    const match = /^\[("(?:[^"\\]|\\.)*")\]/.exec(rest);
    return match === null ? undefined : (JSON.parse(match[1]!) as string);
  }
  const match = /^[^.[]+/.exec(rest);
  return match?.[0];
}

/** Finds the item a configuration path is inside: `http.routers.api.rule` is inside router `api`. */
export function itemOfPath(path: string): { section: ItemSection; name: string } | undefined {
  for (const [section, prefix] of Object.entries(itemSections) as Array<[ItemSection, string]>) {
    if (!path.startsWith(prefix)) continue;
    // A plain name follows a dot (`http.routers.api`), a quoted one a bracket (`http.routers["app.v2"]`).
    const rest = path.slice(prefix.length);
    const name = rest.startsWith('.') ? leadingName(rest.slice(1)) : rest.startsWith('[') ? leadingName(rest) : undefined;
    return name === undefined ? undefined : { section, name };
  }
  return undefined;
}

/** Finds the item a fault belongs to, qualified by the provider that wrote it. */
export function attributeError({ provider, error }: AttributedError): { section: ItemSection; name: string } | undefined {
  const item = itemOfPath(error.path);
  return item === undefined ? undefined : { section: item.section, name: `${item.name}@${provider}` };
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

/** Builds the HTTP part of the report from the merged configuration and what the build found. */
export function buildRuntimeReport(config: MergedConfig, findings: BuildFindings): RuntimeReport {
  const errorsOf = new Map<string, string[]>();
  for (const finding of findings.errors) {
    const owner = attributeError(finding);
    if (owner !== undefined) pushTo(errorsOf, `${owner.section}\0${owner.name}`, finding.error.message);
  }
  const errors = (section: ItemSection, name: string): readonly string[] => errorsOf.get(`${section}\0${name}`) ?? [];

  const usedBy = new Map<string, string[]>();
  const routers = new Map<string, RouterReport>();
  for (const [name, item] of config.http.routers) {
    const router = item.config;
    const entryPoints = router.entryPoints !== undefined && router.entryPoints.length > 0 ? router.entryPoints : findings.defaultEntryPoints;
    const routerErrors = errors('routers', name);
    const middlewares = router.middlewares ?? [];
    for (const middleware of middlewares) pushTo(usedBy, `middlewares\0${qualify(middleware, item.provider)}`, name);
    pushTo(usedBy, `services\0${qualify(router.service, item.provider)}`, name);
    routers.set(name, {
      name,
      provider: item.provider,
      config: { ...router, entryPoints: [...entryPoints] },
      status: findings.enabledRouters.has(name) && routerErrors.length === 0 ? 'enabled' : 'disabled',
      errors: routerErrors,
      using: [...(findings.using.get(name) ?? [])].sort(),
      priority: router.priority ?? 0,
      service: router.service,
      middlewares,
      rule: router.rule,
    });
  }
  // Routers decoding left out: shown disabled with the faults that dropped them, their configuration unknown.
  for (const [name, messages] of config.droppedRouters ?? []) {
    if (routers.has(name)) continue;
    const provider = name.slice(name.lastIndexOf('@') + 1);
    routers.set(name, { name, provider, config: {}, status: 'disabled', errors: messages, using: [], priority: 0, service: '', middlewares: [], rule: '' });
  }
  const usersOf = (section: ItemSection, name: string): string[] => [...(usedBy.get(`${section}\0${name}`) ?? [])].sort();

  const services = new Map<string, ServiceReport>();
  for (const name of findings.internalServices) {
    services.set(name, {
      name,
      provider: 'internal',
      config: {},
      type: undefined,
      status: 'enabled',
      errors: [],
      usedBy: usersOf('services', name),
      serverStatus: () => undefined,
      serverCount: 0,
    });
  }
  for (const [name, item] of config.http.services) {
    const serviceErrors = errors('services', name);
    const { kind, config: options } = item.config as { kind: string; config: unknown };
    const servers = kind === 'loadBalancer' ? ((options as { servers?: ReadonlyArray<{ url?: string }> }).servers ?? []) : [];
    const live = findings.serverStatus.get(name);
    services.set(name, {
      name,
      provider: item.provider,
      config: { [kind]: shownServiceOptions(kind, options) },
      type: typeName(kind),
      status: statusOf(serviceErrors),
      errors: serviceErrors,
      usedBy: usersOf('services', name),
      serverStatus: live ?? (() => undefined),
      serverCount: servers.length,
    });
  }

  const middlewares = new Map<string, MiddlewareReport>();
  for (const [name, item] of config.http.middlewares) {
    const middlewareErrors = errors('middlewares', name);
    const { kind, config: options } = item.config as { kind: string; config: unknown };
    middlewares.set(name, {
      name,
      provider: item.provider,
      config: { [kind]: options },
      type: typeName(kind),
      status: statusOf(middlewareErrors),
      errors: middlewareErrors,
      usedBy: usersOf('middlewares', name),
    });
  }

  return { ...emptyRuntimeReport, http: { routers, services, middlewares } };
}
