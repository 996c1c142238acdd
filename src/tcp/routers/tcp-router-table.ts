import type { CompiledTcpRule, TcpRoutingRequest } from '../../rules/tcp-rule.js';
import type { TcpHandler } from '../tcp-connection.js';

/** A TCP router ready to serve on one entryPoint. */
export interface TcpRoute {
  readonly name: string;
  readonly rule: CompiledTcpRule;
  readonly priority: number;
  readonly providerRank: number;
  /** True for ``HostSNI(`*`)``-only rules: a more specific HTTPS router is tried before it, as in Traefik. */
  readonly isCatchAll: boolean;
  readonly handler: TcpHandler;
}

/** The TCP routers of one kind (plain, or TLS) on one entryPoint, highest priority first. */
export class TcpRouterTable {
  readonly #routes: readonly TcpRoute[];

  constructor(routes: readonly TcpRoute[]) {
    this.#routes = [...routes].sort((a, b) =>
      a.priority !== b.priority ? b.priority - a.priority : a.providerRank !== b.providerRank ? a.providerRank - b.providerRank : a.name < b.name ? -1 : 1);
  }

  get size(): number {
    return this.#routes.length;
  }

  find(request: TcpRoutingRequest): TcpRoute | undefined {
    for (const route of this.#routes) if (route.rule.match(request)) return route;
    return undefined;
  }
}
