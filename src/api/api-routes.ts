import type { ItemReport, MiddlewareReport, ProtocolReport, RouterReport, RuntimeReport, ServiceReport } from '../runtime/runtime-report.js';
import type { ApiSettings } from './api-settings.js';
import { debugVars } from './debug-vars.js';
import { goJson } from './go-json.js';
import {
  filterMiddleware,
  filterService,
  ListQueryError,
  pagination,
  searchCriterion,
  searchIn,
  sortItems,
  withStatus,
  type SearchCriterion,
  type SortKey,
} from './list-query.js';
import {
  middlewareRepresentation,
  rawData,
  routerRepresentation,
  sectionCounts,
  serviceRepresentation,
  udpRouterRepresentation,
  udpServiceRepresentation,
} from './representations.js';

/** One API request, as far as the API reads it. */
export interface ApiRequest {
  readonly method: string;
  /** Escaped path (ids may hold `%2F`). */
  readonly path: string;
  readonly query: URLSearchParams;
}

/** An API answer, written as is. */
export interface ApiAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const json = (body: unknown, headers: Record<string, string> = {}): ApiAnswer => ({ status: 200, headers: { 'content-type': 'application/json', ...headers }, body: goJson(body) });

/** As Go's `http.Error`: plain text, the message and a newline. */
export function plainError(status: number, message: string): ApiAnswer {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }, body: `${message}\n` };
}

/** As Traefik's `writeError`: a JSON message sent through `http.Error`. */
const apiError = (status: number, message: string): ApiAnswer => plainError(status, JSON.stringify({ message }));

export const notFound: ApiAnswer = plainError(404, '404 page not found');

/** A list endpoint: the items kept by the filters, sorted, one page of them, and `X-Next-Page`. */
function list<T extends { readonly name: string }>(
  query: URLSearchParams,
  items: ReadonlyMap<string, T>,
  keep: (item: T, criterion: SearchCriterion) => boolean,
  sortKeys: Readonly<Record<string, SortKey<T>>>,
  show: (item: T) => Record<string, unknown>,
): ApiAnswer {
  const criterion = searchCriterion(query);
  const kept = [...items.values()].filter((item) => criterion === undefined || keep(item, criterion));
  sortItems(query, kept, sortKeys);
  try {
    const page = pagination(query, kept.length);
    return json(kept.slice(page.start, page.end).map(show), { 'x-next-page': String(page.nextPage) });
  } catch (error) {
    if (error instanceof ListQueryError) return apiError(400, error.message);
    throw error;
  }
}

/** A detail endpoint: the item named by the escaped id, or 404 with Traefik's message. */
function detail<T>(escapedId: string, kind: string, items: ReadonlyMap<string, T>, show: (item: T) => Record<string, unknown>): ApiAnswer {
  let id: string;
  try {
    id = decodeURIComponent(escapedId);
  } catch {
    return apiError(400, `unable to decode ${kind}ID ${JSON.stringify(escapedId)}: invalid URL escape`);
  }
  const item = items.get(id);
  if (item === undefined) return apiError(404, `${kind === 'entryPoint' ? 'entry point' : kind} not found: ${id}`);
  return json(show(item));
}

const routerSortKeys: Record<string, SortKey<RouterReport>> = {
  provider: (router) => router.provider,
  priority: (router) => router.priority,
  status: (router) => router.status,
  rule: (router) => router.rule,
  service: (router) => router.service,
  entryPoints: (router) => ((router.config.entryPoints as readonly string[] | undefined) ?? []).length,
};
const serviceSortKeys: Record<string, SortKey<ServiceReport>> = {
  type: (service) => service.type ?? '',
  servers: (service) => service.serverCount,
  provider: (service) => service.provider,
  status: (service) => service.status,
};
const middlewareSortKeys: Record<string, SortKey<MiddlewareReport>> = {
  type: (middleware) => middleware.type,
  provider: (middleware) => middleware.provider,
  status: (middleware) => middleware.status,
};

const keepRouter = (router: RouterReport, criterion: SearchCriterion): boolean =>
  withStatus(criterion, router.status) && searchIn(criterion, router.rule, router.name) && filterService(criterion, router.service) && filterMiddleware(criterion, router.middlewares);
const keepNamed = (item: ItemReport, criterion: SearchCriterion): boolean => withStatus(criterion, item.status) && searchIn(criterion, item.name);

/** Answers `/api/{http,tcp,udp}/...` for one protocol. */
function protocolRoutes(protocol: 'http' | 'tcp' | 'udp', section: ProtocolReport, rest: string, query: URLSearchParams): ApiAnswer | undefined {
  const [kind, id, extra] = rest.split('/');
  if (extra !== undefined || id === '') return undefined;
  const isUdp = protocol === 'udp';
  switch (kind) {
    case 'routers': {
      const show = isUdp ? udpRouterRepresentation : routerRepresentation;
      return id === undefined ? list(query, section.routers, keepRouter, routerSortKeys, show) : detail(id, 'router', section.routers, show);
    }
    case 'services': {
      const show = isUdp ? udpServiceRepresentation : serviceRepresentation;
      return id === undefined ? list(query, section.services, keepNamed, serviceSortKeys, show) : detail(id, 'service', section.services, show);
    }
    case 'middlewares':
      if (isUdp) return undefined;
      return id === undefined ? list(query, section.middlewares, keepNamed, middlewareSortKeys, middlewareRepresentation) : detail(id, 'middleware', section.middlewares, middlewareRepresentation);
    default:
      return undefined;
  }
}

/** As Traefik: every entryPoint, sorted by name, paged; no filters. */
function entryPoints(query: URLSearchParams, settings: ApiSettings): ApiAnswer {
  try {
    const page = pagination(query, settings.entryPoints.length);
    return json(settings.entryPoints.slice(page.start, page.end), { 'x-next-page': String(page.nextPage) });
  } catch (error) {
    if (error instanceof ListQueryError) return apiError(400, error.message);
    throw error;
  }
}

function overview(settings: ApiSettings, report: RuntimeReport): Record<string, unknown> {
  const counts = (section: ProtocolReport, withMiddlewares: boolean): Record<string, unknown> => ({
    routers: sectionCounts(section.routers),
    services: sectionCounts(section.services),
    ...(withMiddlewares ? { middlewares: sectionCounts(section.middlewares) } : {}),
  });
  return {
    http: counts(report.http, true),
    tcp: counts(report.tcp, true),
    udp: counts(report.udp, false),
    features: settings.features,
    providers: settings.providers.length === 0 ? undefined : settings.providers,
  };
}

/**
 * Answers the API's `GET` endpoints under the base path (`pkg/api/handler.go`); undefined when the path is
 * not one of them. The report is read per request, so every answer reflects the runtime serving it.
 */
export function answerApi(request: ApiRequest, settings: ApiSettings, report: RuntimeReport): ApiAnswer | undefined {
  if (!request.path.startsWith(`${settings.prefix}/`)) return undefined;
  const path = request.path.slice(settings.prefix.length);
  const isApi = path.startsWith('/api/') || (settings.debug && path === '/debug/vars');
  if (!isApi) return undefined;
  const answer = route(path, request.query, settings, report);
  if (answer === undefined) return undefined;
  // As gorilla/mux: a known path asked with another method is 405 with no body.
  if (request.method !== 'GET') return { status: 405, headers: {}, body: '' };
  return answer;
}

function route(path: string, query: URLSearchParams, settings: ApiSettings, report: RuntimeReport): ApiAnswer | undefined {
  switch (path) {
    case '/api/rawdata':
      return json(rawData(report));
    case '/api/overview':
      return json(overview(settings, report));
    case '/api/version':
      return json({
        Version: settings.version,
        Codename: 'junction',
        startDate: settings.startDate,
        disableDashboardAd: settings.disableDashboardAd || undefined,
        dashboardName: settings.dashboardName === '' ? undefined : settings.dashboardName,
      });
    case '/api/entrypoints':
      return entryPoints(query, settings);
    case '/debug/vars':
      return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: debugVars() };
  }
  if (path.startsWith('/api/entrypoints/')) {
    const id = path.slice('/api/entrypoints/'.length);
    if (id === '' || id.includes('/')) return undefined;
    return detail(id, 'entryPoint', new Map(settings.entryPoints.map((entryPoint) => [String(entryPoint.name), entryPoint])), (entryPoint) => ({ ...entryPoint }));
  }
  const protocol = /^\/api\/(http|tcp|udp)\/(.*)$/.exec(path);
  if (protocol === null) return undefined;
  const name = protocol[1] as 'http' | 'tcp' | 'udp';
  return protocolRoutes(name, report[name], protocol[2]!, query);
}
