import { hostIndexKey, type CompiledRule } from '../../rules/http-rule.js';
import type { RoutingRequest } from '../../rules/routing-request.js';
import type { Handler } from '../exchange.js';

/** A router ready to serve on one entryPoint. */
export interface Route {
  /** Qualified name (`api@file`). */
  readonly name: string;
  readonly rule: CompiledRule;
  readonly priority: number;
  /** Lower wins among equal priorities: the provider's rank in the precedence list. */
  readonly providerRank: number;
  readonly handler: Handler;
}

function byPrecedence(a: Route, b: Route): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.providerRank !== b.providerRank) return a.providerRank - b.providerRank;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The routers of one entryPoint, in match order: highest priority first, then provider precedence, then
 * name (Traefik leaves ties within a provider to map order; Junction makes them deterministic). Routers
 * whose rule names exact hosts are indexed by host, so a request only tries the routers that can match
 * its host plus the host-independent ones.
 */
export class RouterTable {
  readonly #anyHost: readonly Route[];
  readonly #byHost: ReadonlyMap<string, readonly Route[]>;

  constructor(routes: readonly Route[]) {
    const sorted = [...routes].sort(byPrecedence);
    this.#anyHost = sorted.filter((route) => route.rule.hosts === undefined);
    const byHost = new Map<string, Route[]>();
    for (const route of sorted) {
      for (const host of route.rule.hosts ?? []) {
        const key = hostIndexKey(host);
        let list = byHost.get(key);
        if (list === undefined) byHost.set(key, (list = []));
        if (!list.includes(route)) list.push(route);
      }
    }
    for (const [host, list] of byHost) byHost.set(host, [...list, ...this.#anyHost].sort(byPrecedence));
    this.#byHost = byHost;
  }

  /** Returns the first router whose rule matches, or undefined. */
  find(request: RoutingRequest): Route | undefined {
    const candidates = this.#byHost.get(hostIndexKey(request.host)) ?? this.#anyHost;
    for (let i = 0; i < candidates.length; i++) {
      const route = candidates[i]!;
      if (route.rule.match(request)) return route;
    }
    return undefined;
  }

  get size(): number {
    const names = new Set(this.#anyHost.map((route) => route.name));
    for (const list of this.#byHost.values()) for (const route of list) names.add(route.name);
    return names.size;
  }
}
