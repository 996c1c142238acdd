import type { ItemReport, MiddlewareReport, RouterReport, RuntimeReport, ServiceReport } from '../runtime/runtime-report.js';

/**
 * The JSON shapes of Traefik's API (`pkg/api/handler_*.go`, `pkg/config/runtime`): an item's configuration
 * first, then `error`, `status` and relations; list and detail views add `name`, `provider` and `type`.
 * Undefined fields are left out as Go's `omitempty` does.
 */

/** Router configuration keys in the order Traefik's `dynamic.Router` declares them. */
const routerKeys = ['entryPoints', 'middlewares', 'service', 'rule', 'ruleSyntax', 'priority', 'tls', 'observability', 'parentRefs'] as const;

/**
 * Traefik's internal routers take priorities near MaxInt64, which a JavaScript number cannot hold; Junction
 * uses the same distances below `Number.MAX_SAFE_INTEGER`, and shows them as Traefik's int64 values.
 */
export function goPriority(priority: number): number | bigint {
  const distance = Number.MAX_SAFE_INTEGER - priority;
  if (distance < 0 || distance > 16) return priority;
  return 9223372036854775807n - BigInt(distance);
}

function nonEmpty<T>(list: readonly T[]): readonly T[] | undefined {
  return list.length === 0 ? undefined : list;
}

function routerConfig(router: RouterReport): Record<string, unknown> {
  const config = router.config as Record<string, unknown>;
  const shown: Record<string, unknown> = {};
  for (const key of routerKeys) {
    const value = config[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    if (key === 'priority') {
      if (value !== 0) shown.priority = goPriority(value as number);
      continue;
    }
    // As Traefik's API: a TLS router without options uses the `default` ones.
    shown[key] = key === 'tls' ? { ...(value as object), options: (value as { options?: string }).options || 'default' } : value;
  }
  return shown;
}

function itemState(item: ItemReport): Record<string, unknown> {
  return { error: nonEmpty(item.errors), status: item.status };
}

/** A router as `/api/rawdata` shows it. */
export function rawRouter(router: RouterReport): Record<string, unknown> {
  return { ...routerConfig(router), ...itemState(router), using: nonEmpty(router.using) };
}

/** A router as `/api/http/routers[/name]` shows it. */
export function routerRepresentation(router: RouterReport): Record<string, unknown> {
  return { ...rawRouter(router), name: router.name, provider: router.provider, priorityStr: goPriority(router.priority).toString() };
}

function serverStatus(service: ServiceReport): Readonly<Record<string, string>> | undefined {
  const status = service.serverStatus();
  return status === undefined || Object.keys(status).length === 0 ? undefined : status;
}

/** A service as `/api/rawdata` shows it. */
export function rawService(service: ServiceReport): Record<string, unknown> {
  return { ...service.config, ...itemState(service), usedBy: nonEmpty(service.usedBy), serverStatus: serverStatus(service) };
}

/** A service as `/api/http/services[/name]` shows it. */
export function serviceRepresentation(service: ServiceReport): Record<string, unknown> {
  return {
    ...service.config,
    ...itemState(service),
    usedBy: nonEmpty(service.usedBy),
    name: service.name,
    provider: service.provider,
    type: service.type,
    serverStatus: serverStatus(service),
  };
}

/** A middleware as `/api/rawdata` shows it. */
export function rawMiddleware(middleware: MiddlewareReport): Record<string, unknown> {
  return { ...middleware.config, ...itemState(middleware), usedBy: nonEmpty(middleware.usedBy) };
}

/** A middleware as `/api/http/middlewares[/name]` shows it. */
export function middlewareRepresentation(middleware: MiddlewareReport): Record<string, unknown> {
  return { ...rawMiddleware(middleware), name: middleware.name, provider: middleware.provider, type: middleware.type };
}

/** A UDP router: no rule, no priority. */
export function udpRouterRepresentation(router: RouterReport): Record<string, unknown> {
  return { ...rawRouter(router), name: router.name, provider: router.provider };
}

/** A UDP service: no server status. */
export function udpServiceRepresentation(service: ServiceReport): Record<string, unknown> {
  return { ...service.config, ...itemState(service), usedBy: nonEmpty(service.usedBy), name: service.name, provider: service.provider, type: service.type };
}

function byName<T>(items: ReadonlyMap<string, T>, show: (item: T) => Record<string, unknown>): Record<string, unknown> | undefined {
  if (items.size === 0) return undefined;
  return Object.fromEntries([...items.keys()].sort().map((name) => [name, show(items.get(name)!)]));
}

/** The whole runtime configuration, `/api/rawdata`. */
export function rawData(report: RuntimeReport): Record<string, unknown> {
  return {
    routers: byName(report.http.routers, rawRouter),
    middlewares: byName(report.http.middlewares, rawMiddleware),
    services: byName(report.http.services, rawService),
    tcpRouters: byName(report.tcp.routers, rawRouter),
    tcpMiddlewares: byName(report.tcp.middlewares, rawMiddleware),
    tcpServices: byName(report.tcp.services, rawService),
    udpRouters: byName(report.udp.routers, rawRouter),
    udpServices: byName(report.udp.services, (service) => ({ ...service.config, ...itemState(service), usedBy: nonEmpty(service.usedBy) })),
  };
}

/** Counts of one section of `/api/overview`: disabled items are errors, items with a warning are warnings. */
export function sectionCounts(items: ReadonlyMap<string, ItemReport>): { total: number; warnings: number; errors: number } {
  let warnings = 0;
  let errors = 0;
  for (const item of items.values()) {
    if (item.status === 'disabled') errors++;
    else if (item.status === 'warning') warnings++;
  }
  return { total: items.size, warnings, errors };
}
