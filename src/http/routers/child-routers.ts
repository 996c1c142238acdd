import { BadRequestError, NoRouteError } from '../errors.js';
import type { Handler } from '../exchange.js';
import type { RouterTable } from './router-table.js';
import { canonicalHost, RoutingView, routingPath } from './routing-view.js';

/**
 * The handler of a parent router in multi-layer routing: matches the request as the parent's middlewares left
 * it (headers they added, a path they stripped) against the child routers, and hands it to the first match;
 * 404 when none matches, as Traefik's child muxer.
 */
export function childRouters(table: RouterTable): Handler {
  return function routeToChild(exchange) {
    const path = routingPath(exchange.path);
    if (path === undefined) return exchange.fail(new BadRequestError('invalid percent-encoding in path'));
    const { request } = exchange;
    const route = table.find(new RoutingView(request, canonicalHost(request.headers.host), path, exchange.rawQuery, exchange.clientIp));
    if (route === undefined) return exchange.fail(new NoRouteError('no child router matches'));
    route.handler(exchange);
  };
}
